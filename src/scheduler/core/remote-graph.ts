import type { Change } from "./changes.js";
import type { SchedNode } from "./model.js";
import type { GraphBuilder } from "./graph.js";

/**
 * Pacemaker Remote: a remote node runs resources only while its connection (the
 * resource named after the node) is up, so what starts there waits for the
 * connection's start, and what stops there comes before the connection's stop.
 */
export function orderByConnections(g: GraphBuilder, changes: Change[], nodes: readonly SchedNode[]): void {
  const remote = new Set(nodes.filter((n) => n.attributes.get("#kind") === "remote").map((n) => n.name));
  if (remote.size === 0) return;
  for (const change of changes) {
    const id = change.rsc.id;
    if (change.to !== undefined && remote.has(change.to.node)) g.edge(g.find(change.to.node, "start"), g.find(id, "start"));
    if (change.from !== undefined && remote.has(change.from.node)) g.edge(g.find(id, "stop"), g.find(change.from.node, "stop"));
  }
}
