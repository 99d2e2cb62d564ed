import type { Change } from "./changes.js";
import { priority } from "./meta.js";
import { cloneOf } from "./model.js";

/** A fencing action, as the summary lists it. */
export interface FenceLine {
  node: string;
  action: string;
  reason: string;
  /** A guest node is "fenced" by recovering the resource that contains it. */
  resource?: string | undefined;
  /** Unfencing: the devices' digests the node records (see unfencing.ts). */
  digests?: { all: string; secure: string } | undefined;
}

function detail(change: Change): string {
  const { from, to, verb, rsc } = change;
  // An orphan has one role (the highest it was found in): shown when not just Started.
  const promotable = cloneOf(rsc)?.promotable === true || rsc.orphan === true;
  const role = (r: string): string => (promotable && r !== "Started" ? `${r} ` : "");
  switch (verb) {
    case "Start":
      return to!.node;
    case "Stop":
      return `${role(from!.role)}${from!.node}`;
    case "Promote":
      return `${from === undefined ? "Stopped" : from.role} -> Promoted ${to!.node}`;
    case "Demote":
      return `Promoted -> Unpromoted ${to!.node}`;
    case "Move":
    case "Migrate":
    case "Recover":
    case "Restart":
    case "Re-promote":
    case "Reload": {
      if (from === undefined || to === undefined) return to?.node ?? from?.node ?? "";
      const roleChange = promotable && from.role !== to.role && verb !== "Move" ? `${from.role} -> ${to.role} ` : role(from.role);
      return from.node === to.node ? `${roleChange}${to.node}` : `${role(from.role)}${from.node} -> ${to.node}`;
    }
  }
}

function suffix(change: Change): string {
  if (change.reason === undefined) return change.blocked ? "  blocked" : "";
  return `  ${change.reason}${change.blocked ? " (blocked)" : ""}`;
}

/**
 * Pacemaker's "Transition Summary:" block: verb padded to 10 columns, the instance
 * name padded to the longest one, and the detail right-aligned inside the parentheses.
 */
export function formatSummary(all: Change[], fences: FenceLine[]): string[] {
  const changes = all.filter((c) => c.silent !== true);
  // An unfencing without a reason (a device's recorded digest changed) is in the graph only.
  const lines = fences.filter((f) => f.reason !== "").map((f) => `  * Fence (${f.action}) ${f.node}${f.resource === undefined ? "" : ` (resource: ${f.resource})`} '${f.reason}'`);
  const nameWidth = Math.max(0, ...changes.map((c) => c.rsc.id.length)) + 5;
  const details = changes.map(detail);
  const detailWidth = Math.max(0, ...details.map((d) => d.length));
  changes.forEach((change, i) => {
    const verb = change.verb.padEnd(10);
    const name = change.rsc.id.padEnd(nameWidth);
    lines.push(`  * ${verb} ${name}( ${details[i]!.padStart(detailWidth)} )${suffix(change)}`);
  });
  return lines;
}

/** The summary lists resources of higher priority first, in configuration order otherwise. */
export function byPriority(changes: Change[]): Change[] {
  if (changes.every((c) => priority(c.rsc) === 0)) return changes;
  return [...changes].sort((a, b) => priority(b.rsc) - priority(a.rsc));
}
