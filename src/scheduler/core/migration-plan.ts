import type { Change, ChangeInputs, Make } from "./changes.js";
import { mayMigrate } from "./changes.js";
import type { Constraints } from "./constraints.js";
import type { ActiveOn, NodeName, PrimitiveRsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { allowMigrate } from "./meta.js";
import { multipleActiveChanges } from "./multiple-active.js";

/**
 * The changes for a resource a half-done migration left on several nodes (see
 * migration.ts), or undefined when the ordinary rules apply. The summary names the
 * first copy found (the migration target); every other copy is stopped too.
 *  - partial migration, still best on its target: finish it ("Migrate source -> target");
 *  - placed elsewhere: stop both copies and start there ("Move target -> node");
 *  - not placed: stop each copy (one line each);
 *  - a copy listed after a failed migrate_to though stopped: start it, nothing to stop.
 */
export function halfMigrated(p: PrimitiveRsc, inputs: ChangeInputs, make: Make): Change[] | undefined {
  const m = p.migration!;
  const target = p.assigned === undefined ? undefined : { node: p.assigned, role: p.nextRole };
  const unrunnable = inputs.unrunnable.get(p);
  const first = p.active[0];
  if (first === undefined) return undefined;
  if (m.ghost !== undefined && p.active.length === 1 && first.node === m.ghost) {
    if (target === undefined) return [];
    return [{ ...make(target.node === first.node ? "Restart" : "Move", first, target), stopsOn: [] }];
  }
  if (m.partial === undefined && (!m.spread || p.active.length < 2)) return undefined;
  if (m.partial !== undefined && target?.node === m.partial.target && unrunnable === undefined) {
    const source = p.active.find((a) => a.node === m.partial!.source)!;
    if (mayMigrate(p, source, target.node, inputs)) return [make("Migrate", source, target)];
  }
  const stopReason = unrunnable?.reason ?? inputs.stopReason.get(p)?.reason;
  const changes = multipleActiveChanges(p, unrunnable === undefined ? target : undefined, stopReason, make);
  // A copy failed on the way (migrate_to or migrate_from): the move is a recovery.
  const failed = p.active.some((a) => a.failed);
  return changes.map((c) => (failed && c.verb !== "Stop" ? { ...c, verb: "Recover" } : c));
}

/**
 * Nodes the history leaves to clean up (a finished migration's source, a pending
 * migrate_to's target) are stopped with the resource's change, or on their own
 * without a summary line.
 */
export function withCleanup(p: PrimitiveRsc, changes: Change[], make: Make): Change[] {
  const cleanup = p.migration?.cleanup ?? [];
  if (cleanup.length === 0) return changes;
  const main = changes.find((c) => c.verb !== "Stop" || c.from !== undefined);
  if (main === undefined) {
    return cleanup.map((node): Change => ({ ...make("Stop", stoppedCopy(node), undefined), silent: true }));
  }
  const stopping = main.stopsOn ?? (main.from === undefined || main.verb === "Migrate" ? [] : [main.from.node]);
  const cleanupStops = cleanup.filter((node) => !stopping.includes(node));
  return changes.map((c) => (c === main ? { ...c, cleanupStops } : c));
}

function stoppedCopy(node: NodeName): ActiveOn {
  return { node, role: "Started", failed: false };
}

/**
 * A resource that would migrate, ordered after a resource that stops and starts again
 * in this transition, moves by stop and start instead: its migration could neither
 * wait for that start nor come before that stop (Pacemaker Explained, "Migrating
 * Resources": ordering constraints still apply).
 */
export function migrationBlockers(constraints: Constraints, restarting: (p: PrimitiveRsc) => boolean): Map<PrimitiveRsc, string> {
  const blockers = new Map<PrimitiveRsc, string>();
  for (const o of constraints.orderings) {
    if (o.kind !== "Mandatory" || o.firstAction !== "start" || o.thenAction !== "start" || o.then.kind !== "primitive") continue;
    const then = o.then;
    if (blockers.has(then) || !allowMigrate(then) || !movesAway(then)) continue;
    if (primitivesOf(o.first).some((f) => restarting(f) && !migratesAway(f))) blockers.set(then, `due to unrunnable ${o.first.id} stop`);
  }
  return blockers;
}

function movesAway(p: PrimitiveRsc): boolean {
  return p.assigned !== undefined && p.active.length === 1 && p.active[0]!.node !== p.assigned;
}

function migratesAway(p: PrimitiveRsc): boolean {
  return allowMigrate(p) && movesAway(p) && !p.active[0]!.failed;
}

/** Whether a primitive stops and starts again in this transition (moves or restarts in place). */
export function stopsAndStarts(p: PrimitiveRsc, restarts: ReadonlyMap<PrimitiveRsc, string>): boolean {
  if (p.assigned === undefined || p.active.length === 0) return false;
  return restarts.has(p) || p.active.some((a) => a.node !== p.assigned || a.failed);
}

