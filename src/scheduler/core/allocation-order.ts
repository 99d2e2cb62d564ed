import type { NodeName, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import type { Change } from "./changes.js";
import { isManaged, priority } from "./meta.js";
import { nodeUsable, type PlacementContext } from "./placement.js";
import { orderScores } from "./order-scores.js";
import { MINUS_INFINITY, type Score } from "./score.js";
import { freeCapacity } from "./utilization.js";

interface OrderKey {
  /** Remote connections (and what they need) come before everything else. */
  first: boolean;
  priority: number;
  /** The resource's score where it runs now (-INFINITY when it is not running). */
  current: Score;
  /** Its scores on every node, in the order nodes are compared. */
  perNode: Score[];
  index: number;
}

/**
 * The order resources are assigned in, after the remote connections: higher
 * priority first, then configuration order. With a placement-strategy other than
 * default (Pacemaker Explained, "Which resource is preferred to be assigned first"),
 * between equal priorities: the higher score on the node where each runs (one that
 * does not run counts -INFINITY), then the higher score on the first node where the
 * two differ, nodes taken in the order node choice ranks them with nothing placed
 * yet. crm_simulate lists its summary in this order.
 */
export function allocationOrder(resources: Rsc[], ctx: PlacementContext): Rsc[] {
  const byStrategy = ctx.options.placementStrategy !== "default";
  const nodes = byStrategy ? comparisonOrder(ctx) : [];
  const keys = resources.map((rsc, index) => ({ rsc, key: orderKey(rsc, index, nodes, byStrategy, ctx) }));
  return keys.sort((a, b) => compare(a.key, b.key)).map((k) => k.rsc);
}

/**
 * With a placement-strategy other than default, crm_simulate lists its summary in
 * the order it placed the resources (with default, by priority: summary.ts).
 */
export function inAllocationOrder(changes: Change[], order: Rsc[], ctx: PlacementContext): Change[] {
  if (ctx.options.placementStrategy === "default") return changes;
  const rank = new Map(order.map((rsc, i) => [rsc, i]));
  const rankOf = (c: Change): number => rank.get(rootOf(c.rsc)) ?? order.length;
  return [...changes].sort((a, b) => rankOf(a) - rankOf(b));
}

function rootOf(rsc: Rsc): Rsc {
  let top = rsc;
  while (top.parent !== undefined) top = top.parent;
  return top;
}

function compare(a: OrderKey, b: OrderKey): number {
  if (a.first !== b.first) return a.first ? -1 : 1;
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.current !== b.current) return b.current - a.current;
  for (let i = 0; i < a.perNode.length; i++) if (a.perNode[i] !== b.perNode[i]) return b.perNode[i]! - a.perNode[i]!;
  return a.index - b.index;
}

/** Usable nodes first; with balanced, the node with more capacity; then by name. */
function comparisonOrder(ctx: PlacementContext): SchedNode[] {
  const balanced = ctx.options.placementStrategy === "balanced";
  return [...ctx.nodes].sort((a, b) => {
    if (nodeUsable(a) !== nodeUsable(b)) return nodeUsable(a) ? -1 : 1;
    if (balanced) {
      const room = freeCapacity(b, ctx) - freeCapacity(a, ctx);
      if (room !== 0) return room;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function orderKey(rsc: Rsc, index: number, nodes: SchedNode[], byStrategy: boolean, ctx: PlacementContext): OrderKey {
  const first = ctx.placeFirst?.has(rsc) === true;
  if (!byStrategy) return { first, priority: priority(rsc), current: MINUS_INFINITY, perNode: [], index };
  const scores = orderScores(rsc, ctx);
  const perNode = nodes.map((n) => scores.get(n.name) ?? MINUS_INFINITY);
  const node = currentNode(rsc, ctx);
  const current = node === undefined ? MINUS_INFINITY : scores.get(node) ?? MINUS_INFINITY;
  return { first, priority: priority(rsc), current, perNode, index };
}

function currentNode(rsc: Rsc, ctx: PlacementContext): NodeName | undefined {
  if (rsc.kind === "clone" || !isManaged(rsc)) return undefined;
  const active = primitivesOf(rsc)[0]?.active[0];
  // A failed resource is recovered wherever it is assigned, and one on a remote node
  // that is lost goes wherever its connection's recovery leaves room: neither keeps a place.
  if (active === undefined || active.failed) return undefined;
  const node = ctx.nodes.find((n) => n.name === active.node);
  const lostRemote = node !== undefined && node.attributes.get("#kind") !== "cluster" && (!node.online || node.unclean);
  return lostRemote ? undefined : active.node;
}
