import type { Change } from "./changes.js";
import type { SchedNode } from "./model.js";
import type { GraphBuilder } from "./graph.js";
import type { ProbeIndex } from "./probes.js";

/**
 * Pacemaker Remote: a remote node runs resources only while its connection (the
 * resource named after the node) is up, so what starts there waits for the
 * connection's start, and what stops there (and its probes elsewhere) comes before
 * the connection's stop.
 */
export function orderByConnections(g: GraphBuilder, changes: Change[], nodes: readonly SchedNode[], probes: ProbeIndex): void {
  const remote = new Set(nodes.filter((n) => n.attributes.get("#kind") === "remote").map((n) => n.name));
  if (remote.size === 0) return;
  for (const change of changes) {
    const id = change.rsc.id;
    if (change.to !== undefined && remote.has(change.to.node)) g.edge(g.find(change.to.node, "start"), g.find(id, "start"));
    if (change.from === undefined || !remote.has(change.from.node)) continue;
    const connectionStop = g.find(change.from.node, "stop");
    g.edge(g.find(id, "stop"), connectionStop);
    for (const probe of probes.get(id) ?? []) g.edge(probe, connectionStop);
  }
}
