import type { ActiveOn, NodeName, PrimitiveRsc, Role, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { allowMigrate, isManaged } from "./meta.js";

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
  const make = (verb: Verb, from: ActiveOn | undefined, to: Change["to"], reason?: Blocker | string): Change => ({
    rsc: p, verb, from, to,
    reason: typeof reason === "string" ? reason : reason?.reason,
    blocked: typeof reason === "object" ? reason.blocked : false,
  });
  const target = p.assigned === undefined ? undefined : { node: p.assigned, role: p.nextRole };
  const unrunnable = inputs.unrunnable.get(p);
  const actives = survivingCopies(p.active, inputs.fenced);
  if (actives.length === 0) {
    if (target === undefined) return [];
    if (unrunnable !== undefined) return [make(target.role === "Promoted" ? "Promote" : "Start", undefined, target, unrunnable)];
    return [make(target.role === "Promoted" ? "Promote" : "Start", undefined, target)];
  }
  if (actives.length > 1) return multiActive(p, actives, target, inputs, make);
  const from = actives[0]!;
  if (target === undefined || unrunnable !== undefined) {
    return [make("Stop", from, undefined, unrunnable ?? inputs.stopReason.get(p) ?? "due to node availability")];
  }
  if (target.node === from.node && !inputs.fenced.has(from.node)) return inPlace(p, from, target, inputs, make);
  if (from.failed && (!inputs.fenced.has(from.node) || inputs.failureFenced.has(p))) return [make("Recover", from, target)];
  if (allowMigrate(p) && from.role === "Started" && !inputs.fenced.has(from.node) && inputs.canMigrate(p, from.node, target.node)) {
    return [make("Migrate", from, target)];
  }
  return [make("Move", from, target)];
}

/** Copies on nodes being fenced go with the fencing when another copy survives: only the survivors count. */
function survivingCopies(actives: ActiveOn[], fenced: ReadonlySet<NodeName>): ActiveOn[] {
  if (actives.length < 2) return actives;
  const surviving = actives.filter((a) => !fenced.has(a.node));
  return surviving.length === 0 ? actives : surviving;
}

type Make = (verb: Verb, from: ActiveOn | undefined, to: Change["to"], reason?: Blocker | string) => Change;

function inPlace(p: PrimitiveRsc, from: ActiveOn, target: { node: NodeName; role: Role }, inputs: ChangeInputs, make: Make): Change[] {
  const promoted = (r: Role): boolean => r === "Promoted";
  if (from.failed) return [make("Recover", from, target)];
  const restart = inputs.restarts.get(p);
  if (restart !== undefined) return [make("Restart", from, target, restart)];
  if (promoted(target.role) && !promoted(from.role)) return [make("Promote", from, target)];
  if (!promoted(target.role) && promoted(from.role)) return [make("Demote", from, target)];
  if (p.definitionChange === "reload") return [make("Reload", from, target)];
  return [];
}

/** multiple-active (default stop_start): stop every copy, then start one where placed. */
function multiActive(p: PrimitiveRsc, actives: ActiveOn[], target: Change["to"], inputs: ChangeInputs, make: Make): Change[] {
  void inputs;
  const keep = target === undefined ? undefined : actives.find((a) => a.node === target.node);
  if (keep !== undefined && target !== undefined) return [make("Restart", keep, target)];
  const first = actives[0]!;
  if (target === undefined) return [make("Stop", first, undefined, "due to node availability")];
  return [make("Move", first, target)];
}
