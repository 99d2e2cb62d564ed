import type { ActiveOn, NodeName, PrimitiveRsc, Role, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { allowMigrate, isManaged } from "./meta.js";
import { halfMigrated, withCleanup } from "./migration-plan.js";
import { multipleActiveChanges } from "./multiple-active.js";

export type Verb = "Start" | "Stop" | "Move" | "Migrate" | "Recover" | "Restart" | "Promote" | "Demote" | "Re-promote" | "Reload";

/** One resource's planned change, as the Transition Summary reports it. */
export interface Change {
  rsc: PrimitiveRsc;
  verb: Verb;
  from: ActiveOn | undefined;
  to: { node: NodeName; role: Role } | undefined;
  /** Why, when the cause lies elsewhere ("due to node availability", ...). */
  reason: string | undefined;
  /** The action cannot run now (its prerequisite is unrunnable, or the resource is blocked). */
  blocked: boolean;
  /** A multiply active resource: every node whose copy stops (else just `from`'s). */
  stopsOn?: NodeName[];
  /** multiple-active=stop_unexpected: the copy kept running stands for the start. */
  pseudoStart?: boolean;
  /** Graph actions only: the summary does not list it (see migration-plan.ts). */
  silent?: boolean;
  /** Stops a half-done migration left to do elsewhere, before the start (migration-plan.ts). */
  cleanupStops?: NodeName[];
}

/** Why a resource cannot stay or start, set by the stages before the summary. */
export interface Blocker {
  /** Undefined: the summary says just "blocked". */
  reason: string | undefined;
  blocked: boolean;
}

export interface ChangeInputs {
  /** Resources forced to restart in place (definition change, a required resource restarting). */
  restarts: Map<PrimitiveRsc, string>;
  /** Resources whose start is impossible although placed, with the reason. */
  unrunnable: Map<PrimitiveRsc, Blocker>;
  /** Reason for stops that are not plain node availability (no quorum, ...). */
  stopReason: Map<PrimitiveRsc, Blocker>;
  /** Nodes that will be fenced: what runs there is stopped by the fencing. */
  fenced: Set<NodeName>;
  /** Resources whose own failure (on-fail=fence) fences their node: they are recovered, not moved. */
  failureFenced: Set<PrimitiveRsc>;
  /** Resources whose stop must wait for a stop that cannot run (see blocked-stops.ts). */
  stopBlocked: Map<PrimitiveRsc, { blocker: PrimitiveRsc; group: boolean }>;
  /** A migration is possible between these nodes (both members and online). */
  canMigrate: (p: PrimitiveRsc, from: NodeName, to: NodeName) => boolean;
  /** Resources that would migrate but must move by stop and start, with the reason. */
  migrationBlockers: Map<PrimitiveRsc, string>;
}

export function planChanges(resources: Rsc[], inputs: ChangeInputs): Change[] {
  const changes: Change[] = [];
  for (const top of resources) {
    for (const p of primitivesOf(top)) {
      const held = inputs.stopBlocked.get(p);
      for (const change of changeOf(p, inputs)) changes.push(held === undefined ? change : heldStop(change, held));
    }
  }
  return changes;
}

/**
 * A resource whose stop cannot run stays where it is: a stop is shown blocked, and a
 * move becomes a blocked stop (naming the group member that holds it).
 */
function heldStop(change: Change, held: { blocker: PrimitiveRsc; group: boolean }): Change {
  if (change.verb === "Stop") return { ...change, blocked: true };
  const leaves = change.from !== undefined && change.to !== undefined && change.from.node !== change.to.node;
  if (!leaves || !["Move", "Migrate", "Recover"].includes(change.verb)) return change;
  const reason = held.group ? `due to unrunnable ${held.blocker.id} stop` : undefined;
  return { ...change, verb: "Stop", to: undefined, reason, blocked: true };
}

function changeOf(p: PrimitiveRsc, inputs: ChangeInputs): Change[] {
  if (!isManaged(p) || p.blocked) return [];
  const make: Make = (verb, from, to, reason) => ({
    rsc: p, verb, from, to,
    reason: typeof reason === "string" ? reason : reason?.reason,
    blocked: typeof reason === "object" ? reason.blocked : false,
  });
  if (p.migration === undefined) return ordinaryChanges(p, inputs, make);
  return withCleanup(p, halfMigrated(p, inputs, make) ?? ordinaryChanges(p, inputs, make), make);
}

function ordinaryChanges(p: PrimitiveRsc, inputs: ChangeInputs, make: Make): Change[] {
  const target = p.assigned === undefined ? undefined : { node: p.assigned, role: p.nextRole };
  const unrunnable = inputs.unrunnable.get(p);
  const actives = p.active;
  if (actives.length === 0) {
    if (target === undefined) return [];
    if (unrunnable !== undefined) return [make(target.role === "Promoted" ? "Promote" : "Start", undefined, target, unrunnable)];
    return [make(target.role === "Promoted" ? "Promote" : "Start", undefined, target)];
  }
  if (actives.length > 1) return multipleActiveChanges(p, unrunnable === undefined ? target : undefined, unrunnable?.reason ?? inputs.stopReason.get(p)?.reason, make);
  const from = actives[0]!;
  if (target === undefined || unrunnable !== undefined) {
    return [make("Stop", from, undefined, unrunnable ?? inputs.stopReason.get(p) ?? "due to node availability")];
  }
  if (target.node === from.node && !inputs.fenced.has(from.node)) return inPlace(p, from, target, inputs, make);
  if (from.failed && (!inputs.fenced.has(from.node) || inputs.failureFenced.has(p))) return [make("Recover", from, target)];
  if (mayMigrate(p, from, target.node, inputs)) {
    const blocker = inputs.migrationBlockers.get(p);
    return [blocker === undefined ? make("Migrate", from, target) : make("Move", from, target, blocker)];
  }
  return [make("Move", from, target)];
}

/** allow-migrate, a started copy on a node that is up, and nothing in the history against it. */
export function mayMigrate(p: PrimitiveRsc, from: ActiveOn, to: NodeName, inputs: ChangeInputs): boolean {
  return allowMigrate(p) && p.migration?.pinned !== true && from.role === "Started" && !inputs.fenced.has(from.node) && inputs.canMigrate(p, from.node, to);
}

export type Make = (verb: Verb, from: ActiveOn | undefined, to: Change["to"], reason?: Blocker | string) => Change;

function inPlace(p: PrimitiveRsc, from: ActiveOn, target: { node: NodeName; role: Role }, inputs: ChangeInputs, make: Make): Change[] {
  const promoted = (r: Role): boolean => r === "Promoted";
  if (from.failed) return [make("Recover", from, target)];
  const restart = inputs.restarts.get(p);
  if (restart !== undefined) return [make("Restart", from, target, restart === "" ? undefined : restart)];
  // on-fail=demote: the failed promoted instance is demoted, and promoted again if it still wins.
  if (p.demoteOnly && promoted(from.role)) return [make(promoted(target.role) ? "Re-promote" : "Demote", from, target)];
  if (promoted(target.role) && !promoted(from.role)) return [make("Promote", from, target)];
  if (!promoted(target.role) && promoted(from.role)) return [make("Demote", from, target)];
  if (p.definitionChange === "reload") return [make("Reload", from, target)];
  return [];
}
