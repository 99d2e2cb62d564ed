import { randomInt } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { seededRng, type Rng } from "../../lib/rng.js";
import type { Disposable } from "../../lib/disposable.js";
import { decodeMessage, encodeMessage, type NodeId, type TotemConfig } from "../../totem/index.js";
import {
  createMembershipStack,
  type MembershipStack, type QuorumOptions, type StackCommand, type StackEffect, type StackEvent, type StackStatus, type StackTimerName,
} from "../../quorum/index.js";
import type { LinkTransport } from "./links.js";

/** The effects the daemon acts on; the driver itself carries out sends, timers, persistence and logs. */
export type UpwardEffect = Extract<StackEffect, { kind: "deliver" | "configuration" | "cpg_deliver" | "cpg_confchg" | "cpg_rejected" | "cpg_synced" | "quorum" | "quorum_refused" | "rejected" | "state" | "log" }>;

export interface StackDriverOptions {
  nodeid: NodeId;
  totem: TotemConfig;
  quorum: QuorumOptions | null;
  stateDir: string;
  onEffect: (effect: UpwardEffect) => void;
}

/** Event-loop turns at most spent dropping joins after a pause (each turn reads a batch of datagrams). */
const FLUSH_TURNS_MAX = 64;

/**
 * Runs the pure membership stack (totem + CPG + votequorum) on real time:
 * datagrams, timers and local commands in; effects out, in order (persist
 * before any later send). Holds no protocol logic.
 */
export class StackDriver implements Disposable {
  readonly counters = { decodeErrors: 0, spoofedSender: 0, staleJoins: 0 };
  private readonly stack: MembershipStack;
  private readonly rng: Rng = seededRng(randomInt(0x7fffffff));
  private readonly timers = new Map<StackTimerName, NodeJS.Timeout>();
  private transport: LinkTransport | undefined;
  private stopped = false;
  private pauseWatch: NodeJS.Timeout | undefined;
  /** After a pause: joins queued in the socket meanwhile are stale (brief pitfall 1) and dropped. */
  private flushing = false;
  private receivedWhileFlushing = 0;

  constructor(private readonly options: StackDriverOptions) {
    this.stack = createMembershipStack({ nodeId: options.nodeid, totem: options.totem, quorum: options.quorum, ringSeq: readRingSeq(this.ringSeqFile()) });
  }

  start(transport: LinkTransport): void {
    this.transport = transport;
    this.watchPauses();
    this.step({ kind: "command", command: { kind: "start" } });
  }

  /**
   * corosync's pause detection: a check every token/5; a gap over token/2 means
   * this process was not scheduled. The joins that queued up meanwhile describe
   * memberships that are gone; acting on them would fail live peers, so the
   * ones already waiting in the socket are dropped (re-sent joins arrive anew).
   */
  private watchPauses(): void {
    const token = this.options.totem.token;
    let lastMs = performance.now();
    this.pauseWatch = setInterval(() => {
      const nowMs = performance.now();
      if (nowMs - lastMs > token / 2) this.flushStaleJoins(nowMs - lastMs);
      lastMs = nowMs;
    }, Math.max(10, Math.floor(token / 5)));
  }

  private flushStaleJoins(pausedMs: number): void {
    this.options.onEffect({ kind: "log", level: "warning", message: `process paused for ${Math.round(pausedMs)} ms: dropping the membership messages queued meanwhile` });
    this.flushing = true;
    this.receivedWhileFlushing = 0;
    let turns = 0;
    // Each event-loop turn reads a batch of queued datagrams; stop once a turn brings nothing more.
    const nextTurn = (): void => {
      if (++turns >= FLUSH_TURNS_MAX || this.receivedWhileFlushing === 0) {
        this.flushing = false;
        return;
      }
      this.receivedWhileFlushing = 0;
      setImmediate(nextTurn);
    };
    setImmediate(nextTurn); // runs after this turn's poll phase has read what was waiting
  }

  status(): StackStatus {
    return this.stack.status();
  }

  /** Runs a local command; returns the refusal reason when the stack refused it (e.g. send queue full). */
  command(command: StackCommand): string | undefined {
    let refusal: string | undefined;
    for (const effect of this.stepEffects({ kind: "command", command })) {
      if (effect.kind === "cpg_rejected" && effect.command === command) refusal = effect.reason;
      else if (effect.kind === "quorum_refused") refusal = effect.reason;
      else if (effect.kind === "rejected" && command.kind === "multicast" && effect.payload === command.payload) refusal = effect.reason;
      this.apply(effect);
    }
    return refusal;
  }

  /** A datagram that passed authentication: decode (never trusted before), check its claimed sender, step. */
  receive(from: NodeId, bytes: Uint8Array): void {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      this.counters.decodeErrors++;
      return;
    }
    if (decoded.value.sender !== from) {
      this.counters.spoofedSender++;
      return;
    }
    if (this.flushing) {
      this.receivedWhileFlushing++;
      if (decoded.value.kind === "join") return void this.counters.staleJoins++;
    }
    this.step({ kind: "recv", msg: decoded.value });
  }

  /** Leaves the ring cleanly (the others skip their timeouts) and stops the timers. */
  leave(): void {
    this.step({ kind: "command", command: { kind: "leave" } });
    this.dispose();
  }

  dispose(): void {
    this.stopped = true;
    clearInterval(this.pauseWatch);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private step(event: StackEvent): void {
    for (const effect of this.stepEffects(event)) this.apply(effect);
  }

  private stepEffects(event: StackEvent): StackEffect[] {
    return this.stopped ? [] : this.stack.step(event, performance.now(), this.rng);
  }

  private apply(effect: StackEffect): void {
    switch (effect.kind) {
      case "send": {
        if (effect.to === this.options.nodeid) {
          const msg = effect.msg;
          setImmediate(() => this.step({ kind: "recv", msg }));
          return;
        }
        const bytes = encodeMessage(effect.msg);
        if (effect.to === "all") this.transport?.broadcast(bytes);
        else this.transport?.send(effect.to, bytes);
        return;
      }
      case "arm": return this.arm(effect.timer, effect.atMs);
      case "cancel": {
        clearTimeout(this.timers.get(effect.timer));
        this.timers.delete(effect.timer);
        return;
      }
      case "persist": return writeRingSeq(this.ringSeqFile(), effect.ringSeq);
      default: return this.options.onEffect(effect);
    }
  }

  private arm(timer: StackTimerName, atMs: number): void {
    clearTimeout(this.timers.get(timer));
    const handle = setTimeout(() => {
      this.timers.delete(timer);
      this.step({ kind: "timer", timer });
    }, Math.max(0, atMs - performance.now()));
    this.timers.set(timer, handle);
  }

  private ringSeqFile(): string {
    return join(this.options.stateDir, `ringid_${this.options.nodeid}`);
  }
}

export class RingSeqFileError extends Error {
  override name = "RingSeqFileError";
}

/** The last persisted ring seq; 0 on first start. A damaged file is fatal: guessing could reuse a ring id. */
export function readRingSeq(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < 0) throw new RingSeqFileError(`${file} does not hold a ring seq (got "${text.trim().slice(0, 40)}")`);
  return value;
}

/** Durable before the caller's next send (the core's contract): write, fsync, rename. */
function writeRingSeq(file: string, ringSeq: number): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, `${ringSeq}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
