import type { CloneRsc, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import type { Colocation } from "./constraints.js";
import { primitivesOf } from "./model.js";
import { INFINITY, type Score } from "./score.js";
import { usableScore, type PlacementContext } from "./placement.js";
import { demandOf, remaining } from "./utilization.js";

/** What the capacity check decides for one unit before its node is chosen. */
export interface CapacityVerdict {
  /** Nodes that lack the capacity asked for (not shown in the allocation scores). */
  banned: Set<NodeName>;
  /** When no node can take the unit and what must run with it: the node with the most room, preferred on ties. */
  prefer: SchedNode | undefined;
}

/**
 * Pacemaker Explained, "Utilization and Placement Strategy": a resource is placed
 * where there is room for it and for the resources that must run with it
 * (mandatory colocations, either way, not yet placed). When no node it may run on has room for
 * them all, only the resource's own needs count, and the node with the most room
 * wins a tie (crm_simulate does so: the dependents that no longer fit stay stopped).
 */
export function checkCapacity(unit: Rsc, scores: Map<NodeName, Score>, ctx: PlacementContext): CapacityVerdict {
  if (ctx.options.placementStrategy === "default") return NO_LIMIT;
  const together = mandatoryCompanions(unit, ctx).flatMap(primitivesOf);
  // A lone primitive's own needs are checked by node choice; a group's node is chosen
  // for its first member, so the rest counts here.
  if (together.length === 1) return NO_LIMIT;
  return verdict(together, scores, ctx);
}

/**
 * The same check for one instance of a clone (crm_simulate, observed): the instance
 * plus, for each resource mandatorily colocated with the clone and not placed yet,
 * one instance of it (a clone) or it and its own companions (anything else).
 */
export function checkInstanceCapacity(clone: CloneRsc, instance: Rsc, scores: Map<NodeName, Score>, ctx: PlacementContext, full: (node: SchedNode) => boolean): CapacityVerdict {
  if (ctx.options.placementStrategy === "default") return NO_LIMIT;
  const together = new Set(primitivesOf(instance));
  for (const { c, other } of mandatoryLinks(clone, ctx)) {
    if (c.score < INFINITY || ctx.state.get(other) === "done") continue;
    const members = other.kind === "clone" ? primitivesOf(other.instances[0] ?? other) : mandatoryCompanions(other, ctx).flatMap(primitivesOf);
    for (const p of members) together.add(p);
  }
  if (together.size === primitivesOf(instance).length) return NO_LIMIT;
  return verdict([...together], scores, ctx, full);
}

const NO_LIMIT: CapacityVerdict = { banned: new Set(), prefer: undefined };

function verdict(together: PrimitiveRsc[], scores: Map<NodeName, Score>, ctx: PlacementContext, full?: (node: SchedNode) => boolean): CapacityVerdict {
  const demand = demandOfAll(together, ctx);
  // Only the nodes the unit may run on count (utilization-check-allowed-nodes).
  const usable = ctx.nodes.filter((n) => usableScore(scores, n) >= 0 && full?.(n) !== true);
  const capable = usable.filter((n) => hasRoom(n, demand, ctx));
  if (capable.length > 0) return { banned: new Set(usable.filter((n) => !capable.includes(n)).map((n) => n.name)), prefer: undefined };
  let prefer: SchedNode | undefined;
  for (const node of usable) if (prefer === undefined || compareRoom(node, prefer, ctx) > 0) prefer = node;
  return { banned: new Set(), prefer };
}

/** The unit and everything tied to it by mandatory colocations, transitively, that is not placed yet. */
function mandatoryCompanions(unit: Rsc, ctx: PlacementContext): Rsc[] {
  const found = new Set<Rsc>([unit]);
  const queue: Rsc[] = [unit];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const { c, other } of mandatoryLinks(next, ctx)) {
      if (c.score < INFINITY || found.has(other) || ctx.state.get(other) === "done" || other.kind === "clone") continue;
      found.add(other);
      queue.push(other);
    }
  }
  return [...found];
}

function mandatoryLinks(unit: Rsc, ctx: PlacementContext): Array<{ c: Colocation; other: Rsc }> {
  return [...(ctx.withPrimary.get(unit) ?? []).map((c) => ({ c, other: c.primary })), ...(ctx.withDependent.get(unit) ?? []).map((c) => ({ c, other: c.dependent }))];
}

function demandOfAll(members: PrimitiveRsc[], ctx: PlacementContext): Map<string, number> {
  const total = new Map<string, number>();
  for (const p of members) for (const [name, value] of demandOf(p, ctx)) total.set(name, (total.get(name) ?? 0) + value);
  return total;
}

function hasRoom(node: SchedNode, demand: Map<string, number>, ctx: PlacementContext): boolean {
  const left = remaining(node, ctx);
  for (const [name, value] of demand) if (value > (left.get(name) ?? 0)) return false;
  return true;
}

/** Positive when `a` has more room left than `b`: one vote per utilization attribute. */
function compareRoom(a: SchedNode, b: SchedNode, ctx: PlacementContext): number {
  const leftA = remaining(a, ctx), leftB = remaining(b, ctx);
  let votes = 0;
  for (const name of new Set([...leftA.keys(), ...leftB.keys()])) votes += Math.sign((leftA.get(name) ?? 0) - (leftB.get(name) ?? 0));
  return votes;
}
