import type { NodeName, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { isManaged, priority } from "./meta.js";
import { banForLaterMembers, ownScores, usableScore, type PlacementContext } from "./placement.js";
import { MINUS_INFINITY, type Score } from "./score.js";
import { demandOf } from "./utilization.js";

interface OrderKey {
  /** Remote connections (and what they need) come before everything else. */
  first: boolean;
  priority: number;
  /** The resource's score where it runs now (undefined when it is not running). */
  current: Score | undefined;
  index: number;
}

/**
 * The order resources are assigned in (Pacemaker Explained, "Which resource is
 * preferred to be assigned first"), after the remote connections: higher priority first; then, to avoid shuffling,
 * the higher score on the node where each runs (a node that could never hold it
 * counts as -INFINITY); then configuration order. (crm_simulate does not put a
 * stopped resource with a higher preference first, so neither do we.)
 */
export function allocationOrder(resources: Rsc[], ctx: PlacementContext): Rsc[] {
  const keys = resources.map((rsc, index) => ({ rsc, key: orderKey(rsc, index, ctx) }));
  return mergeSort(keys, (a, b) => compare(a.key, b.key)).map((k) => k.rsc);
}

/**
 * A top-down merge sort (left half rounded up, ties to the left). The comparison is
 * not transitive (resources that do not run compare by position only), so the
 * result depends on the algorithm: this one is fixed, whatever the engine's sort is.
 */
function mergeSort<T>(items: T[], cmp: (a: T, b: T) => number): T[] {
  if (items.length < 2) return items;
  const middle = Math.ceil(items.length / 2);
  const left = mergeSort(items.slice(0, middle), cmp), right = mergeSort(items.slice(middle), cmp);
  const out: T[] = [];
  let i = 0, j = 0;
  while (i < left.length && j < right.length) out.push(cmp(left[i]!, right[j]!) <= 0 ? left[i++]! : right[j++]!);
  return out.concat(left.slice(i), right.slice(j));
}

function compare(a: OrderKey, b: OrderKey): number {
  if (a.first !== b.first) return a.first ? -1 : 1;
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.current !== undefined && b.current !== undefined && a.current !== b.current) return b.current - a.current;
  return a.index - b.index;
}

function orderKey(rsc: Rsc, index: number, ctx: PlacementContext): OrderKey {
  const first = ctx.placeFirst?.has(rsc) === true;
  const node = currentNode(rsc, ctx);
  if (node === undefined) return { first, priority: priority(rsc), current: undefined, index };
  const where = ctx.nodes.find((n) => n.name === node);
  const current = where !== undefined && fitsEmpty(rsc, node, ctx) ? usableScore(rsc.kind === "group" ? banForLaterMembers(rsc, ownScores(rsc, ctx), ctx) : ownScores(rsc, ctx), where) : MINUS_INFINITY;
  return { first, priority: priority(rsc), current, index };
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
