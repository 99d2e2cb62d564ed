import type { Change } from "./changes.js";
import type { PrimitiveRsc, Role } from "./model.js";
import type { GraphBuilder } from "./graph.js";
import { normaliseRole } from "./rules.js";

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
    // A promoted monitor waits for the start as well as for the promote.
    const start = to.role === "Promoted" ? g.find(change.rsc.id, "start") : undefined;
    for (const intervalMs of monitorIntervals(g, change.rsc, to.role)) {
      const monitor = g.op(change.rsc, "monitor", to.node, intervalMs);
      g.edge(start, monitor);
      g.edge(after, monitor);
    }
  }
}

/** The intervals of the enabled recurring monitors that apply to `role`. */
export function monitorIntervals(g: GraphBuilder, p: PrimitiveRsc, role: Role): number[] {
  const roleNamed = roleNamedByMonitor(g, p, role);
  const intervals: number[] = [];
  for (const o of p.ops) {
    const intervalMs = g.durationMs(o.interval);
    if (o.name !== "monitor" || !o.enabled || intervalMs <= 0) continue;
    const r = roleOf(o.role);
    const applies = r === undefined ? !roleNamed : r === role || (r === "Started" && role === "Unpromoted");
    if (applies) intervals.push(intervalMs);
  }
  return intervals;
}

function lastActionOf(g: GraphBuilder, change: Change): number | undefined {
  const id = change.rsc.id;
  if (change.to?.role === "Promoted") return g.find(id, "promote") ?? g.find(id, "start");
  if (change.verb === "Demote") return g.find(id, "demote");
  if (change.verb === "Promote") return undefined;
  return g.find(id, "start");
}

/** Whether an enabled recurring monitor names `role` (then monitors without a role do not apply to it). */
function roleNamedByMonitor(g: GraphBuilder, p: PrimitiveRsc, role: Role): boolean {
  for (const o of p.ops) {
    if (o.name === "monitor" && o.enabled && g.durationMs(o.interval) > 0 && roleOf(o.role) === role) return true;
  }
  return false;
}

function roleOf(r: string | undefined): Role | undefined {
  const n = r === undefined ? undefined : normaliseRole(r);
  return n === "promoted" ? "Promoted" : n === "unpromoted" ? "Unpromoted" : n === "started" ? "Started" : undefined;
}
