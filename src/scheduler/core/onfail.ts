import type { NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import type { FailureSeverity, NodeHistory, RecordedFailure } from "./history.js";
import { failureTimeoutS } from "./meta.js";
import { parseIntervalMs } from "./rules.js";

export type OnFail = "ignore" | "block" | "stop" | "restart" | "standby" | "fence" | "demote";

/** What failures ask of the node itself. */
export interface NodeRequest {
  node: NodeName;
  kind: "fence" | "standby";
  reason: string;
  /** The resource whose failure asks for it. */
  source?: PrimitiveRsc;
}

/**
 * The on-fail policy of a failed operation (Pacemaker Explained, "Operation
 * Properties"): the op's on-fail (fence only with fencing enabled, stop otherwise),
 * else fence for a failed stop when fencing is enabled (block otherwise), else restart.
 */
export function onFailOf(p: PrimitiveRsc, name: string, intervalMs: number, stonithEnabled: boolean): OnFail {
  const op = p.ops.find((o) => o.name === name && parseIntervalMs(o.interval) === intervalMs);
  const configured = op?.onFail?.toLowerCase();
  switch (configured) {
    case "ignore":
    case "block":
    case "stop":
    case "restart":
    case "standby":
    case "demote":
      return configured;
    case "fence":
      // Not valid without fencing: the resource is stopped instead.
      return stonithEnabled ? "fence" : "stop";
    case "restart-container":
      return "restart";
    default:
      if (name === "stop") return stonithEnabled ? "fence" : "block";
      return "restart";
  }
}

/**
 * Hard errors keep the resource off the node, fatal ones off every node
 * (Pacemaker Explained, "How are OCF Return Codes Interpreted?").
 */
function banForError(p: PrimitiveRsc, node: NodeName, severity: FailureSeverity): void {
  if (severity === "fatal") p.fatalError = true;
  else (p.hardErrorOn ??= new Set()).add(node);
}

/** An expired failed probe leaves the resource's state there unknown: stopped, to be probed again. */
function forgetProbe(h: NodeHistory): void {
  h.role = "Stopped";
  h.forgotten = true;
}

/** Whether a hard or fatal error keeps the resource off the node. */
export function errorBanned(p: PrimitiveRsc, node: NodeName): boolean {
  return p.fatalError === true || p.hardErrorOn?.has(node) === true;
}

/**
 * Applies the failures in one node's history to the resource; returns node-level requests.
 * A failure expires with failure-timeout only once the fail-count there has expired too
 * (`failCountStands`: one without a last-failure time never does), as crm_simulate has it.
 */
export function applyFailurePolicy(p: PrimitiveRsc, where: SchedNode, h: NodeHistory, stonithEnabled: boolean, now: number, failCountStands: boolean): NodeRequest[] {
  const requests: NodeRequest[] = [];
  const node = where.name;
  const timeoutS = failureTimeoutS(p);
  let failedNow = false;
  for (const failure of h.failures) {
    const expired = timeoutS > 0 && failure.at > 0 && failure.at + timeoutS <= now && failure.name !== "stop" && !failCountStands;
    if (expired && failure.latest && failure.name === "monitor" && failure.intervalMs === 0) forgetProbe(h);
    // An expired failed monitor is no longer running either: it is scheduled again.
    if (expired && failure.intervalMs > 0 && failure.name === "monitor") h.recurring.delete(failure.intervalMs);
    if (expired) continue;
    const policy = onFailOf(p, failure.name, failure.intervalMs, stonithEnabled);
    if (failure.severity !== "soft" && (policy !== "ignore" || failure.notInstalled)) banForError(p, node, failure.severity);
    // Nothing runs there to recover (a probe found the agent missing): the ban is all.
    if (h.role === "Stopped") continue;
    if (failure.notInstalled && policy === "ignore") {
      failedNow = true;
      continue;
    }
    switch (policy) {
      case "ignore":
        ignoreFailure(p, node, h, failure);
        continue;
      case "block":
        // Fencing an unclean node stops everything there: nothing is left to block.
        if (!where.unclean) p.blocked = true;
        break;
      case "stop":
        p.forceStop = true;
        break;
      case "fence":
        requests.push({ node, kind: "fence", reason: `${p.id} failed there`, source: p });
        break;
      case "standby":
        requests.push({ node, kind: "standby", reason: `${p.configId} failed there` });
        break;
      case "demote":
        // Not a failure to recover from: the promoted instance is demoted in place.
        p.demoteOnly = true;
        continue;
      case "restart":
        break;
    }
    failedNow = true;
  }
  if (!failedNow) {
    h.failed = false;
    h.stopFailed = false;
  } else p.failuresIgnoredOn?.delete(node);
  return requests;
}

/**
 * on-fail=ignore: as if the operation had succeeded (a failed stop leaves the
 * resource stopped), and its fail-count does not count against migration-threshold.
 */
function ignoreFailure(p: PrimitiveRsc, node: NodeName, h: NodeHistory, failure: RecordedFailure): void {
  if (failure.name === "stop" && failure.latest) h.role = "Stopped";
  (p.failuresIgnoredOn ??= new Set()).add(node);
}

/** Whether the fail-count on a node counts (its failures were not all ignored). */
export function failuresCount(p: PrimitiveRsc, node: NodeName): boolean {
  return p.failuresIgnoredOn?.has(node) !== true;
}
