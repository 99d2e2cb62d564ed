import type { Change } from "./changes.js";
import type { GraphBuilder } from "./graph.js";
import type { PrimitiveRsc, Role } from "./model.js";
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
  // In the order the status first names them (a history where one stopped included).
  const byId = new Map<string, PrimitiveRsc>();
  for (const { node, resource, history } of view.orphans) {
    let p = byId.get(resource.id);
    if (p === undefined) {
      p = orphan(resource.id, resource.class ?? "ocf", resource.provider, resource.type ?? "", stop);
      byId.set(resource.id, p);
    }
    p.probedOn.add(node);
    if (history.role === "Stopped" && !history.failed) continue;
    p.active.push({ node, role: history.role === "Started" ? "Started" : history.role, failed: history.failed });
    if (history.failed) p.failedOn.push(node);
  }
  const orphans = [...byId.values()].filter((p) => p.active.length > 0);
  for (const p of orphans) {
    // Like a configured resource, an orphan has one role: the highest found.
    const role = p.active.map((a) => a.role).reduce((a, b) => (ROLE_RANK[b] > ROLE_RANK[a] ? b : a));
    for (const a of p.active) a.role = role;
  }
  return orphans;
}

const ROLE_RANK: Record<Role, number> = { Stopped: 0, Started: 1, Unpromoted: 2, Promoted: 3 };

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
 * that has one, except where it failed (a failed copy's history stays, to be seen)
 * and where the node is shutting down.
 */
export function addOrphanCleanup(g: GraphBuilder, changes: Change[], leaving: ReadonlySet<string>): void {
  const seen = new Set<PrimitiveRsc>();
  for (const change of changes) {
    const p = change.rsc;
    if (p.orphan !== true || seen.has(p) || change.blocked) continue;
    seen.add(p);
    // The other nodes' stops are twins of this one (see GraphBuilder.twins): they wait alike.
    // Every node with a history of it forgets it, those where it stopped before included,
    // but a node shutting down (its history goes with it).
    const stop = g.find(p.id, "stop");
    for (const node of p.probedOn) if (!p.failedOn.includes(node) && !leaving.has(node)) g.edge(stop, g.add(p.id, "delete", node));
  }
}
