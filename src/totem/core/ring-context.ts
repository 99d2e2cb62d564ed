import { assert } from "../../lib/assert.js";
import type { Frame, NodeId, RingId, TokenMessage, CommitMessage } from "./types.js";

/** Frames a node keeps per ring before refusing more (corosync's sort queue bound). */
export const STORE_FRAMES_MAX = 16384;
/** Retransmission requests carried on one token (corosync caps it at 30). */
export const RTR_ENTRIES_MAX = 30;
/** Gap scan bound per token visit, so a node far behind does bounded work. */
const GAP_SCAN_MAX = 4096;

/**
 * Everything a node knows about one ring: its message store, how far it has
 * received, delivered and released, and its token bookkeeping.
 */
export interface RingContext {
  readonly id: RingId;
  readonly members: readonly NodeId[];
  readonly memberSet: ReadonlySet<NodeId>;
  readonly frames: Map<number, Frame>;
  /** All frames with seq <= myAru are held (or released). */
  myAru: number;
  highSeqReceived: number;
  /** Last seq handed up (or passed over as recovery traffic). */
  highDelivered: number;
  /** Frames <= released are stable everywhere and dropped. */
  released: number;
  /** Every member holds the frames up to here: safe frames up to it may be delivered. */
  stable: number;
  tokenSeqLast: number;
  prevTokenAru: number;
  /** The token (or commit token) last forwarded, re-sent on token_retransmit. */
  lastForwarded: TokenMessage | CommitMessage | null;
  readonly missCounts: Map<number, number>;
  sentLastVisit: number;
  backlogLastVisit: number;
  /** Rotations with the token's aru unchanged and aru_id != 0 (failure to receive). */
  aruStuckRotations: number;
  lastTokenAru: number;
  /** Rotations with the token's seq unchanged (idle hold and merge detection). */
  seqUnchangedRotations: number;
  lastTokenSeqValue: number;
}

export function createRingContext(id: RingId, members: readonly NodeId[]): RingContext {
  assert(members.length > 0 && members.every((m, i) => i === 0 || m > members[i - 1]!), "ring members are sorted and unique");
  return {
    id, members, memberSet: new Set(members), frames: new Map(), myAru: 0, highSeqReceived: 0, highDelivered: 0,
    released: 0, stable: 0, tokenSeqLast: 0, prevTokenAru: 0, lastForwarded: null, missCounts: new Map(), sentLastVisit: 0,
    backlogLastVisit: 0, aruStuckRotations: 0, lastTokenAru: 0, seqUnchangedRotations: 0, lastTokenSeqValue: -1,
  };
}

/** Keeps a frame unless it is a duplicate, already released or beyond the window; returns whether it was new. */
export function storeFrame(ctx: RingContext, frame: Frame): boolean {
  const seq = frame.seq;
  if (seq <= ctx.released || seq > ctx.released + STORE_FRAMES_MAX || ctx.frames.has(seq)) return false;
  ctx.frames.set(seq, frame);
  ctx.missCounts.delete(seq);
  if (seq > ctx.highSeqReceived) ctx.highSeqReceived = seq;
  while (ctx.frames.has(ctx.myAru + 1)) ctx.myAru++;
  return true;
}

/** Drops frames every member holds (Totem §2 step 1). */
export function releaseUpTo(ctx: RingContext, upTo: number): void {
  const limit = Math.min(upTo, ctx.highDelivered, ctx.myAru);
  for (let seq = ctx.released + 1; seq <= limit; seq++) {
    ctx.frames.delete(seq);
    ctx.missCounts.delete(seq);
  }
  if (limit > ctx.released) ctx.released = limit;
  assert(ctx.released <= ctx.myAru && ctx.released <= ctx.highDelivered, "only received, delivered frames are released");
}

/** Seqs missing for miss_count_const visits, added to the token's rtr list (Totem §2 step 5). */
export function requestGaps(ctx: RingContext, tokenSeq: number, rtr: number[], missCountConst: number): void {
  const last = Math.min(tokenSeq, ctx.myAru + GAP_SCAN_MAX);
  for (let seq = ctx.myAru + 1; seq <= last; seq++) {
    if (ctx.frames.has(seq)) continue;
    const misses = (ctx.missCounts.get(seq) ?? 0) + 1;
    ctx.missCounts.set(seq, misses);
    if (misses >= missCountConst && rtr.length < RTR_ENTRIES_MAX && !rtr.includes(seq)) rtr.push(seq);
  }
}
