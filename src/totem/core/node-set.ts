import type { NodeId } from "./types.js";

/** Node sets travel and compare as strictly ascending arrays. */
export function sortedNodes(nodes: Iterable<NodeId>): NodeId[] {
  return [...new Set(nodes)].sort((a, b) => a - b);
}

export function sameNodes(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isSubsetOf(part: readonly NodeId[], whole: ReadonlySet<NodeId>): boolean {
  return part.every((node) => whole.has(node));
}

export function without(nodes: readonly NodeId[], removed: ReadonlySet<NodeId> | readonly NodeId[]): NodeId[] {
  const set = removed instanceof Set ? removed : new Set(removed);
  return nodes.filter((node) => !set.has(node));
}

/** The token passes to the next higher id and wraps (Totem §2: ring order). */
export function successorOf(members: readonly NodeId[], me: NodeId): NodeId {
  const index = members.indexOf(me);
  return members[(index + 1) % members.length]!;
}
