import type { Ordering } from "./constraints.js";
import type { CloneRsc } from "./model.js";
import type { GraphBuilder } from "./graph.js";

/** The instance operation an ordering's action names (anything else is the start). */
const OPERATIONS = new Set(["start", "stop", "promote", "demote"]);

/**
 * interleave=true on the dependent clone (Pacemaker Explained, "Clone Options"): besides
 * the clones' own pseudo-actions, each instance's action waits for the action of the
 * other clone's instance on the same node. The dependent is "then", or "first" in the
 * reverse (stop) order a symmetrical constraint implies (`reverse`).
 */
export function orderInterleaved(g: GraphBuilder, o: Ordering, reverse: boolean): void {
  if (o.first.kind !== "clone" || o.then.kind !== "clone" || !(reverse ? o.first : o.then).interleave) return;
  const firstOp = OPERATIONS.has(o.firstAction) ? o.firstAction : "start";
  const thenOp = OPERATIONS.has(o.thenAction) ? o.thenAction : "start";
  const firstByNode = actionsByNode(g, o.first, firstOp);
  for (const [node, after] of actionsByNode(g, o.then, thenOp)) g.edge(firstByNode.get(node), after);
}

/** Each node's action `operation` of the clone's (primitive) instances. */
function actionsByNode(g: GraphBuilder, clone: CloneRsc, operation: string): Map<string, number> {
  const byNode = new Map<string, number>();
  for (const instance of clone.instances) {
    if (instance.kind !== "primitive") continue;
    const id = g.find(instance.id, operation);
    // A stop on a fenced node is a pseudo-action that still has its node.
    if (id !== undefined && g.actions[id]!.node !== "") byNode.set(g.actions[id]!.node, id);
  }
  return byNode;
}
