import { ringSeq, type ConfigurationChange, type NodeId, type RingId } from "../../totem/index.js";
import { calculateQuorum, holdsTieBreaker } from "./calculate.js";
import { decodeQuorumMessage, encodeQuorumMessage } from "./codec.js";
import type { LmsCluster, NodeInfo, QuorumEffect, QuorumFlag, QuorumMessage, QuorumOptions, QuorumState } from "./types.js";

/**
 * votequorum on totem: after each regular configuration every member
 * announces its votes, expected votes and wait_for_all state; once all have
 * announced, every member computes the same quorum from the same inputs.
 */
export class VotequorumCore {
  /** Highest expected votes reported (never falls by itself). */
  private expectedVotes: number;
  private waitingForAll: boolean;
  /** The cluster as last_man_standing shrank it, or null while it never has. */
  private lms: LmsCluster | null = null;
  private readonly seen = new Set<NodeId>();
  private ring: RingId | null = null;
  private members: readonly NodeId[] = [];
  private infos: Map<NodeId, NodeInfo> | null = null;
  private state: QuorumState;

  constructor(private readonly me: NodeId, private readonly options: QuorumOptions) {
    this.expectedVotes = options.expectedVotes;
    for (const node of options.nodelistIds) this.seen.add(node);
    this.waitingForAll = options.waitForAll;
    this.state = { ring: null, quorate: false, expectedVotes: this.expectedVotes, totalVotes: 0, quorum: Math.floor(this.expectedVotes / 2) + 1, members: [], flags: this.flags(false) };
  }

  status(): QuorumState {
    return this.state;
  }

  configuration(change: ConfigurationChange): QuorumEffect[] {
    if (change.kind === "transitional") return [];
    this.ring = change.ring;
    this.members = change.members;
    this.infos = new Map();
    for (const node of change.members) this.seen.add(node);
    const info: QuorumMessage = {
      kind: "nodeinfo", ring: change.ring, votes: this.options.votes, expectedVotes: this.expectedVotes, quorate: this.state.quorate,
      waitingForAll: this.waitingForAll, seen: [...this.seen].sort((a, b) => a - b), lms: this.lms,
    };
    return [{ kind: "quorum_cancel" }, { kind: "quorum_send", payload: encodeQuorumMessage(info, 1) }];
  }

  deliver(from: NodeId, bytes: Uint8Array, nowMs: number): QuorumEffect[] {
    const decoded = decodeQuorumMessage(bytes);
    if (!decoded.ok || decoded.value.ring !== this.ring) return []; // malformed or from an earlier ring
    const msg = decoded.value;
    if (msg.kind === "admin_expected") {
      // The administrator's word beats "never falls by itself" and a last_man_standing shrink.
      this.expectedVotes = msg.expectedVotes;
      this.lms = null;
      return this.infos === null ? this.recompute(nowMs) : [];
    }
    if (msg.kind === "set_expected") {
      this.lms = { seq: ringSeq(msg.ring), members: this.members };
      return this.infos === null ? this.recompute(nowMs) : [];
    }
    if (this.infos === null || !this.members.includes(from)) return [];
    this.infos.set(from, msg);
    return this.infos.size === this.members.length ? this.recompute(nowMs) : [];
  }

  /**
   * corosync-quorumtool -e: a new expected votes for the whole cluster, sent
   * through totem so every member applies it at the same point. Refused when
   * quorum is not settled for the current ring, when it is below the votes
   * present (pointless: present votes always count), or when it would make
   * the cluster inquorate (votequorum_setexpected(3)).
   */
  setExpected(expectedVotes: number): QuorumEffect[] {
    const s = this.state;
    const refuse = (reason: string): QuorumEffect[] => [{ kind: "quorum_refused", reason }];
    if (!Number.isSafeInteger(expectedVotes) || expectedVotes < 1 || expectedVotes > 0xffff_ffff) return refuse(`expected votes must be a positive integer (got ${expectedVotes})`);
    if (this.ring === null || this.infos !== null || s.ring !== this.ring) return refuse("try again: quorum is being recomputed for a new configuration");
    if (expectedVotes < s.totalVotes) return refuse(`expected votes ${expectedVotes} is below the ${s.totalVotes} votes present`);
    const quorum = Math.floor(expectedVotes / 2) + 1;
    if (s.quorate && quorum > s.totalVotes) return refuse(`expected votes ${expectedVotes} would make the cluster inquorate (quorum ${quorum}, ${s.totalVotes} votes present)`);
    return [{ kind: "quorum_send", payload: encodeQuorumMessage({ kind: "admin_expected", ring: this.ring, expectedVotes }, 1) }];
  }

  /** last_man_standing_window expired with the membership unchanged: the lowest member shrinks the cluster to this ring. */
  timer(): QuorumEffect[] {
    const s = this.state;
    const floor = this.options.autoTieBreaker ? 1 : 2;
    if (this.infos !== null || !s.quorate || this.ring === null || this.members[0] !== this.me) return [];
    if (this.members.length >= s.expectedVotes || this.members.length < floor) return [];
    return [{ kind: "quorum_send", payload: encodeQuorumMessage({ kind: "set_expected", ring: this.ring, expectedVotes: this.members.length }, 1) }];
  }

  private recompute(nowMs: number): QuorumEffect[] {
    const infos = this.infos === null ? null : [...this.infos.values()];
    this.infos = null;
    if (infos !== null) this.absorb(infos);
    const present = this.totalVotes(infos);
    const counted = this.lms === null ? present : this.members.filter((m) => this.lms!.members.includes(m)).length;
    const expected = this.lms === null ? this.expectedVotes : this.lms.members.length;
    if (this.waitingForAll && counted >= expected) this.waitingForAll = false;
    const result = calculateQuorum({
      expectedVotes: expected, totalVotes: counted, memberCount: this.members.length, twoNode: this.options.twoNode,
      waitingForAll: this.waitingForAll, autoTieBreaker: this.options.autoTieBreaker,
      holdsTieBreaker: holdsTieBreaker(this.options.tieBreaker, [...this.seen], this.members),
    });
    if (this.state.quorate && !result.quorate && this.options.waitForAll) this.waitingForAll = true; // corosync re-arms it on loss
    this.grow(result.quorate, present);
    const expectedNow = this.lms === null ? this.expectedVotes : this.lms.members.length;
    const changed = result.quorate !== this.state.quorate;
    this.state = { ring: this.ring, quorate: result.quorate, expectedVotes: expectedNow, totalVotes: present, quorum: result.quorum, members: this.members, flags: this.flags(result.quorate) };
    const out: QuorumEffect[] = [{ kind: "quorum", changed, ...this.state }];
    if (this.options.lastManStanding && result.quorate && present < expectedNow) out.push({ kind: "quorum_arm", atMs: nowMs + this.options.lastManStandingWindowMs });
    return out;
  }

  /** Expected votes never fall by themselves; a quorate partition takes its present members into a shrunk cluster. */
  private grow(quorate: boolean, present: number): void {
    this.expectedVotes = Math.max(this.expectedVotes, present);
    if (this.lms === null || !quorate) return;
    const members = [...new Set([...this.lms.members, ...this.members])].sort((a, b) => a - b);
    this.lms = { seq: this.lms.seq, members };
  }

  /**
   * Highest expected votes wins; the newest last_man_standing cluster any
   * member knows wins; wait_for_all is satisfied if any member has already
   * seen all votes.
   */
  private absorb(infos: readonly NodeInfo[]): void {
    this.expectedVotes = Math.max(this.expectedVotes, ...infos.map((info) => info.expectedVotes));
    if (this.options.waitForAll) this.waitingForAll = infos.every((info) => info.waitingForAll);
    for (const info of infos) {
      for (const node of info.seen) this.seen.add(node);
      if (info.lms !== null && (this.lms === null || info.lms.seq > this.lms.seq)) this.lms = info.lms;
    }
  }

  private totalVotes(infos: readonly NodeInfo[] | null): number {
    if (infos === null) return this.state.totalVotes;
    return infos.reduce((sum, info) => sum + info.votes, 0);
  }

  private flags(quorate: boolean): QuorumFlag[] {
    const flags: QuorumFlag[] = [];
    if (quorate) flags.push("quorate");
    if (this.options.twoNode) flags.push("two_node");
    if (this.options.waitForAll) flags.push("wait_for_all");
    if (this.options.lastManStanding) flags.push("last_man_standing");
    if (this.options.autoTieBreaker) flags.push("auto_tie_breaker");
    return flags;
  }
}
