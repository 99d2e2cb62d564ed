import { assertNever } from "../../lib/assert.js";
import type { Rng } from "../../lib/rng.js";
import { CpgCore, type CpgCommand, type CpgEffect, type CpgMember } from "../../cpg/index.js";
import {
  allocate, createTotemNode,
  type Effect, type LocalCommand, type NodeId, type TimerName, type TotemConfig, type TotemMessage, type TotemNode, type TotemStatus,
} from "../../totem/index.js";
import type { QuorumCommand, QuorumEffect, QuorumOptions, QuorumState } from "./types.js";
import { VotequorumCore } from "./votequorum.js";

/** The first byte of every totem payload names the service it belongs to (like corosync's service ids). */
const SERVICE = { app: 0, cpg: 1, quorum: 2 } as const;
/** Totem queue room kept free for sync messages: CPG multicasts beyond it get "try again". */
const SYNC_RESERVE_PAYLOADS = 64;

export type StackTimerName = TimerName | "last_man_standing";

export type StackCommand = LocalCommand | CpgCommand | QuorumCommand;

export type StackEvent =
  | { readonly kind: "recv"; readonly msg: TotemMessage }
  | { readonly kind: "timer"; readonly timer: StackTimerName }
  | { readonly kind: "command"; readonly command: StackCommand };

/** Totem's effects (deliver = raw application payloads), CPG's and votequorum's, in the order to carry out. */
export type StackEffect =
  | Exclude<Effect, { kind: "arm" } | { kind: "cancel" }>
  | { readonly kind: "arm"; readonly timer: StackTimerName; readonly atMs: number }
  | { readonly kind: "cancel"; readonly timer: StackTimerName }
  | Exclude<CpgEffect, { kind: "cpg_send" }>
  | Extract<QuorumEffect, { kind: "quorum" | "quorum_refused" }>;

export interface StackStatus {
  readonly totem: TotemStatus;
  /** null when no quorum provider is configured. */
  readonly quorum: QuorumState | null;
  readonly groups: ReadonlyArray<{ readonly group: string; readonly members: readonly CpgMember[] }>;
  /** Service messages from peers that did not decode (dropped). */
  readonly malformedMessages: number;
}

export interface MembershipStackOptions {
  readonly nodeId: NodeId;
  readonly totem: TotemConfig;
  /** The last persisted ring seq (0 on first start). */
  readonly ringSeq: number;
  /** From quorumOptions(); null runs without votequorum. */
  readonly quorum: QuorumOptions | null;
}

export interface MembershipStack {
  step(event: StackEvent, nowMs: number, rng: Rng): StackEffect[];
  status(): StackStatus;
  /** How many more payloads a multicast would accept now. */
  queueSpace(): number;
}

/**
 * Totem, CPG and votequorum as one pure state machine with one step(): what
 * a node daemon (or the simulator) drives. Services talk over totem; sync
 * runs after every regular configuration.
 */
export function createMembershipStack(options: MembershipStackOptions): MembershipStack {
  const totem = createTotemNode({ nodeId: options.nodeId, config: options.totem, ringSeq: options.ringSeq });
  const cpg = new CpgCore(options.nodeId);
  const quorum = options.quorum === null ? null : new VotequorumCore(options.nodeId, options.quorum);
  const counters = { malformed: 0 };
  return {
    step: (event, nowMs, rng) => new StackStep(totem, cpg, quorum, counters, nowMs, rng).run(event),
    status: () => ({
      totem: totem.status(), quorum: quorum?.status() ?? null, malformedMessages: counters.malformed + cpg.malformedMessages,
      groups: cpg.groupList(),
    }),
    queueSpace: () => totem.queueSpace(),
  };
}

/** One stack step: totem's effects are routed to the services, whose messages go back through totem. */
class StackStep {
  private readonly out: StackEffect[] = [];

  constructor(
    private readonly totem: TotemNode, private readonly cpg: CpgCore, private readonly quorum: VotequorumCore | null,
    private readonly counters: { malformed: number }, private readonly nowMs: number, private readonly rng: Rng,
  ) {}

  run(event: StackEvent): StackEffect[] {
    if (event.kind === "recv") this.totemStep(event);
    else if (event.kind === "timer") {
      if (event.timer === "last_man_standing") this.quorumEffects(this.quorum?.timer() ?? []);
      else this.totemStep({ kind: "timer", timer: event.timer });
    } else this.command(event.command);
    return this.out;
  }

  private command(command: StackCommand): void {
    switch (command.kind) {
      case "start": case "multicast": case "leave":
        if (command.kind === "multicast") return this.multicast(SERVICE.app, command.payload, command.safe ?? false);
        return this.totemStep({ kind: "command", command });
      case "cpg_mcast": case "cpg_join": case "cpg_leave":
        if (this.totem.queueSpace() <= SYNC_RESERVE_PAYLOADS || (command.kind === "cpg_mcast" && this.totem.congested())) {
          this.out.push({ kind: "cpg_rejected", command, reason: "try again: the send queue is full" });
          return;
        }
        return this.cpgEffects(this.cpg.command(command));
      case "procdown": return this.cpgEffects(this.cpg.command(command));
      case "quorum_expected":
        if (this.quorum === null) return void this.out.push({ kind: "quorum_refused", reason: "no quorum provider is configured (quorum { provider: corosync_votequorum })" });
        return this.quorumEffects(this.quorum.setExpected(command.expectedVotes));
      default: return assertNever(command, "stack command");
    }
  }

  /** Application payloads are copied behind the service byte; service messages come with byte 0 free. */
  private multicast(service: number, payload: Uint8Array, safe: boolean): void {
    const framed = allocate(payload.byteLength + 1);
    framed.set(payload, 1);
    this.multicastFramed(service, framed, safe);
  }

  private multicastFramed(service: number, framed: Uint8Array, safe = false): void {
    framed[0] = service;
    this.totemStep({ kind: "command", command: { kind: "multicast", payload: framed, safe } });
  }

  private totemStep(event: Parameters<TotemNode["step"]>[0]): void {
    for (const effect of this.totem.step(event, this.nowMs, this.rng)) this.route(effect);
  }

  private route(effect: Effect): void {
    if (effect.kind === "deliver") return this.deliver(effect.from, effect.payload, effect);
    if (effect.kind === "rejected") {
      if (effect.payload[0] === SERVICE.app) this.out.push({ ...effect, payload: effect.payload.subarray(1) });
      return; // a service message refused: sync is kept room by SYNC_RESERVE_PAYLOADS
    }
    this.out.push(effect);
    if (effect.kind !== "configuration") return;
    this.cpgEffects(this.cpg.configuration(effect.change));
    if (this.quorum !== null) this.quorumEffects(this.quorum.configuration(effect.change));
  }

  private deliver(from: NodeId, payload: Uint8Array, effect: Extract<Effect, { kind: "deliver" }>): void {
    switch (payload[0]) {
      case SERVICE.app: this.out.push({ ...effect, payload: payload.subarray(1) }); break;
      case SERVICE.cpg: this.cpgEffects(this.cpg.deliver(from, payload, 1)); break;
      case SERVICE.quorum: if (this.quorum !== null) this.quorumEffects(this.quorum.deliver(from, payload.subarray(1), this.nowMs)); break;
      default: this.counters.malformed++;
    }
  }

  private cpgEffects(effects: readonly CpgEffect[]): void {
    for (const effect of effects) {
      if (effect.kind === "cpg_send") this.multicastFramed(SERVICE.cpg, effect.payload, effect.safe);
      else this.out.push(effect);
    }
  }

  private quorumEffects(effects: readonly QuorumEffect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case "quorum_send": this.multicastFramed(SERVICE.quorum, effect.payload); break;
        case "quorum_arm": this.out.push({ kind: "arm", timer: "last_man_standing", atMs: effect.atMs }); break;
        case "quorum_cancel": this.out.push({ kind: "cancel", timer: "last_man_standing" }); break;
        case "quorum": case "quorum_refused": this.out.push(effect); break;
        default: assertNever(effect, "quorum effect");
      }
    }
  }
}
