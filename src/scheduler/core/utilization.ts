import type { PlacementContext } from "./placement.js";
import type { PrimitiveRsc, SchedNode } from "./model.js";
import { resolveNvSets } from "./rules.js";

/** Utilization (Pacemaker Explained, "Utilization and Placement Strategy"). */
export function demandOf(p: PrimitiveRsc, ctx: PlacementContext): Map<string, number> {
  const demand = new Map<string, number>();
  for (const [name, value] of resolveNvSets(p.config.utilization, { node: undefined, now: ctx.now })) demand.set(name, Number(value) || 0);
  return demand;
}

/** Capacity left on a node after what has been placed there so far. */
export function remaining(node: SchedNode, ctx: PlacementContext): Map<string, number> {
  let used = ctx.used.get(node.name);
  if (used === undefined) ctx.used.set(node.name, (used = new Map()));
  const left = new Map<string, number>();
  for (const [name, capacity] of node.utilization) left.set(name, capacity - (used.get(name) ?? 0));
  return left;
}

export function utilizationFits(node: SchedNode, members: PrimitiveRsc[], ctx: PlacementContext): boolean {
  const left = remaining(node, ctx);
  const total = new Map<string, number>();
  for (const p of members) for (const [name, value] of demandOf(p, ctx)) total.set(name, (total.get(name) ?? 0) + value);
  for (const [name, value] of total) if (value > (left.get(name) ?? 0)) return false;
  return true;
}

export function consume(node: SchedNode, p: PrimitiveRsc, ctx: PlacementContext): void {
  let used = ctx.used.get(node.name);
  if (used === undefined) ctx.used.set(node.name, (used = new Map()));
  for (const [name, value] of demandOf(p, ctx)) used.set(name, (used.get(name) ?? 0) + value);
}

export function freeCapacity(node: SchedNode, ctx: PlacementContext): number {
  let sum = 0;
  for (const value of remaining(node, ctx).values()) sum += value;
  return sum;
}
