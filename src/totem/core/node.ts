import type { Rng } from "../../lib/rng.js";
import { assert, assertNever } from "../../lib/assert.js";
import type { TotemConfig } from "./config.js";
import { deliverContiguous } from "./delivery.js";
import { freshGather, leave, onCommit, onConsensusTimeout, onForeign, onJoin, onJoinTimer, regather, startGather } from "./membership.js";
import { arm, log, setState, type NodeState, type Step } from "./node-state.js";
import { createRingContext, storeFrame } from "./ring-context.js";
import { SendQueue } from "./send-queue.js";
import { onToken, releaseHeldToken, sendToSuccessor } from "./token.js";
import { ringIdOf, type Effect, type Event, type LocalCommand, type McastMessage, type NodeId, type TimerName, type TotemMessage, type TotemStatus } from "./types.js";

/** Largest application payload one multicast command may carry (fragmented over frames). */
export const PAYLOAD_BYTES_MAX = 1024 * 1024;
/** Payloads queued for sending before multicast commands are rejected. */
export const SEND_QUEUE_PAYLOADS_MAX = 65536;

export interface TotemNodeOptions {
  readonly nodeId: NodeId;
  readonly config: TotemConfig;
  /** The last persisted ring seq (0 on first start); the node never reuses a lower one. */
  readonly ringSeq: number;
}

export interface TotemNode {
  /** One input, one step: returns the effects to carry out in order. */
  step(event: Event, nowMs: number, rng: Rng): Effect[];
  status(): TotemStatus;
  /** How many more payloads a multicast command would accept now. */
  queueSpace(): number;
  /** Flow control: the queue holds about a visit's worth already; clients should try again later. */
  congested(): boolean;
}

export function createTotemNode(options: TotemNodeOptions): TotemNode {
  assert(Number.isSafeInteger(options.ringSeq) && options.ringSeq >= 0, "persisted ring seq must be a safe non-negative integer");
  const me = options.nodeId;
  const n: NodeState = {
    me, config: options.config, state: "gather", highestRingSeq: options.ringSeq, persistedRingSeq: options.ringSeq,
    acceptedCommitSeq: options.ringSeq,
    // Before the first ring a node sits on a private ring (me, 0) that no other node can name.
    regular: createRingContext(ringIdOf(me, 0), [me]), installedOnce: false, pending: null,
    gather: freshGather([me], [], 0), recovery: null, sendQueue: new SendQueue(SEND_QUEUE_PAYLOADS_MAX, options.config.netmtu, options.config.max_messages),
    holding: null, holdCancelSent: false, timers: new Map(), reassembly: new Map(), damping: new Map(), deliveredPayloads: 0, configurationChanges: 0, lastStepMs: null,
  };
  return {
    step: (event, nowMs, rng) => step(n, event, nowMs, rng),
    status: () => status(n),
    queueSpace: () => n.sendQueue.space,
    congested: () => n.sendQueue.congested,
  };
}

function step(n: NodeState, event: Event, nowMs: number, rng: Rng): Effect[] {
  const s: Step = { n, nowMs, rng, out: [] };
  if (n.state === "left") return s.out;
  warnIfPaused(s);
  switch (event.kind) {
    case "recv": onMessage(s, event.msg); break;
    case "timer": onTimer(s, event.timer); break;
    case "command": onCommand(s, event.command); break;
    default: assertNever(event, "event");
  }
  return s.out;
}

/**
 * Some timer or token always wakes a live node well within the token timeout;
 * a longer gap means this process was not scheduled (brief pitfall 1).
 */
function warnIfPaused(s: Step): void {
  const n = s.n;
  const thresholdMs = 0.75 * n.config.token;
  if (n.lastStepMs !== null && s.nowMs - n.lastStepMs > thresholdMs) {
    log(s, "warning", `not scheduled for ${Math.round(s.nowMs - n.lastStepMs)} ms (threshold ${Math.round(thresholdMs)} ms): consider a larger token timeout`);
  }
  n.lastStepMs = s.nowMs;
}

function onMessage(s: Step, msg: TotemMessage): void {
  const n = s.n;
  if (msg.sender === n.me && msg.kind !== "token" && msg.kind !== "commit") return; // own multicast looped back
  if (n.state === "gather") n.gather.heardMs.set(msg.sender, s.nowMs);
  switch (msg.kind) {
    case "mcast": onMcast(s, msg); break;
    case "token": onToken(s, msg); break;
    case "join": onJoin(s, msg); break;
    case "commit": onCommit(s, msg); break;
    case "merge_detect": if (msg.ring !== n.regular.id) onForeign(s, msg.sender, msg.ring); break;
    case "hold_cancel": if (msg.ring === n.regular.id && n.state === "operational") releaseHeldToken(s); break;
    default: assertNever(msg, "message");
  }
}

function onMcast(s: Step, m: McastMessage): void {
  const n = s.n;
  if (m.ring === n.regular.id) {
    // Once my commit entry is out, old-ring traffic arrives only wrapped in the new ring, so every transitional member ends with the same set.
    if (n.state === "commit" || n.state === "recovery") return;
    for (const frame of m.frames) storeFrame(n.regular, frame);
    if (n.state === "operational") deliverContiguous(s, n.regular);
    return;
  }
  if (n.pending !== null && m.ring === n.pending.id) {
    for (const frame of m.frames) {
      if (!storeFrame(n.pending, frame) || frame.old === null || frame.old.ring !== n.regular.id) continue;
      storeFrame(n.regular, { seq: frame.old.seq, origin: frame.origin, old: null, safe: frame.safe, parts: frame.parts });
    }
    return;
  }
  onForeign(s, m.sender, m.ring);
}

function onTimer(s: Step, timer: TimerName): void {
  const n = s.n;
  if (!n.timers.delete(timer)) return; // cancelled or re-armed since
  switch (timer) {
    case "token_loss":
      startGather(s, `token not received in ${n.config.token} ms`);
      break;
    case "token_retransmit": {
      const ctx = n.pending ?? n.regular;
      if (ctx.lastForwarded === null) return;
      sendToSuccessor(s, ctx.members, ctx.lastForwarded);
      arm(s, "token_retransmit", n.config.token_retransmit);
      break;
    }
    case "hold": releaseHeldToken(s); break;
    case "join": if (n.state === "gather") onJoinTimer(s); break;
    case "consensus": if (n.state === "gather") onConsensusTimeout(s); break;
    case "merge_detect": onMergeDetectTimer(s); break;
    default: assertNever(timer, "timer");
  }
}

function onMergeDetectTimer(s: Step): void {
  const n = s.n;
  if (n.state !== "operational" || n.regular.members[0] !== n.me) return;
  s.out.push({ kind: "send", to: "all", msg: { kind: "merge_detect", sender: n.me, ring: n.regular.id } });
  arm(s, "merge_detect", n.config.merge);
}

function onCommand(s: Step, command: LocalCommand): void {
  switch (command.kind) {
    case "start":
      setState(s, "gather");
      regather(s);
      break;
    case "multicast": multicast(s, command.payload, command.safe ?? false); break;
    case "leave": leave(s); break;
    default: assertNever(command, "command");
  }
}

function multicast(s: Step, payload: Uint8Array, safe: boolean): void {
  const n = s.n;
  if (payload.byteLength > PAYLOAD_BYTES_MAX) {
    s.out.push({ kind: "rejected", payload, reason: `payload of ${payload.byteLength} bytes exceeds ${PAYLOAD_BYTES_MAX}` });
    return;
  }
  const wasEmpty = n.sendQueue.length === 0;
  if (!n.sendQueue.push(payload, safe)) {
    s.out.push({ kind: "rejected", payload, reason: "send queue full" });
    return;
  }
  if (n.state !== "operational") return;
  if (n.holding !== null) return releaseHeldToken(s);
  const idle = n.regular.seqUnchangedRotations >= n.config.seqno_unchanged_const;
  if (wasEmpty && idle && !n.holdCancelSent && n.regular.members[0] !== n.me) {
    n.holdCancelSent = true;
    s.out.push({ kind: "send", to: "all", msg: { kind: "hold_cancel", sender: n.me, ring: n.regular.id } });
  }
}

function status(n: NodeState): TotemStatus {
  return {
    nodeId: n.me, state: n.state, ring: n.regular.id, members: n.regular.members, highestRingSeq: n.highestRingSeq,
    queuedPayloads: n.sendQueue.length, rejectedPayloads: n.sendQueue.dropped, deliveredPayloads: n.deliveredPayloads,
    configurationChanges: n.configurationChanges,
  };
}
