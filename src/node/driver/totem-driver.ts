import { randomInt } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { seededRng, type Rng } from "../../lib/rng.js";
import type { Disposable } from "../../lib/disposable.js";
import {
  createTotemNode, decodeMessage, encodeMessage,
  type ConfigurationChange, type Effect, type Event, type NodeId, type RingId, type TimerName, type TotemConfig, type TotemNode,
} from "../../totem/index.js";
import type { LinkTransport } from "./links.js";

/** What the totem ring hands up: ordered payloads and configuration changes. */
export interface RingListener {
  deliver(from: NodeId, ring: RingId, payload: Uint8Array): void;
  configuration(change: ConfigurationChange): void;
  log(level: "debug" | "info" | "notice" | "warning", message: string): void;
}

export interface TotemDriverOptions {
  nodeid: NodeId;
  config: TotemConfig;
  stateDir: string;
  listener: RingListener;
}

/**
 * Runs the pure totem core on real time: datagrams and timers in, effects out,
 * in order (persist before send). Holds no protocol logic.
 */
export class TotemDriver implements Disposable {
  readonly counters = { decodeErrors: 0, spoofedSender: 0, rejectedPayloads: 0 };
  private readonly node: TotemNode;
  private readonly rng: Rng = seededRng(randomInt(0x7fffffff));
  private readonly timers = new Map<TimerName, NodeJS.Timeout>();
  private transport: LinkTransport | undefined;
  private stopped = false;

  constructor(private readonly options: TotemDriverOptions) {
    this.node = createTotemNode({ nodeId: options.nodeid, config: options.config, ringSeq: readRingSeq(this.ringSeqFile()) });
  }

  start(transport: LinkTransport): void {
    this.transport = transport;
    this.step({ kind: "command", command: { kind: "start" } });
  }

  status() {
    return this.node.status();
  }

  /** Queues a payload for agreed delivery to every member; false when the send queue is full. */
  multicast(payload: Uint8Array): boolean {
    const before = this.counters.rejectedPayloads;
    this.step({ kind: "command", command: { kind: "multicast", payload } });
    return this.counters.rejectedPayloads === before;
  }

  queueSpace(): number {
    return this.node.queueSpace();
  }

  /** A datagram that passed authentication: decode (never trusted before), check its claimed sender, step. */
  receive(from: NodeId, bytes: Uint8Array): void {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      this.counters.decodeErrors++;
      this.options.listener.log("debug", `dropped a packet from node ${from}: ${decoded.error.message}`);
      return;
    }
    if (decoded.value.sender !== from) {
      this.counters.spoofedSender++;
      return;
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
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private step(event: Event): void {
    if (this.stopped) return;
    for (const effect of this.node.step(event, performance.now(), this.rng)) this.apply(effect);
  }

  private apply(effect: Effect): void {
    switch (effect.kind) {
      case "send": {
        const bytes = encodeMessage(effect.msg);
        if (effect.to === "all") this.transport?.broadcast(bytes);
        else if (effect.to === this.options.nodeid) setImmediate(() => this.step({ kind: "recv", msg: effect.msg }));
        else this.transport?.send(effect.to, bytes);
        return;
      }
      case "deliver": return this.options.listener.deliver(effect.from, effect.ring, effect.payload);
      case "configuration": return this.options.listener.configuration(effect.change);
      case "arm": return this.arm(effect.timer, effect.atMs);
      case "cancel": {
        clearTimeout(this.timers.get(effect.timer));
        this.timers.delete(effect.timer);
        return;
      }
      case "persist": return writeRingSeq(this.ringSeqFile(), effect.ringSeq);
      case "rejected": {
        this.counters.rejectedPayloads++;
        return;
      }
      case "state": return this.options.listener.log("info", `totem state ${effect.state} (ring ${effect.ring})`);
      case "log": return this.options.listener.log(effect.level, effect.message);
    }
  }

  private arm(timer: TimerName, atMs: number): void {
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

export class RingSeqFileError extends Error {
  override name = "RingSeqFileError";
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
