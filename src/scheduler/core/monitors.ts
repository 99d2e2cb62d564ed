import type { Change } from "./changes.js";
import type { PrimitiveRsc, Role } from "./model.js";
import type { GraphBuilder } from "./graph.js";
import { normaliseRole, parseIntervalMs } from "./rules.js";

/**
 * Recurring monitors (Pacemaker Explained, "Monitoring Resources for Failure"): after a
 * resource starts, or changes role, the enabled monitor operations with an interval
 * that apply to its new role are scheduled on its node, each after the action that
 * gave it that role. A monitor without a role applies to every role that no other
 * monitor names.
 */
export function addRecurringMonitors(g: GraphBuilder, changes: Change[]): void {
  for (const change of changes) {
    const to = change.to;
    if (change.blocked || to === undefined || change.verb === "Stop") continue;
    const after = lastActionOf(g, change);
    if (after === undefined) continue;
    for (const intervalMs of monitorIntervals(change.rsc, to.role)) g.edge(after, g.op(change.rsc, "monitor", to.node, intervalMs));
  }
}

function lastActionOf(g: GraphBuilder, change: Change): number | undefined {
  const id = change.rsc.id;
  if (change.to?.role === "Promoted") return g.find(id, "promote") ?? g.find(id, "start");
  if (change.verb === "Demote") return g.find(id, "demote");
  if (change.verb === "Promote") return undefined;
  return g.find(id, "start");
}

function monitorIntervals(p: PrimitiveRsc, role: Role): number[] {
  const monitors = p.ops.filter((o) => o.name === "monitor" && o.enabled && parseIntervalMs(o.interval) > 0);
  const roleOf = (r: string | undefined): Role | undefined => {
    const n = r === undefined ? undefined : normaliseRole(r);
    return n === "promoted" ? "Promoted" : n === "unpromoted" ? "Unpromoted" : n === "started" ? "Started" : undefined;
  };
  const named = new Set(monitors.map((o) => roleOf(o.role)).filter((r) => r !== undefined));
  const applies = (r: Role | undefined): boolean => (r === undefined ? !named.has(role) : r === role || (r === "Started" && role === "Unpromoted"));
  return monitors.filter((o) => applies(roleOf(o.role))).map((o) => parseIntervalMs(o.interval));
}
