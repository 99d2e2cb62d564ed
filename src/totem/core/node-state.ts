import { assert } from "../../lib/assert.js";
import type { Rng } from "../../lib/rng.js";
import type { TotemConfig } from "./config.js";
import type { RingContext } from "./ring-context.js";
import type { SendQueue } from "./send-queue.js";
import type { Effect, Frame, JoinMessage, LogLevel, NodeId, TimerName, TokenMessage, TotemState } from "./types.js";

/** Recovery bookkeeping (Totem §3 "Recovery"), alive between COMMIT's second rotation and OPERATIONAL. */
export interface RecoveryState {
  /** New-ring members whose previous ring is mine, sorted. */
  readonly transitional: readonly NodeId[];
  /** Old-ring frames I still have to re-send, ascending. */
  readonly resend: Array<{ seq: number; origin: NodeId; safe: boolean; parts: Frame["parts"] }>;
  /** Old-ring safe frames up to here were stable there (the highest any transitional member knew). */
  readonly oldStable: number;
  resendIndex: number;
  iSetRetransFlg: boolean;
  flagClearVisits: number;
  installSeq: number | null;
  aruAtInstallVisits: number;
  /** Representative only: the first regular token has gone out. */
  firstTokenSent: boolean;
}

export interface GatherState {
  readonly procSet: Set<NodeId>;
  readonly failSet: Set<NodeId>;
  readonly agreed: Set<NodeId>;
  /** Each sender's latest join, re-checked when my sets change so agreement need not wait for its next re-send. */
  readonly lastJoins: Map<NodeId, JoinMessage>;
  /** When each sender was last heard since this gather began (fail_silent, consensus extensions). */
  readonly heardMs: Map<NodeId, number>;
  /** Consensus periods granted beyond the first because the proc set was still growing. */
  consensusExtensions: number;
  /** Proc set size when the consensus timer was last armed. */
  procSizeAtConsensus: number;
  /** Re-sends of my join since my sets last changed (the re-send period backs off on a large ring). */
  joinRepeats: number;
  readonly sinceMs: number;
}

/** The whole mutable state of one totem processor; only the core touches it. */
export interface NodeState {
  readonly me: NodeId;
  readonly config: TotemConfig;
  state: TotemState;
  /** Highest ring seq known; persisted before it is used. */
  highestRingSeq: number;
  persistedRingSeq: number;
  /** Highest seq of a commit token this node accepted (never accept an older one again). */
  acceptedCommitSeq: number;
  /** The last installed regular ring; during COMMIT/RECOVERY, the "old ring". */
  regular: RingContext;
  /** True once a regular configuration has been delivered (the first ring has no transitional predecessor). */
  installedOnce: boolean;
  /** The ring being formed, during COMMIT and RECOVERY. */
  pending: RingContext | null;
  gather: GatherState;
  recovery: RecoveryState | null;
  readonly sendQueue: SendQueue;
  /** The representative's held token on an idle ring. */
  holding: TokenMessage | null;
  holdCancelSent: boolean;
  readonly timers: Map<TimerName, number>;
  /** Fragments per origin until the last one arrives. */
  readonly reassembly: Map<NodeId, Uint8Array[]>;
  /** Peers recently failed, kept out for a while if they keep failing. */
  readonly damping: Map<NodeId, import("./damping.js").Damping>;
  deliveredPayloads: number;
  configurationChanges: number;
  /** When the previous step ran (pause detection), null before the first. */
  lastStepMs: number | null;
}

/** One step's context: state, clock, randomness and the effects being collected. */
export interface Step {
  readonly n: NodeState;
  readonly nowMs: number;
  readonly rng: Rng;
  readonly out: Effect[];
}

export function arm(s: Step, timer: TimerName, delayMs: number): void {
  const atMs = s.nowMs + delayMs;
  s.n.timers.set(timer, atMs);
  s.out.push({ kind: "arm", timer, atMs });
}

export function cancel(s: Step, timer: TimerName): void {
  if (!s.n.timers.delete(timer)) return;
  s.out.push({ kind: "cancel", timer });
}

export function log(s: Step, level: LogLevel, message: string): void {
  s.out.push({ kind: "log", level, message });
}

export function setState(s: Step, state: TotemState): void {
  if (s.n.state === state) return;
  s.n.state = state;
  s.out.push({ kind: "state", state, ring: s.n.pending?.id ?? s.n.regular.id });
}

/** Raise and persist the highest ring seq before it is used on the wire (corosync's ringid file). */
export function persistRingSeq(s: Step, seq: number): void {
  assert(Number.isSafeInteger(seq) && seq >= 0, "ring seqs are safe integers");
  if (seq > s.n.highestRingSeq) s.n.highestRingSeq = seq;
  if (s.n.highestRingSeq <= s.n.persistedRingSeq) return;
  s.n.persistedRingSeq = s.n.highestRingSeq;
  s.out.push({ kind: "persist", ringSeq: s.n.persistedRingSeq });
}
