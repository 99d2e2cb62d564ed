import { assert } from "../../lib/assert.js";
import { deliverContiguous } from "./delivery.js";
import { failToReceive, installNewRing } from "./membership.js";
import { successorOf } from "./node-set.js";
import { arm, cancel, type Step } from "./node-state.js";
import { releaseUpTo, requestGaps, storeFrame, STORE_FRAMES_MAX, type RingContext } from "./ring-context.js";
import type { Frame, McastMessage, NodeId, RingId, TokenMessage } from "./types.js";

/** Bytes of frames put into one mcast datagram before starting another. */
const MCAST_BYTES_MAX = 60000;

/** A regular token arrives (OPERATIONAL, or RECOVERY on the ring being formed). */
export function onToken(s: Step, t: TokenMessage): void {
  const n = s.n;
  const ctx = n.state === "operational" ? n.regular : n.state === "recovery" ? n.pending : null;
  if (ctx === null || t.ring !== ctx.id || t.tokenSeq <= ctx.tokenSeqLast) return; // foreign, stale or duplicate
  ctx.tokenSeqLast = t.tokenSeq;
  cancel(s, "token_retransmit");
  arm(s, "token_loss", n.config.token);
  if (shouldHold(s, ctx, t)) {
    n.holding = t;
    arm(s, "hold", n.config.hold);
    return;
  }
  visit(s, ctx, t);
}

/** Idle ring (corosync): the representative keeps the token for `hold` ms instead of spinning it. */
function shouldHold(s: Step, ctx: RingContext, t: TokenMessage): boolean {
  const n = s.n;
  return n.state === "operational" && ctx.members[0] === n.me && ctx.seqUnchangedRotations >= n.config.seqno_unchanged_const &&
    n.sendQueue.length === 0 && t.rtr.length === 0 && t.aru === t.seq;
}

/** Ends an idle hold early: local data, a hold-cancel, or the hold timer. */
export function releaseHeldToken(s: Step): void {
  const held = s.n.holding;
  if (held === null) return;
  s.n.holding = null;
  cancel(s, "hold");
  visit(s, s.n.regular, held);
}

/** One token visit, in the order of Totem §2 "On a valid token". */
export function visit(s: Step, ctx: RingContext, t: TokenMessage): void {
  const n = s.n;
  trackIdle(s, ctx, t);
  const stable = Math.min(t.aru, ctx.prevTokenAru); // every member held these on two successive visits
  releaseUpTo(ctx, stable);
  if (stable > ctx.stable) ctx.stable = stable;
  ctx.prevTokenAru = t.aru;
  let allowance = allowanceFor(s, ctx, t);
  const frames: Frame[] = [];
  const rtr: number[] = [];
  for (const seq of t.rtr) {
    const frame = ctx.frames.get(seq);
    if (frame !== undefined && allowance > 0) {
      frames.push(frame);
      allowance--;
    } else if (seq > ctx.released) rtr.push(seq);
  }
  const seq = addNewFrames(s, ctx, t.seq, allowance, frames);
  requestGaps(ctx, seq, rtr, n.config.miss_count_const);
  const myBacklog = n.state === "operational" ? n.sendQueue.backlogFrames : resendLeft(s);
  const fcc = Math.max(0, t.fcc + frames.length - ctx.sentLastVisit);
  const backlog = Math.max(0, t.backlog + myBacklog - ctx.backlogLastVisit);
  ctx.sentLastVisit = frames.length;
  ctx.backlogLastVisit = myBacklog;
  let aru = t.aru;
  let aruId = t.aruId;
  if (ctx.myAru < aru || aruId === n.me || aruId === 0) {
    aru = Math.min(ctx.myAru, seq);
    aruId = aru === seq ? 0 : n.me;
  }
  assert(aru <= seq && ctx.myAru <= seq, "aru never passes seq (brief §5.7)");
  if (stuckReceiving(s, ctx, t)) return failToReceive(s);
  const retransFlg = n.state === "recovery" ? recoveryFlag(s, t.retransFlg) : false;
  if (frames.length > 0) multicastFrames(s, ctx.id, frames);
  forwardToken(s, ctx, { kind: "token", sender: n.me, ring: ctx.id, tokenSeq: t.tokenSeq + 1, seq, aru, aruId, rtr, fcc, backlog, retransFlg });
  if (n.state === "operational") {
    deliverContiguous(s, ctx);
    armMergeDetect(s, ctx);
  } else if (readyToInstall(s, t, seq, retransFlg)) installNewRing(s);
}

function trackIdle(s: Step, ctx: RingContext, t: TokenMessage): void {
  ctx.seqUnchangedRotations = t.seq === ctx.lastTokenSeqValue ? ctx.seqUnchangedRotations + 1 : 0;
  ctx.lastTokenSeqValue = t.seq;
  s.n.holdCancelSent = false;
}

/** Flow control (Totem §2): per-visit and per-rotation windows, a fair share of the backlog, and the store bound. */
function allowanceFor(s: Step, ctx: RingContext, t: TokenMessage): number {
  const c = s.n.config;
  let allowance = Math.min(c.max_messages, c.window_size - t.fcc);
  const mine = s.n.state === "operational" ? s.n.sendQueue.backlogFrames : resendLeft(s);
  if (t.backlog > c.window_size && mine > 0) allowance = Math.min(allowance, Math.max(1, Math.floor((c.window_size * mine) / t.backlog)));
  const storeRoom = STORE_FRAMES_MAX - c.window_size - (t.seq - ctx.released);
  const granted = Math.max(0, Math.min(allowance, storeRoom));
  assert(granted <= c.max_messages, "a visit never sends more than max_messages new frames");
  return granted;
}

/** New application frames (OPERATIONAL) or wrapped old-ring frames (RECOVERY), each numbered on the token. */
function addNewFrames(s: Step, ctx: RingContext, tokenSeq: number, allowance: number, frames: Frame[]): number {
  const n = s.n;
  let seq = tokenSeq;
  for (let sent = 0; sent < allowance; sent++) {
    let frame: Frame;
    if (n.state === "operational") {
      if (n.sendQueue.length === 0) break;
      frame = n.sendQueue.nextFrame(seq + 1, n.me);
    } else {
      const r = n.recovery!;
      const old = r.resend[r.resendIndex];
      if (old === undefined) break;
      r.resendIndex++;
      frame = { seq: seq + 1, origin: old.origin, old: { ring: n.regular.id, seq: old.seq }, safe: old.safe, parts: old.parts };
    }
    seq++;
    storeFrame(ctx, frame);
    frames.push(frame);
  }
  return seq;
}

function resendLeft(s: Step): number {
  const r = s.n.recovery;
  return r === null ? 0 : r.resend.length - r.resendIndex;
}

/** Failure to receive (corosync): the aru has been stuck on me for fail_recv_const rotations. */
function stuckReceiving(s: Step, ctx: RingContext, t: TokenMessage): boolean {
  ctx.aruStuckRotations = t.aru === ctx.lastTokenAru && t.aruId !== 0 ? ctx.aruStuckRotations + 1 : 0;
  ctx.lastTokenAru = t.aru;
  return ctx.aruStuckRotations >= s.n.config.fail_recv_const && t.aruId === s.n.me;
}

/** Whoever still has re-sends sets retrans_flg; only its setter clears it. */
function recoveryFlag(s: Step, incoming: boolean): boolean {
  const r = s.n.recovery!;
  if (r.resendIndex < r.resend.length) {
    r.iSetRetransFlg = true;
    return true;
  }
  if (incoming && r.iSetRetransFlg) {
    r.iSetRetransFlg = false;
    return false;
  }
  return incoming;
}

/** Totem §3 recovery step 4: two clear visits fix install_seq; two more with aru >= install_seq install the ring. */
function readyToInstall(s: Step, t: TokenMessage, seq: number, retransFlg: boolean): boolean {
  const r = s.n.recovery!;
  if (retransFlg) {
    r.flagClearVisits = 0;
    r.aruAtInstallVisits = 0;
    return false;
  }
  if (r.installSeq !== null) {
    r.aruAtInstallVisits = t.aru >= r.installSeq ? r.aruAtInstallVisits + 1 : 0;
    return r.aruAtInstallVisits >= 2;
  }
  r.flagClearVisits++;
  if (r.flagClearVisits >= 2) r.installSeq = seq;
  return false;
}

export function multicastFrames(s: Step, ring: RingId, frames: readonly Frame[]): void {
  let batch: Frame[] = [];
  let bytes = 0;
  for (const frame of frames) {
    const size = frameBytes(frame);
    if (batch.length > 0 && bytes + size > MCAST_BYTES_MAX) {
      pushMcast(s, ring, batch);
      batch = [];
      bytes = 0;
    }
    batch.push(frame);
    bytes += size;
  }
  if (batch.length > 0) pushMcast(s, ring, batch);
}

function pushMcast(s: Step, ring: RingId, frames: Frame[]): void {
  const msg: McastMessage = { kind: "mcast", sender: s.n.me, ring, frames };
  s.out.push({ kind: "send", to: "all", msg });
}

function frameBytes(frame: Frame): number {
  let size = 48;
  for (const part of frame.parts) size += 5 + part.bytes.byteLength;
  return size;
}

/** Step 9: send to the successor (token_seq already incremented), keep a copy for retransmission. */
export function forwardToken(s: Step, ctx: RingContext, t: TokenMessage): void {
  ctx.lastForwarded = t;
  sendToSuccessor(s, ctx.members, t);
  arm(s, "token_retransmit", s.n.config.token_retransmit);
}

export function sendToSuccessor(s: Step, members: readonly NodeId[], msg: TokenMessage | import("./types.js").CommitMessage): void {
  s.out.push({ kind: "send", to: successorOf(members, s.n.me), msg });
}

/** The representative of an idle ring multicasts merge-detect every `merge` ms; traffic cancels it. */
function armMergeDetect(s: Step, ctx: RingContext): void {
  if (ctx.members[0] !== s.n.me) return;
  if (ctx.seqUnchangedRotations === 0) cancel(s, "merge_detect");
  else if (!s.n.timers.has("merge_detect")) arm(s, "merge_detect", s.n.config.merge);
}
