import type { ActiveOn, NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import type { MigrationRecord, NodeHistory } from "./history.js";
import { isRemoteConnection } from "./remote.js";

/**
 * Live migration (Pacemaker Explained, "Migrating Resources"): a resource with
 * allow-migrate moves by migrate_to on its source, migrate_from on its target, then a
 * stop on the source. What the operation history says when a migration stopped half
 * way, as crm_simulate reads it:
 *  - migrate_to and migrate_from both done, the source not stopped yet: the resource
 *    runs on the target; the source still needs its stop (no summary line);
 *  - migrate_from failed: the resource failed on the source too (and on the target,
 *    unless a later action there settled it);
 *  - migrate_to done, migrate_from missing or pending, the target's state known and
 *    not newer than the migrate_to: the resource may run on the target as well. With
 *    both nodes online that is a partial migration, which this transition finishes
 *    (migrate_from, stop) if the target is still the best place, else both copies stop.
 *    A target that is offline makes the source's copy failed, and it may not migrate;
 *  - migrate_to failed: the resource may also run on the target (same conditions);
 *    when the source was stopped since, it is listed there but nothing stops it;
 *  - migrate_to still pending on a node to be fenced: the target gets a stop too, in
 *    case it got that far.
 */
export interface MigrationState {
  /** migrate_to done, migrate_from not: both nodes online. */
  partial: { source: NodeName; target: NodeName } | undefined;
  /** Nodes to stop the resource on that do not count as running it. */
  cleanup: NodeName[];
  /** The node a score tie keeps it on (a partial migration's source, else the first copy). */
  prefer: NodeName | undefined;
  /** Listed active here after a failed migrate_to, though stopped: a start needs no stop. */
  ghost: NodeName | undefined;
  /** The history forbids migrating in this transition. */
  pinned: boolean;
  /** Active on several nodes because of the migration: no stickiness applies. */
  spread: boolean;
}

export type Histories = ReadonlyMap<NodeName, NodeHistory>;

/** Reads every primitive's migration records into its active copies and its `migration` state. */
export function settleMigrations(histories: ReadonlyMap<PrimitiveRsc, Histories>, nodes: readonly SchedNode[]): void {
  const byName = new Map(nodes.map((n) => [n.name, n] as const));
  for (const [p, byNode] of histories) {
    for (const [node, h] of byNode) {
      const record = h.migration;
      if (record === undefined || record.operation !== "migrate_to" || record.source !== node || record.target === undefined) continue;
      settle(p, byNode, record, node, record.target, byName);
    }
  }
}

function settle(p: PrimitiveRsc, byNode: Histories, record: MigrationRecord, source: NodeName, target: NodeName, nodes: Map<NodeName, SchedNode>): void {
  const onTarget = byNode.get(target);
  const from = onTarget?.migration?.operation === "migrate_from" && onTarget.migration.source === source ? onTarget.migration : undefined;
  const state = (): MigrationState => (p.migration ??= { partial: undefined, cleanup: [], prefer: undefined, ghost: undefined, pinned: false, spread: false });
  const targetNode = nodes.get(target);
  const sourceUp = nodes.get(source)?.online === true;
  if (record.outcome === "pending") {
    // A source that must be fenced (for another reason than this resource) may have
    // got the migration going: stop the target's copy too.
    const sourceNode = nodes.get(source);
    const forItself = sourceNode?.fenceReason === `${p.id} is thought to be active there`;
    if (sourceNode?.unclean === true && !forItself && targetNode?.online === true) state().cleanup.push(target);
    return;
  }
  if (record.outcome === "failed") {
    if (!mayRunOnTarget(onTarget, record) || targetNode?.online !== true) return;
    if (record.superseded && byNode.get(source)?.role === "Stopped") state().ghost = target;
    addFirst(p, { node: target, role: "Started", failed: false });
    spreadOver(p, state());
    return;
  }
  if (from !== undefined && from.outcome === "ok") {
    if (record.superseded) return;
    // Done but for the source's stop: the resource runs on the target only, and stays
    // there until that stop is done.
    removeActive(p, source);
    state().cleanup.push(source);
    state().pinned = true;
    return;
  }
  if (from !== undefined && from.outcome === "failed") {
    if (record.superseded) return;
    markFailed(p, source);
    if (!from.superseded) moveFirst(p, target);
    spreadOver(p, state());
    return;
  }
  // migrate_to done, migrate_from missing or pending. Where the target went away, the
  // source's copy is in doubt: recover it, without migrating.
  if (targetNode?.online !== true) {
    if (record.superseded) return;
    markFailed(p, source);
    state().pinned = true;
    return;
  }
  if (!mayRunOnTarget(onTarget, record)) return;
  if (!p.active.some((a) => a.node === target)) addFirst(p, { node: target, role: "Started", failed: false });
  else moveFirst(p, target);
  const s = state();
  if (!record.superseded && sourceUp && p.active.some((a) => a.node === source)) {
    s.partial = { source, target };
    // A tie keeps the resource on the source; a remote connection goes on to its target.
    s.prefer = isRemoteConnection(p.config) ? target : source;
    s.spread = true;
    return;
  }
  // Left on the target by a migration nobody finishes: it moves on by stop and start.
  s.pinned = true;
  spreadOver(p, s);
}

/**
 * The target counts only when its state there is known (the history has the resource)
 * and nothing recorded there since the migrate_to (by last-rc-change) settled it.
 */
function mayRunOnTarget(onTarget: NodeHistory | undefined, record: MigrationRecord): boolean {
  if (onTarget === undefined) return false;
  return record.at === undefined || onTarget.newestAt === undefined || onTarget.newestAt <= record.at;
}

function spreadOver(p: PrimitiveRsc, s: MigrationState): void {
  if (p.active.length < 2) return;
  s.spread = true;
  s.prefer = p.active[0]!.node;
}

function addFirst(p: PrimitiveRsc, copy: ActiveOn): void {
  p.active = [copy, ...p.active.filter((a) => a.node !== copy.node)];
}

function moveFirst(p: PrimitiveRsc, node: NodeName): void {
  const copy = p.active.find((a) => a.node === node);
  if (copy !== undefined) addFirst(p, copy);
}

function removeActive(p: PrimitiveRsc, node: NodeName): void {
  p.active = p.active.filter((a) => a.node !== node);
  p.failedOn = p.failedOn.filter((n) => n !== node);
}

function markFailed(p: PrimitiveRsc, node: NodeName): void {
  const copy = p.active.find((a) => a.node === node);
  if (copy === undefined || copy.failed) return;
  copy.failed = true;
  p.failedOn.push(node);
}
