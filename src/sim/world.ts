import { seededRng, type Rng } from "../lib/rng.js";
import { createMembershipStack, type MembershipStack, type QuorumOptions, type StackCommand, type StackEffect, type StackTimerName } from "../quorum/index.js";
import { decodeMessage, encodeMessage, nodeId, type NodeId, type TotemConfig, type TotemMessage } from "../totem/index.js";
import { InvariantChecker } from "./checker.js";
import { TimedQueue } from "./heap.js";
import { makePayload } from "./payload.js";

/** Network fault settings; the chaos schedule changes them during a run. */
export interface NetworkFaults {
  lossRate: number;
  duplicateRate: number;
  delayMinMs: number;
  delayMaxMs: number;
}

export interface WorldOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly config: TotemConfig;
  readonly quorum: QuorumOptions;
  readonly faults: NetworkFaults;
  /** Timer rate error per node, e.g. 0.05 means clocks run 0.95..1.05 × real. */
  readonly clockSkew: number;
  /** Send every message through the wire codec (catches a core that shares or mutates messages). */
  readonly wire: boolean;
}

type SimEvent =
  | { kind: "packet"; to: NodeId; incarnation: number; msg: TotemMessage | Uint8Array }
  | { kind: "timer"; node: NodeId; incarnation: number; timer: StackTimerName; generation: number }
  | { kind: "action"; run: () => void };

/** One simulated processor: its core (null while crashed), clock and persisted ring seq. */
interface SimNode {
  readonly id: NodeId;
  core: MembershipStack | null;
  incarnation: number;
  persistedRingSeq: number;
  rng: Rng;
  readonly timers: Map<StackTimerName, number>;
  readonly rate: number;
  readonly offsetMs: number;
  submitted: number;
  /** A paused (unscheduled) node handles nothing before this time; its events wait, in order. */
  pausedUntilMs: number;
}

/**
 * N totem cores in one process on a virtual clock and a seeded virtual
 * network: loss, duplication, reordering (random delay), partitions,
 * asymmetric links, crash and restart, skewed timers.
 */
export class World {
  nowMs = 0;
  steps = 0;
  readonly checker = new InvariantChecker();
  readonly nodes: SimNode[] = [];
  readonly rng: Rng;
  faults: NetworkFaults;
  /** Partition group per node index; nodes talk only within a group. */
  groups: number[];
  /** "a>b": packets from a to b are dropped (asymmetric reachability). */
  readonly blocked = new Set<string>();
  /** Scripted tests may drop chosen packets (e.g. messages but not tokens). */
  dropIf: ((from: NodeId, to: NodeId, msg: TotemMessage) => boolean) | null = null;
  /** Scripted tests watch effects as they happen (after the invariant checker). */
  readonly observers: Array<(node: NodeId, effect: StackEffect, nowMs: number) => void> = [];
  private readonly queue = new TimedQueue<SimEvent>();
  private generation = 0;

  constructor(readonly options: WorldOptions) {
    this.rng = seededRng(options.seed);
    this.faults = { ...options.faults };
    this.groups = Array.from({ length: options.nodes }, () => 0);
    for (let i = 0; i < options.nodes; i++) {
      const skew = options.clockSkew * (2 * this.rng.next() - 1);
      this.nodes.push({
        id: nodeId(i + 1), core: null, incarnation: 0, persistedRingSeq: 0, rng: this.rng, timers: new Map(), rate: 1 + skew,
        offsetMs: this.rng.int(1_000_000), submitted: 0, pausedUntilMs: 0,
      });
    }
  }

  node(id: NodeId): SimNode {
    return this.nodes[id - 1]!;
  }

  live(): SimNode[] {
    return this.nodes.filter((n) => n.core !== null);
  }

  localNow(node: SimNode): number {
    return node.offsetMs + this.nowMs * node.rate;
  }

  start(node: SimNode): void {
    node.incarnation++;
    node.rng = seededRng((this.options.seed ^ Math.imul(node.id, 0x9e3779b1) ^ Math.imul(node.incarnation, 0x85ebca6b)) >>> 0);
    node.core = createMembershipStack({ nodeId: node.id, totem: this.options.config, ringSeq: node.persistedRingSeq, quorum: this.options.quorum });
    node.timers.clear();
    node.submitted = 0;
    this.checker.started(node.id, node.incarnation);
    this.apply(node, node.core.step({ kind: "command", command: { kind: "start" } }, this.localNow(node), node.rng));
  }

  crash(node: SimNode): void {
    node.core = null;
    node.timers.clear();
    this.checker.stopped(node.id);
  }

  command(node: SimNode, command: StackCommand): void {
    if (node.core === null) return;
    this.apply(node, node.core.step({ kind: "command", command }, this.localNow(node), node.rng));
  }

  leave(node: SimNode): void {
    if (node.core === null) return;
    this.apply(node, node.core.step({ kind: "command", command: { kind: "leave" } }, this.localNow(node), node.rng));
    this.crash(node);
  }

  submit(node: SimNode, fillerBytes: number, safe = false): void {
    if (node.core === null) return;
    const counter = node.submitted + 1;
    const payload = makePayload({ sender: node.id, incarnation: node.incarnation, counter }, fillerBytes);
    const effects = node.core.step({ kind: "command", command: { kind: "multicast", payload, safe } }, this.localNow(node), node.rng);
    if (!effects.some((e) => e.kind === "rejected")) {
      node.submitted = counter;
      this.checker.submittedPayload(node.id, node.incarnation, counter);
    }
    this.apply(node, effects);
  }

  at(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + delayMs, { kind: "action", run });
  }

  /** Processes one event; false when nothing is left. */
  stepOnce(): boolean {
    const next = this.queue.pop();
    if (next === undefined) return false;
    this.nowMs = Math.max(this.nowMs, next.atMs);
    this.steps++;
    const event = next.value;
    const target = event.kind === "packet" ? this.node(event.to) : event.kind === "timer" ? this.node(event.node) : null;
    if (target !== null && target.pausedUntilMs > this.nowMs) this.queue.push(target.pausedUntilMs, event);
    else if (event.kind === "action") event.run();
    else if (event.kind === "packet") this.receive(event);
    else this.fire(event);
    return true;
  }

  runUntil(untilMs: number, stepsMax = Infinity): void {
    let steps = 0;
    while (this.checker.violations.length === 0 && steps < stepsMax) {
      const at = this.queue.peekTime();
      if (at === undefined || at > untilMs) break;
      this.stepOnce();
      steps++;
    }
    if (this.nowMs < untilMs && steps < stepsMax) this.nowMs = untilMs;
  }

  private receive(event: Extract<SimEvent, { kind: "packet" }>): void {
    const node = this.node(event.to);
    if (node.core === null || node.incarnation !== event.incarnation) return;
    let msg: TotemMessage;
    if (event.msg instanceof Uint8Array) {
      const decoded = decodeMessage(event.msg);
      if (!decoded.ok) {
        this.checker.violations.push(`node ${node.id} received an undecodable message: ${decoded.error.message}`);
        return;
      }
      msg = decoded.value;
    } else msg = event.msg;
    this.apply(node, node.core.step({ kind: "recv", msg }, this.localNow(node), node.rng));
  }

  private fire(event: Extract<SimEvent, { kind: "timer" }>): void {
    const node = this.node(event.node);
    if (node.core === null || node.incarnation !== event.incarnation || node.timers.get(event.timer) !== event.generation) return;
    node.timers.delete(event.timer);
    this.apply(node, node.core.step({ kind: "timer", timer: event.timer }, this.localNow(node), node.rng));
  }

  /** The driver's job: carry out effects in order. */
  private apply(node: SimNode, effects: readonly StackEffect[]): void {
    for (const effect of effects) {
      for (const observe of this.observers) observe(node.id, effect, this.nowMs);
      switch (effect.kind) {
        case "persist": node.persistedRingSeq = effect.ringSeq; break;
        case "send": this.send(node, effect.to, effect.msg); break;
        case "deliver": this.checker.delivered(node.id, effect.from, effect.ring, effect.payload); break;
        case "configuration": this.checker.configuration(node.id, effect.change); break;
        case "arm": this.arm(node, effect.timer, effect.atMs); break;
        case "cancel": node.timers.delete(effect.timer); break;
        case "quorum": this.checker.quorum(node.id, effect, this.options.quorum.twoNode); break;
        case "cpg_synced": this.checker.cpgSynced(node.id, effect.ring, effect.groups); break;
        case "rejected": case "state": case "log": case "cpg_deliver": case "cpg_confchg": case "cpg_rejected": break;
      }
    }
  }

  private arm(node: SimNode, timer: StackTimerName, atLocalMs: number): void {
    const generation = ++this.generation;
    node.timers.set(timer, generation);
    const atMs = Math.max(this.nowMs, (atLocalMs - node.offsetMs) / node.rate);
    this.queue.push(atMs, { kind: "timer", node: node.id, incarnation: node.incarnation, timer, generation });
  }

  private send(from: SimNode, to: NodeId | "all", msg: TotemMessage): void {
    const wire = this.options.wire ? encodeMessage(msg) : msg;
    const dropIf = this.dropIf;
    if (dropIf !== null && to !== "all" && dropIf(from.id, to, msg)) return;
    if (dropIf !== null && to === "all") {
      for (const target of this.nodes) if (target.id !== from.id && !dropIf(from.id, target.id, msg)) this.transmit(from, target, wire);
      return;
    }
    if (to === from.id) {
      this.queue.push(this.nowMs + 0.01, { kind: "packet", to, incarnation: from.incarnation, msg: wire });
      return;
    }
    const targets = to === "all" ? this.nodes.filter((n) => n.id !== from.id) : [this.node(to)];
    for (const target of targets) this.transmit(from, target, wire);
  }

  private transmit(from: SimNode, to: SimNode, msg: TotemMessage | Uint8Array): void {
    if (to.core === null || this.groups[from.id - 1] !== this.groups[to.id - 1] || this.blocked.has(`${from.id}>${to.id}`)) return;
    const f = this.faults;
    if (this.rng.next() < f.lossRate) return;
    const copies = this.rng.next() < f.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = f.delayMinMs + this.rng.next() * (f.delayMaxMs - f.delayMinMs);
      this.queue.push(this.nowMs + delay, { kind: "packet", to: to.id, incarnation: to.incarnation, msg });
    }
  }
}
