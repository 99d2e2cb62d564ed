import type { NodeState } from "./node-state.js";
import type { NodeId } from "./types.js";

/** A node's record of failing one peer (brief pitfall 3: damp readmission of just-failed nodes). */
export interface Damping {
  failures: number;
  lastFailedMs: number;
  untilMs: number;
}

/**
 * Called whenever a peer enters my fail set. The first failure costs nothing
 * (a restarted node rejoins at once); each repeat within the decay period
 * keeps the peer out for consensus × 2^(repeats − 4), at most consensus, so an
 * asymmetric link cannot make the ring flap every merge period while a healed
 * network still forms one ring within token + 2·consensus + 10·join.
 */
export function noteFailed(n: NodeState, node: NodeId, nowMs: number): void {
  const c = n.config;
  const capMs = c.consensus;
  const record = n.damping.get(node) ?? { failures: 0, lastFailedMs: -Infinity, untilMs: -Infinity };
  if (nowMs - record.lastFailedMs > 4 * (c.token + c.consensus)) record.failures = 0;
  record.failures++;
  record.lastFailedMs = nowMs;
  record.untilMs = record.failures < 2 ? nowMs : nowMs + Math.min(c.consensus * 2 ** (record.failures - 4), capMs);
  n.damping.set(node, record);
}

/** Whether traffic from this peer should not (re)start a merge yet. */
export function isDamped(n: NodeState, node: NodeId, nowMs: number): boolean {
  const record = n.damping.get(node);
  return record !== undefined && record.untilMs > nowMs;
}
