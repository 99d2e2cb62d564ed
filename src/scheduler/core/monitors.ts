import type { Change } from "./changes.js";
import type { PrimitiveRsc, Role } from "./model.js";
import type { GraphBuilder } from "./graph.js";
import { normaliseRole } from "./rules.js";

/**
 * Recurring monitors (Pacemaker Explained, "Monitoring Resources for Failure"): after a
 * resource starts, or changes role, the enabled monitor operations with an interval
 * that apply to its new role are scheduled on its node, each after the action that
 * gave it that role. A monitor without a role applies to the started and unpromoted
 * roles when no other monitor names them (the promoted role needs its own, as
 * crm_simulate shows); an interval configured twice is ambiguous and neither runs.
 */
export function addRecurringMonitors(g: GraphBuilder, changes: Change[], recorded?: (p: PrimitiveRsc, node: string) => ReadonlyMap<number, unknown> | undefined): void {
  for (const change of changes) {
    const to = change.to;
    if (change.blocked || to === undefined || change.verb === "Stop") continue;
    const after = lastActionOf(g, change);
    if (after === undefined) continue;
    // A promoted monitor waits for the start as well as for the promote.
    const start = to.role === "Promoted" ? g.find(change.rsc.id, "start") : undefined;
    // A role change in place keeps a monitor already active at the same interval.
    const active = (change.verb === "Promote" || change.verb === "Demote" || change.verb === "Re-promote") && change.from?.node === to.node ? recorded?.(change.rsc, to.node) : undefined;
    for (const intervalMs of monitorIntervals(g, change.rsc, to.role)) {
      if (active?.has(intervalMs) === true) continue;
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
  const seen = new Set<number>(), twice = new Set<number>();
  for (const o of p.ops) {
    const intervalMs = g.durationMs(o.interval);
    if (o.name !== "monitor" || !o.enabled || intervalMs <= 0) continue;
    if (seen.has(intervalMs)) twice.add(intervalMs);
    seen.add(intervalMs);
    const r = roleOf(o.role);
    const applies = r === undefined ? !roleNamed && role !== "Promoted" : r === role || (r === "Started" && role === "Unpromoted");
    if (applies) intervals.push(intervalMs);
  }
  return twice.size === 0 ? intervals : intervals.filter((ms) => !twice.has(ms));
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
