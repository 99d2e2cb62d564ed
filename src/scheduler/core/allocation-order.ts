import type { NodeName, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isManaged, priority } from "./meta.js";
import { ownScores, type PlacementContext } from "./placement.js";
import { MINUS_INFINITY, type Score } from "./score.js";
import { demandOf } from "./utilization.js";

interface OrderKey {
  /** Remote connections come before everything (ctx.placeFirst). */
  first: number;
  priority: number;
  /** The resource's score where it runs now (undefined when it is not running). */
  current: Score | undefined;
  index: number;
}

/**
 * The order resources are assigned in (Pacemaker Explained, "Which resource is
 * preferred to be assigned first"): higher priority first; then, to avoid shuffling,
 * the higher score on the node where each runs (a node that could never hold it
 * counts as -INFINITY); then configuration order. (crm_simulate does not put a
 * stopped resource with a higher preference first, so neither do we.)
 */
export function allocationOrder(resources: Rsc[], ctx: PlacementContext): Rsc[] {
  const keys = resources.map((rsc, index) => ({ rsc, key: orderKey(rsc, index, ctx) }));
  keys.sort((a, b) => compare(a.key, b.key));
  return keys.map((k) => k.rsc);
}

function compare(a: OrderKey, b: OrderKey): number {
  if (a.first !== b.first) return b.first - a.first;
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.current !== undefined && b.current !== undefined && a.current !== b.current) return b.current - a.current;
  return a.index - b.index;
}

function orderKey(rsc: Rsc, index: number, ctx: PlacementContext): OrderKey {
  const running = currentNode(rsc);
  // A resource on a remote node that is lost (to be fenced) has no place to keep either.
  const lost = (n: SchedNode): boolean => n.name === running && n.unclean && n.attributes.get("#kind") !== "cluster";
  const node = running !== undefined && ctx.nodes.some(lost) ? undefined : running;
  const first = ctx.placeFirst?.has(rsc) === true ? 1 : 0;
  if (node === undefined) return { first, priority: priority(rsc), current: undefined, index };
  const current = fitsEmpty(rsc, node, ctx) ? (ownScores(rsc, ctx).get(node) ?? MINUS_INFINITY) : MINUS_INFINITY;
  return { first, priority: priority(rsc), current, index };
}

function currentNode(rsc: Rsc): NodeName | undefined {
  if (rsc.kind === "clone" || !isManaged(rsc)) return undefined;
  const active = primitivesOf(rsc)[0]?.active[0];
  // A failed resource is recovered wherever it is assigned: it has no place to keep.
  return active === undefined || active.failed ? undefined : active.node;
}

/** Whether the node's capacity could hold the resource at all (utilization strategies only). */
function fitsEmpty(rsc: Rsc, node: NodeName, ctx: PlacementContext): boolean {
  if (ctx.options.placementStrategy === "default") return true;
  const capacity = ctx.nodes.find((n) => n.name === node)?.utilization;
  if (capacity === undefined) return true;
  const demand = new Map<string, number>();
  for (const p of primitivesOf(rsc)) for (const [name, value] of demandOf(p, ctx)) demand.set(name, (demand.get(name) ?? 0) + value);
  for (const [name, value] of demand) if (value > (capacity.get(name) ?? 0)) return false;
  return true;
}
