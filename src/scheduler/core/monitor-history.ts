import type { Change } from "./changes.js";
import type { NodeHistory } from "./history.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isManaged } from "./meta.js";
import type { GraphBuilder } from "./graph.js";
import { monitorIntervals } from "./monitors.js";

export type Histories = ReadonlyMap<PrimitiveRsc, ReadonlyMap<NodeName, NodeHistory>>;

/**
 * Recurring monitors against the ones the history shows active (Pacemaker Explained,
 * "Monitoring Resources for Failure", and per role for promotable clones): a resource
 * that stays as it is gets the monitors of its role that are not running yet, and one
 * that changes role in place first cancels the monitors of its old role (the new
 * role's start after the promote or demote, see monitors.ts).
 */
export function reconcileMonitors(g: GraphBuilder, changes: Change[], resources: Rsc[], nodes: SchedNode[], histories: Histories): void {
  const changed = new Set<PrimitiveRsc>();
  for (const change of changes) {
    changed.add(change.rsc);
    if (!change.blocked) cancelOldRole(g, change, histories);
  }
  const usable = new Set(nodes.filter((n) => n.online && !n.unclean && !n.maintenance).map((n) => n.name));
  for (const p of resources.flatMap(primitivesOf)) {
    if (changed.has(p) || p.active.length !== 1 || p.blocked || !isManaged(p)) continue;
    const { node, role, failed } = p.active[0]!;
    const recorded = histories.get(p)?.get(node)?.recurring;
    if (failed || !usable.has(node) || recorded === undefined) continue;
    for (const intervalMs of monitorIntervals(g, p, role)) if (!recorded.has(intervalMs)) g.op(p, "monitor", node, intervalMs);
  }
}

function cancelOldRole(g: GraphBuilder, change: Change, histories: Histories): void {
  const { from, to, verb, rsc: p } = change;
  if ((verb !== "Promote" && verb !== "Demote") || from === undefined || to === undefined || from.node !== to.node) return;
  const recorded = histories.get(p)?.get(from.node)?.recurring;
  if (recorded === undefined) return;
  const keep = new Set(monitorIntervals(g, p, to.role));
  const roleChange = g.find(p.id, verb === "Promote" ? "promote" : "demote");
  for (const intervalMs of recorded.keys()) {
    if (keep.has(intervalMs)) continue;
    const cancel = g.keyed({
      resource: p.id, operation: "cancel", node: from.node, intervalMs, timeoutMs: g.timeoutOf(p, "monitor", intervalMs),
      pseudo: false, key: `${p.id}_monitor_${intervalMs}`, meta: { operation: "monitor" },
    });
    g.edge(cancel, roleChange);
  }
}
