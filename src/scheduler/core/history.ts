import type { LrmOp, LrmResource } from "../../cib/index.js";
import type { Role } from "./model.js";

/** OCF exit codes the scheduler interprets (OCF spec, "Return codes"). */
const RC_OK = 0;
/** The agent or its software is missing on that node (a hard error: never run it there). */
const RC_NOT_RUNNING = 7;
const RC_PROMOTED = 8;
const RC_FAILED_PROMOTED = 9;
/** Degraded results (OCF 1.1): the service runs, in that role, and wants attention. */
const RC_DEGRADED = 190;
const RC_DEGRADED_PROMOTED = 191;

/** Executor status of an operation: done, pending, cancelled and failures. */
const STATUS_PENDING = -1;
const STATUS_DONE = 0;
const STATUS_CANCELLED = 1;
/** A generic executor error: the rc code still says what happened. */
const STATUS_ERROR = 4;
/** The executor's own verdicts: an error not worth retrying on this node, on any node, the agent missing here. */
const STATUS_ERROR_HARD = 5;
const STATUS_ERROR_FATAL = 6;
const STATUS_NOT_INSTALLED = 7;
/** OCF codes of errors no retry on the same node can fix, and of a configuration wrong everywhere. */
const HARD_RCS = new Set([2, 3, 4, 5]);
const RC_ERR_CONFIGURED = 6;
const RC_UNIMPLEMENTED = 3;
/** A probe answering these found nothing it could run: the resource is not active there. */
const PROBE_NOTHING_HERE = new Set([2, 5]);

/**
 * How far a failure reaches (Pacemaker Explained, "How are OCF Return Codes
 * Interpreted?"): soft recovers where it is, hard bans the node, fatal every node.
 */
export type FailureSeverity = "soft" | "hard" | "fatal";

/** One failed operation in a node's history. */
export interface RecordedFailure {
  name: string;
  intervalMs: number;
  /** When it happened (seconds), for failure-timeout. */
  at: number;
  latest: boolean;
  severity: FailureSeverity;
  /** The agent is not installed there: no on-fail (not even ignore) keeps the resource on that node. */
  notInstalled: boolean;
}

/** One half of a live migration, as a node's history records it. */
export interface MigrationRecord {
  operation: "migrate_to" | "migrate_from";
  source: string | undefined;
  target: string | undefined;
  outcome: "ok" | "failed" | "pending";
  /** Its last-rc-change (seconds), to compare with other nodes' histories. */
  at: number | undefined;
  /** A later start, stop, promote or demote here decided the state on this node since. */
  superseded: boolean;
}

/** What one node's operation history says about one resource. */
export interface NodeHistory {
  role: Role;
  failed: boolean;
  stopFailed: boolean;
  /** The failed operation's name and interval, to find its on-fail setting. */
  failedOp: { name: string; intervalMs: number } | undefined;
  /** The newest migrate_to or migrate_from recorded here (see migration.ts). */
  migration: MigrationRecord | undefined;
  /** The newest operation's last-rc-change (seconds). */
  newestAt: number | undefined;
  /** The last successful or pending start (or probe finding it running): its digests record the definition it runs with. */
  definitionOp: LrmOp | undefined;
  /** Recurring monitors active here, by interval in milliseconds. */
  recurring: Map<number, LrmOp>;
  /** The newest failure's time (seconds), for failure-timeout. */
  lastFailureAt: number | undefined;
  /** Every failed operation in the history, oldest first (their on-fail settings apply). */
  failures: RecordedFailure[];
  /** What the history showed no longer counts (an expired failed probe): probe again. */
  forgotten: boolean;
}

/** Replays the operation history in call order to find the resource's state on a node. */
export function replayHistory(resource: LrmResource): NodeHistory {
  const ops = resource.ops.map(withoutDegraded).sort(byCallOrder);
  const h: NodeHistory = {
    role: "Stopped", failed: false, stopFailed: false, failedOp: undefined, migration: undefined, newestAt: undefined,
    definitionOp: undefined, recurring: new Map(), lastFailureAt: undefined, failures: [], forgotten: false,
  };
  ops.forEach((op, i) => {
    const failed = isFailure(op);
    if (failed && !supersededFailure(op, ops)) h.failures.push(recordedFailure(op, i === ops.length - 1));
    applyOp(h, op);
  });
  return h;
}

function recordedFailure(op: LrmOp, latest: boolean): RecordedFailure {
  const notInstalled = op.opStatus === STATUS_NOT_INSTALLED;
  let severity: FailureSeverity = "soft";
  if (op.opStatus === STATUS_ERROR_FATAL || op.rcCode === RC_ERR_CONFIGURED) severity = "fatal";
  // "Unimplemented" from a recurring monitor is retried where it is (crm_simulate 2.1.5).
  else if (notInstalled || op.opStatus === STATUS_ERROR_HARD || (HARD_RCS.has(op.rcCode) && !(op.rcCode === RC_UNIMPLEMENTED && op.interval > 0))) severity = "hard";
  return { name: op.operation, intervalMs: op.interval, at: op.lastRcChange ?? 0, latest, severity, notInstalled };
}

/** A degraded result counts as the plain success of the same role. */
function withoutDegraded(op: LrmOp): LrmOp {
  if (op.rcCode === RC_DEGRADED) return { ...op, rcCode: RC_OK };
  if (op.rcCode === RC_DEGRADED_PROMOTED) return { ...op, rcCode: RC_PROMOTED };
  return op;
}

/** A failure re-recorded by a later success of the same call (a recurring monitor that recovered). */
function supersededFailure(failure: LrmOp, ops: LrmOp[]): boolean {
  return ops.some((op) => op !== failure && op.callId === failure.callId && op.operation === failure.operation &&
    op.interval === failure.interval && !isFailure(op) && (op.lastRcChange ?? 0) > (failure.lastRcChange ?? 0));
}

function byCallOrder(a: LrmOp, b: LrmOp): number {
  // Pending operations (call-id -1) are the newest.
  const ca = a.callId < 0 ? Number.MAX_SAFE_INTEGER : a.callId;
  const cb = b.callId < 0 ? Number.MAX_SAFE_INTEGER : b.callId;
  if (ca !== cb) return ca - cb;
  return (a.lastRcChange ?? 0) - (b.lastRcChange ?? 0);
}

function isFailure(op: LrmOp): boolean {
  if (op.opStatus === STATUS_PENDING || op.opStatus === STATUS_CANCELLED) return false;
  if (op.opStatus !== STATUS_DONE && op.opStatus !== STATUS_ERROR) return true;
  const expected = op.expectedRc ?? (isProbe(op) ? op.rcCode : RC_OK);
  if (isProbe(op) && (op.rcCode === RC_NOT_RUNNING || op.rcCode === RC_OK || op.rcCode === RC_PROMOTED)) return false;
  if (op.operation === "monitor" && op.rcCode === expected) return false;
  return op.rcCode !== expected && !(op.rcCode === RC_OK && expected === RC_OK);
}

function isProbe(op: LrmOp): boolean {
  return op.operation === "monitor" && op.interval === 0;
}

function applyOp(h: NodeHistory, op: LrmOp): void {
  if (op.opStatus === STATUS_CANCELLED) return;
  noteMigration(h, op);
  h.newestAt = op.lastRcChange ?? h.newestAt;
  if (op.opStatus === STATUS_PENDING) return applyPending(h, op);
  const failed = isFailure(op);
  if (failed) {
    h.lastFailureAt = Math.max(h.lastFailureAt ?? 0, op.lastRcChange ?? 0);
    return applyFailure(h, op);
  }
  // "Not running" that was the expected answer (any operation): the resource is stopped there.
  if (op.rcCode === RC_NOT_RUNNING) op = { ...op, operation: "stop" };
  switch (op.operation) {
    case "start":
    case "migrate_from":
      h.role = "Started";
      h.failed = false;
      h.definitionOp = op;
      return;
    case "stop":
      h.role = "Stopped";
      h.failed = false;
      h.stopFailed = false;
      h.recurring.clear();
      return;
    case "promote":
      h.role = "Promoted";
      h.failed = false;
      return;
    case "demote":
      // Demoting does not undo a failure: the instance still needs recovering.
      h.role = "Unpromoted";
      return;
    case "migrate_to":
      // Only a running resource migrates away (the start may be gone from a trimmed history).
      if (h.role === "Stopped") h.role = "Started";
      return;
    case "monitor":
      return applyMonitor(h, op);
    default:
      return;
  }
}

/** Keeps the newest migration half, and notes when a later action decides the node's state. */
function noteMigration(h: NodeHistory, op: LrmOp): void {
  if (op.operation === "migrate_to" || op.operation === "migrate_from") {
    const outcome = op.opStatus === STATUS_PENDING ? "pending" : isFailure(op) ? "failed" : "ok";
    h.migration = { operation: op.operation, source: op.migrateSource, target: op.migrateTarget, outcome, at: op.lastRcChange, superseded: false };
  } else if (h.migration !== undefined && op.operation !== "monitor" && op.operation !== "notify") {
    h.migration.superseded = true;
  }
}

/** An operation the executor has not finished yet. */
export function isPending(op: LrmOp): boolean {
  return op.opStatus === STATUS_PENDING;
}

function applyPending(h: NodeHistory, op: LrmOp): void {
  // A start under way runs the definition it records (see status.ts for a reload of it).
  if (op.operation === "start") h.definitionOp = op;
  if (op.operation === "start" || op.operation === "migrate_from") h.role = "Started";
  if (op.operation === "promote") h.role = "Promoted";
  if (op.operation === "demote") h.role = "Unpromoted";
}

function applyMonitor(h: NodeHistory, op: LrmOp): void {
  if (op.rcCode === RC_NOT_RUNNING) {
    h.role = "Stopped";
    h.failed = false;
    h.recurring.clear();
    return;
  }
  if (op.interval === 0) {
    h.role = op.rcCode === RC_PROMOTED ? "Promoted" : h.role === "Promoted" && op.rcCode === RC_OK ? "Unpromoted" : "Started";
    h.failed = false;
    if (op.opDigest !== undefined) h.definitionOp = op;
    return;
  }
  if (op.rcCode === RC_PROMOTED) h.role = "Promoted";
  else if (h.role === "Stopped") h.role = "Started";
  h.recurring.set(op.interval, op);
}

function applyFailure(h: NodeHistory, op: LrmOp): void {
  h.failedOp = { name: op.operation, intervalMs: op.interval };
  switch (op.operation) {
    case "stop":
      h.stopFailed = true;
      h.failed = true;
      if (h.role === "Stopped") h.role = "Started";
      return;
    case "start":
    case "migrate_from":
      h.role = "Started";
      h.failed = true;
      return;
    case "migrate_to":
      h.failed = true;
      if (h.role === "Stopped") h.role = "Started";
      return;
    case "promote":
      h.role = "Promoted";
      h.failed = true;
      return;
    case "demote":
      // A failed demote is recovered from the unpromoted role (stop, start, promote again).
      h.role = "Unpromoted";
      h.failed = true;
      return;
    case "monitor":
      return applyFailedMonitor(h, op);
    default:
      // Any other action that failed while the resource ran (a notify, a custom action) fails it too.
      if (h.role !== "Stopped") h.failed = true;
      return;
  }
}

function applyFailedMonitor(h: NodeHistory, op: LrmOp): void {
  const nothingHere = op.rcCode === RC_NOT_RUNNING || PROBE_NOTHING_HERE.has(op.rcCode) || op.opStatus === STATUS_NOT_INSTALLED;
  if (op.interval === 0 && nothingHere) {
    h.role = "Stopped";
    return;
  }
  // A failed recurring monitor keeps running (on-fail=ignore relies on it).
  if (op.interval > 0) h.recurring.set(op.interval, op);
  if (op.rcCode === RC_FAILED_PROMOTED || op.rcCode === RC_PROMOTED) h.role = "Promoted";
  else if (h.role === "Stopped" || op.rcCode === RC_NOT_RUNNING) h.role = h.role === "Promoted" ? "Promoted" : "Started";
  h.failed = true;
}
