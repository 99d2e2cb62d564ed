import type { CpgMember } from "../cpg/index.js";
import type { QuorumState } from "../quorum/index.js";
import { ringSeq, type ConfigurationChange, type NodeId, type RingId } from "../totem/index.js";
import { payloadKey, readPayload } from "./payload.js";

/** What one incarnation of one processor has seen so far. */
interface ProcessView {
  readonly incarnation: number;
  /** Key of the last configuration installed ("R <ring>" or "T <ring> from <old>"), null before the first. */
  config: string | null;
  kind: "regular" | "transitional" | null;
  regularRing: RingId | null;
  regularMembers: readonly NodeId[];
  transitionalMembers: readonly NodeId[] | null;
  /** Deliveries since the last configuration change. */
  segment: string[];
  /** Position reached in each ring's regular-configuration delivery order. */
  readonly positions: Map<RingId, number>;
  readonly delivered: Set<string>;
}

/**
 * Safety invariants of the protocol brief §5, checked as each effect happens.
 * Failures are collected as readable strings; the simulator stops at the first.
 */
export class InvariantChecker {
  readonly violations: string[] = [];
  private readonly views = new Map<NodeId, ProcessView>();
  private readonly ringMembers = new Map<RingId, string>();
  private readonly regularOrder = new Map<RingId, string[]>();
  private readonly segments = new Map<string, string[]>();
  private readonly lastRingSeq = new Map<NodeId, number>();
  private readonly submitted = new Map<string, number>();
  /** Each live node's latest quorum verdict. */
  private readonly quorumNow = new Map<NodeId, QuorumState>();
  private readonly cpgViews = new Map<RingId, string>();
  configurations = 0;
  deliveries = 0;

  private fail(what: string): void {
    this.violations.push(what);
  }

  started(node: NodeId, incarnation: number): void {
    this.views.set(node, {
      incarnation, config: null, kind: null, regularRing: null, regularMembers: [], transitionalMembers: null, segment: [],
      positions: new Map(), delivered: new Set(),
    });
  }

  stopped(node: NodeId): void {
    this.views.delete(node);
    this.quorumNow.delete(node);
  }

  /** §5.9: no two disjoint partitions are quorate at once (two_node excepted: fencing decides). */
  quorum(node: NodeId, state: QuorumState, twoNode: boolean): void {
    this.quorumNow.set(node, state);
    if (!state.quorate || twoNode) return;
    for (const [other, verdict] of this.quorumNow) {
      if (other === node || !verdict.quorate) continue;
      if (!verdict.members.some((m) => state.members.includes(m))) {
        this.fail(`node ${node} is quorate in ${state.ring} [${state.members.join(",")}] while node ${other} is quorate in disjoint ${verdict.ring} [${verdict.members.join(",")}] (quorum)`);
      }
    }
  }

  quorumOf(node: NodeId): QuorumState | undefined {
    return this.quorumNow.get(node);
  }

  /** §5.10: after a ring's CPG sync, every member holds the same group views. */
  cpgSynced(node: NodeId, ring: RingId, groups: ReadonlyArray<{ group: string; members: readonly CpgMember[] }>): void {
    const views = JSON.stringify(groups);
    const known = this.cpgViews.get(ring);
    if (known === undefined) this.cpgViews.set(ring, views);
    else if (known !== views) this.fail(`node ${node}: CPG views after sync of ${ring} are ${views} but another member has ${known} (CPG agreement)`);
  }

  submittedPayload(node: NodeId, incarnation: number, counter: number): void {
    this.submitted.set(`${node}/${incarnation}`, counter);
  }

  /** §5.1 total order, §5.3 no duplicates, §5.4 integrity; the segment feeds §5.2. */
  delivered(node: NodeId, from: NodeId, ring: RingId, payload: Uint8Array): void {
    const view = this.view(node);
    this.deliveries++;
    const id = readPayload(payload);
    if (id === null) return this.fail(`node ${node}: delivered bytes that no sender submitted (integrity)`);
    const key = payloadKey(id);
    if (id.sender !== from) this.fail(`node ${node}: payload ${key} delivered as from ${from} (integrity)`);
    if ((this.submitted.get(`${id.sender}/${id.incarnation}`) ?? 0) < id.counter) this.fail(`node ${node}: payload ${key} was never submitted`);
    if (view.delivered.has(key)) this.fail(`node ${node}: payload ${key} delivered twice`);
    view.delivered.add(key);
    if (view.kind === null) this.fail(`node ${node}: delivery of ${key} before any configuration`);
    if (view.kind === "regular") this.checkRegularOrder(node, view, ring, key);
    view.segment.push(key);
  }

  private checkRegularOrder(node: NodeId, view: ProcessView, ring: RingId, key: string): void {
    if (ring !== view.regularRing) return this.fail(`node ${node}: ${key} delivered in configuration ${view.regularRing} but ordered on ${ring}`);
    const position = view.positions.get(ring) ?? 0;
    let order = this.regularOrder.get(ring);
    if (order === undefined) this.regularOrder.set(ring, (order = []));
    if (position < order.length && order[position] !== key) {
      this.fail(`ring ${ring}: node ${node} delivered ${key} at position ${position} where another delivered ${order[position]} (total order)`);
    }
    if (position === order.length) order.push(key);
    view.positions.set(ring, position + 1);
  }

  /** §5.2 virtual synchrony and §5.6 membership agreement. */
  configuration(node: NodeId, change: ConfigurationChange): void {
    const view = this.view(node);
    this.configurations++;
    if (!change.members.includes(node)) this.fail(`node ${node}: installed ${change.kind} ${change.ring} without itself`);
    const key = change.kind === "regular" ? `R ${change.ring}` : `T ${change.ring} from ${view.regularRing}`;
    if (change.kind === "regular") this.checkRegular(node, view, change);
    else this.checkTransitional(node, view, change);
    if (view.config !== null) this.closeSegment(node, `${view.config} -> ${key}`, view.segment);
    else if (view.segment.length > 0) this.fail(`node ${node}: delivered before its first configuration`);
    view.config = key;
    view.kind = change.kind;
    view.segment = [];
  }

  private checkRegular(node: NodeId, view: ProcessView, change: ConfigurationChange): void {
    if (view.kind === "regular") this.fail(`node ${node}: two regular configurations in a row (${view.regularRing}, ${change.ring})`);
    const members = change.members.join(",");
    const known = this.ringMembers.get(change.ring);
    if (known !== undefined && known !== members) this.fail(`ring ${change.ring} installed with members [${known}] and [${members}]`);
    this.ringMembers.set(change.ring, members);
    const seq = ringSeq(change.ring);
    const last = this.lastRingSeq.get(node) ?? -1;
    if (seq <= last) this.fail(`node ${node}: ring seq went from ${last} to ${seq}`);
    this.lastRingSeq.set(node, seq);
    if (view.transitionalMembers !== null && !view.transitionalMembers.every((m) => change.members.includes(m))) {
      this.fail(`node ${node}: transitional members not all in the new ring ${change.ring}`);
    }
    view.regularRing = change.ring;
    view.regularMembers = change.members;
    view.transitionalMembers = null;
  }

  private checkTransitional(node: NodeId, view: ProcessView, change: ConfigurationChange): void {
    if (view.kind !== "regular") this.fail(`node ${node}: transitional configuration not after a regular one`);
    if (!change.members.every((m) => view.regularMembers.includes(m))) this.fail(`node ${node}: transitional members not in the old ring`);
    view.transitionalMembers = change.members;
  }

  private closeSegment(node: NodeId, between: string, segment: string[]): void {
    const known = this.segments.get(between);
    if (known === undefined) {
      this.segments.set(between, segment);
      return;
    }
    if (known.length !== segment.length || known.some((key, i) => segment[i] !== key)) {
      this.fail(`node ${node}: between ${between} delivered [${clip(segment)}] but another delivered [${clip(known)}] (virtual synchrony)`);
    }
  }

  /** §5.5 self-delivery, for processors alive since they submitted. */
  checkSelfDelivery(node: NodeId): void {
    const view = this.view(node);
    const count = this.submitted.get(`${node}/${view.incarnation}`) ?? 0;
    for (let counter = 1; counter <= count; counter++) {
      const key = payloadKey({ sender: node, incarnation: view.incarnation, counter });
      if (!view.delivered.has(key)) return this.fail(`node ${node}: never delivered its own payload ${key} (self-delivery)`);
    }
  }

  private view(node: NodeId): ProcessView {
    const view = this.views.get(node);
    if (view === undefined) throw new Error(`simulator bug: no view for node ${node}`);
    return view;
  }
}

function clip(keys: readonly string[]): string {
  return keys.length <= 6 ? keys.join(" ") : `${keys.slice(0, 3).join(" ")} … ${keys.slice(-3).join(" ")} (${keys.length})`;
}
