import type { Change } from "./changes.js";
import type { GraphBuilder } from "./graph.js";
import type { PrimitiveRsc } from "./model.js";
import type { ClusterOptions } from "./options.js";
import { isTrueValue } from "./options.js";
import type { StatusView } from "./status.js";

/**
 * Orphans (Pacemaker Explained, "Cluster Options": stop-orphan-resources): a
 * resource the status shows active that the configuration no longer has. It is
 * stopped wherever it runs (unless stop-orphan-resources=false leaves it alone),
 * and never started. Returns one primitive per orphan id, active where found.
 */
export function adoptOrphans(view: StatusView, options: ClusterOptions): PrimitiveRsc[] {
  const stop = isTrueValue(options.all.get("stop-orphan-resources") ?? "true");
  const byId = new Map<string, PrimitiveRsc>();
  for (const { node, resource, history } of view.orphans) {
    if (history.role === "Stopped") continue;
    let p = byId.get(resource.id);
    if (p === undefined) {
      p = orphan(resource.id, resource.class ?? "ocf", resource.provider, resource.type ?? "", stop);
      byId.set(resource.id, p);
    }
    p.active.push({ node, role: history.role === "Started" ? "Started" : history.role, failed: history.failed });
    p.probedOn.add(node);
    if (history.failed) p.failedOn.push(node);
  }
  return [...byId.values()];
}

function orphan(id: string, agentClass: string, provider: string | undefined, type: string, stop: boolean): PrimitiveRsc {
  return {
    kind: "primitive", id, configId: id,
    config: { kind: "primitive", id, template: undefined, class: agentClass, provider, type, meta: [], instance: [], utilization: [], ops: [], implicit: true },
    parent: undefined,
    meta: new Map(stop ? [] : [["is-managed", "false"]]),
    ops: [], active: [], stopFailedOn: [], failedOn: [], probedOn: new Set(),
    blocked: false, forceStop: true, definitionChange: "none", demoteOnly: false, orphan: true,
    scores: new Map(), assigned: undefined, nextRole: "Stopped", promotionScore: new Map(),
  };
}

/**
 * Once an orphan has stopped everywhere, its history is deleted from every node
 * where it stopped cleanly (a failed copy's history stays, to be seen).
 */
export function addOrphanCleanup(g: GraphBuilder, changes: Change[]): void {
  const seen = new Set<PrimitiveRsc>();
  for (const change of changes) {
    const p = change.rsc;
    if (p.orphan !== true || seen.has(p) || change.blocked) continue;
    seen.add(p);
    // The other nodes' stops are twins of this one (see GraphBuilder.twins): they wait alike.
    const stop = g.find(p.id, "stop");
    for (const copy of p.active) if (!copy.failed) g.edge(stop, g.add(p.id, "delete", copy.node));
  }
}
