import type { NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import type { NodeHistory } from "./history.js";
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
 * Properties"): the op's on-fail, else fence for a failed stop when fencing is
 * enabled (block otherwise), else restart.
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
    case "fence":
    case "demote":
      return configured;
    case "restart-container":
      return "restart";
    default:
      if (name === "stop") return stonithEnabled ? "fence" : "block";
      return "restart";
  }
}

/** Applies the failures in one node's history to the resource; returns node-level requests. */
export function applyFailurePolicy(p: PrimitiveRsc, where: SchedNode, h: NodeHistory, stonithEnabled: boolean, now: number): NodeRequest[] {
  const requests: NodeRequest[] = [];
  const node = where.name;
  const timeoutS = failureTimeoutS(p);
  let failedNow = false;
  for (const failure of h.failures) {
    const expired = timeoutS > 0 && failure.at > 0 && failure.at + timeoutS <= now && failure.name !== "stop";
    if (expired) continue;
    const policy = onFailOf(p, failure.name, failure.intervalMs, stonithEnabled);
    switch (policy) {
      case "ignore":
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
  }
  return requests;
}
