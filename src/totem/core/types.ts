import type { Brand } from "../../lib/brand.js";
import { assert } from "../../lib/assert.js";

/** A processor: a non-zero 32-bit id (corosync's nodeid). */
export type NodeId = Brand<number, "NodeId">;

export function nodeId(value: number): NodeId {
  assert(Number.isInteger(value) && value > 0 && value <= 0xffff_ffff, `node id must be a 32-bit integer > 0 (got ${value})`);
  return value as NodeId;
}

/**
 * A ring id `(rep, seq)` rendered as corosync 3 prints it: `<rep hex>.<seq hex>`,
 * e.g. "1.8". A string so that equality is `===` and it keys maps directly.
 */
export type RingId = Brand<string, "RingId">;

/** Ring seqs stay below 2^53 so they are exact JavaScript numbers. */
export const RING_SEQ_MAX = Number.MAX_SAFE_INTEGER;

export function ringIdOf(rep: NodeId, seq: number): RingId {
  assert(Number.isSafeInteger(seq) && seq >= 0, `ring seq must be a safe non-negative integer (got ${seq})`);
  return `${rep.toString(16)}.${seq.toString(16)}` as RingId;
}

export function ringRep(ring: RingId): NodeId {
  return parseInt(ring.slice(0, ring.indexOf(".")), 16) as NodeId;
}

export function ringSeq(ring: RingId): number {
  return parseInt(ring.slice(ring.indexOf(".") + 1), 16);
}

// ---------------------------------------------------------------------------
// Wire messages (what the codec carries; the driver encrypts the bytes)
// ---------------------------------------------------------------------------

/** One application payload inside a frame; `more` marks a fragment continued in a later frame. */
export interface PayloadPart {
  readonly more: boolean;
  readonly bytes: Uint8Array;
}

/** An old-ring message re-sent inside a new-ring frame during recovery. */
export interface Encapsulated {
  readonly ring: RingId;
  readonly seq: number;
}

/**
 * The unit of ordering and flow control: one seq on the ring, from one origin,
 * packing several application payloads (like corosync's totempg packing).
 */
export interface Frame {
  readonly seq: number;
  readonly origin: NodeId;
  readonly old: Encapsulated | null;
  /** Safe delivery: deliver only once every member holds it (token aru past it on two visits). */
  readonly safe: boolean;
  readonly parts: readonly PayloadPart[];
}

export interface McastMessage {
  readonly kind: "mcast";
  readonly sender: NodeId;
  readonly ring: RingId;
  readonly frames: readonly Frame[];
}

export interface TokenMessage {
  readonly kind: "token";
  readonly sender: NodeId;
  readonly ring: RingId;
  readonly tokenSeq: number;
  readonly seq: number;
  readonly aru: number;
  /** Who lowered aru this rotation; 0 = nobody. */
  readonly aruId: number;
  /** Retransmission requests (seqs on this ring). */
  readonly rtr: readonly number[];
  readonly fcc: number;
  readonly backlog: number;
  readonly retransFlg: boolean;
}

export interface JoinMessage {
  readonly kind: "join";
  readonly sender: NodeId;
  /** The sender's current regular ring (tells receivers whether it was in their old ring). */
  readonly ring: RingId;
  readonly procSet: readonly NodeId[];
  readonly failSet: readonly NodeId[];
  /** The sender's highest known ring seq. */
  readonly ringSeq: number;
}

/** One member's entry in the commit token, filled on its first visit. */
export interface CommitEntry {
  readonly prevRing: RingId;
  readonly aru: number;
  readonly highDelivered: number;
  /** Highest seq this member knew every old-ring member held (safe delivery). */
  readonly stable: number;
  readonly receivedFlg: boolean;
}

export interface CommitMessage {
  readonly kind: "commit";
  readonly sender: NodeId;
  /** The new ring being formed. */
  readonly ring: RingId;
  readonly tokenSeq: number;
  /** Sorted ascending; the token travels in this order. */
  readonly members: readonly NodeId[];
  /** Parallel to members; null until that member fills it. */
  readonly entries: readonly (CommitEntry | null)[];
}

export interface MergeDetectMessage {
  readonly kind: "merge_detect";
  readonly sender: NodeId;
  readonly ring: RingId;
}

export interface HoldCancelMessage {
  readonly kind: "hold_cancel";
  readonly sender: NodeId;
  readonly ring: RingId;
}

export type TotemMessage =
  | McastMessage
  | TokenMessage
  | JoinMessage
  | CommitMessage
  | MergeDetectMessage
  | HoldCancelMessage;

// ---------------------------------------------------------------------------
// Events in, effects out
// ---------------------------------------------------------------------------

export type TimerName =
  | "token_loss"
  | "token_retransmit"
  | "hold"
  | "join"
  | "consensus"
  | "merge_detect";

export type LocalCommand =
  /** Begin: enter GATHER and look for peers. Call once after createTotemNode. */
  | { readonly kind: "start" }
  /** Queue an application payload for agreed delivery to every member, self included. */
  | { readonly kind: "multicast"; readonly payload: Uint8Array; readonly safe?: boolean }
  /** Leave the ring cleanly: the others exclude this node without waiting for timeouts. */
  | { readonly kind: "leave" };

export type Event =
  | { readonly kind: "recv"; readonly msg: TotemMessage }
  | { readonly kind: "timer"; readonly timer: TimerName }
  | { readonly kind: "command"; readonly command: LocalCommand };

export type ConfigurationKind = "regular" | "transitional";

/** A configuration change as extended virtual synchrony defines it. */
export interface ConfigurationChange {
  readonly kind: ConfigurationKind;
  /** Regular: the new ring's id. Transitional: the id of the ring being installed. */
  readonly ring: RingId;
  /** Sorted ascending. */
  readonly members: readonly NodeId[];
  /** Transitional only: members of the previous ring that did not come along. */
  readonly left: readonly NodeId[];
  /** Regular only: members that were not in the transitional configuration. */
  readonly joined: readonly NodeId[];
}

export type TotemState = "gather" | "commit" | "recovery" | "operational" | "left";

export type LogLevel = "debug" | "info" | "notice" | "warning";

/**
 * What the driver must do, in array order. Contract: carry out a `persist`
 * durably before any later `send` in the same batch.
 */
export type Effect =
  /** `to` may be the node's own id (a one-node ring passes the token to itself); "all" means every other node. */
  | { readonly kind: "send"; readonly to: NodeId | "all"; readonly msg: TotemMessage }
  /** An application payload in agreed order. `ring` is the configuration it is delivered in. */
  | { readonly kind: "deliver"; readonly from: NodeId; readonly ring: RingId; readonly payload: Uint8Array }
  | { readonly kind: "configuration"; readonly change: ConfigurationChange }
  /** Arm (or re-arm: replaces any earlier arming of the same timer) a timer due at `atMs`. */
  | { readonly kind: "arm"; readonly timer: TimerName; readonly atMs: number }
  | { readonly kind: "cancel"; readonly timer: TimerName }
  /** Store the highest ring seq (corosync's ringid_<nodeid> file); pass it back to createTotemNode after a restart. */
  | { readonly kind: "persist"; readonly ringSeq: number }
  /** A multicast command refused because the send queue is full (counted in status). */
  | { readonly kind: "rejected"; readonly payload: Uint8Array; readonly reason: string }
  | { readonly kind: "state"; readonly state: TotemState; readonly ring: RingId }
  | { readonly kind: "log"; readonly level: LogLevel; readonly message: string };

export interface TotemStatus {
  readonly nodeId: NodeId;
  readonly state: TotemState;
  /** The last installed regular ring (the one messages are delivered in). */
  readonly ring: RingId;
  readonly members: readonly NodeId[];
  readonly highestRingSeq: number;
  readonly queuedPayloads: number;
  readonly rejectedPayloads: number;
  readonly deliveredPayloads: number;
  readonly configurationChanges: number;
}
