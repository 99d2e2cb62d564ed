import { assert, assertNever } from "../../lib/assert.js";
import { PAYLOAD_BYTES_MAX, type ConfigurationChange, type NodeId, type RingId } from "../../totem/index.js";
import { decodeCpgMessage, encodeCpgMessage, groupNameProblem } from "./codec.js";
import type { CpgChange, CpgCommand, CpgEffect, CpgMember, CpgMessage } from "./types.js";

/** A message delivered during sync waits here, applied in order once sync completes. */
interface Buffered {
  readonly from: NodeId;
  readonly msg: CpgMessage;
}

interface Sync {
  readonly ring: RingId;
  readonly members: readonly NodeId[];
  readonly joinlists: Map<NodeId, CpgMessage & { kind: "sync" }>;
  readonly buffered: Buffered[];
}

/** Bound on messages held back during one sync (a stuck sync must not grow without limit). */
const SYNC_BUFFER_MAX = 100_000;

/**
 * Closed process groups (corosync's CPG) on top of totem's agreed delivery.
 * Join, leave and mcast are totem messages, so every node applies them at the
 * same point. After each regular configuration every node multicasts its
 * joinlist; once all members' joinlists for that ring are in, each node
 * rebuilds the views (members on departed nodes: NODEDOWN; on arriving
 * nodes: NODEUP), then applies what was held back.
 */
export class CpgCore {
  /** group → members, sorted by node then pid; the same on every node after sync. */
  private readonly views = new Map<string, CpgMember[]>();
  private ring: RingId | null = null;
  private sync: Sync | null = null;
  /** Groups each local pid asked to join (and has not left): its joins may still be in flight. */
  private readonly localJoins = new Map<number, Set<string>>();
  droppedDuringSync = 0;
  /** Messages from peers that did not decode. */
  malformedMessages = 0;

  constructor(private readonly me: NodeId) {}

  command(command: CpgCommand): CpgEffect[] {
    if (command.kind === "procdown") return this.procdown(command.pid);
    const problem = groupNameProblem(command.group) ?? pidProblem(command.pid) ?? (command.kind === "cpg_mcast" ? sizeProblem(command.payload) : null);
    if (problem !== null) return [{ kind: "cpg_rejected", command, reason: problem }];
    switch (command.kind) {
      case "cpg_join":
        this.requested(command.pid).add(command.group);
        return [send({ kind: "join", group: command.group, pid: command.pid })];
      case "cpg_leave": {
        const groups = this.requested(command.pid);
        groups.delete(command.group);
        if (groups.size === 0) this.localJoins.delete(command.pid);
        return [send({ kind: "leave", group: command.group, pid: command.pid, reason: "leave" })];
      }
      case "cpg_mcast": return [send({ kind: "mcast", group: command.group, pid: command.pid, payload: command.payload }, command.safe ?? false)];
      default: return assertNever(command, "cpg command");
    }
  }

  /**
   * A vanished client leaves every group it is in, and every group it asked to
   * join whose join is still in flight (the leave follows the join in total order).
   */
  private procdown(pid: number): CpgEffect[] {
    const groups = this.requested(pid);
    this.localJoins.delete(pid);
    for (const [group, members] of this.views) if (members.some((m) => m.nodeid === this.me && m.pid === pid)) groups.add(group);
    return [...groups].sort().map((group) => send({ kind: "leave", group, pid, reason: "procdown" }));
  }

  private requested(pid: number): Set<string> {
    let groups = this.localJoins.get(pid);
    if (groups === undefined) this.localJoins.set(pid, (groups = new Set()));
    return groups;
  }

  /** Totem configuration changes: a regular one starts sync; a transitional one ends an unfinished sync. */
  configuration(change: ConfigurationChange): CpgEffect[] {
    const out: CpgEffect[] = [];
    if (this.sync !== null) this.abandonSync(out);
    if (change.kind === "transitional") return out;
    this.ring = change.ring;
    this.sync = { ring: change.ring, members: change.members, joinlists: new Map(), buffered: [] };
    out.push(send({ kind: "sync", ring: change.ring, groups: this.localJoinlist() }));
    return out;
  }

  /** A totem delivery for the CPG service; the message starts at `offset`. */
  deliver(from: NodeId, bytes: Uint8Array, offset = 0): CpgEffect[] {
    const decoded = decodeCpgMessage(bytes, offset);
    if (!decoded.ok) {
      this.malformedMessages++; // a peer's malformed message changes nothing
      return [];
    }
    const msg = decoded.value;
    const out: CpgEffect[] = [];
    if (msg.kind === "sync") this.onJoinlist(from, msg, out);
    else if (this.sync !== null) this.hold(from, msg);
    else this.apply(from, msg, out);
    return out;
  }

  /** Every group and its members as this node sees them, by group name. */
  groupList(): Array<{ group: string; members: readonly CpgMember[] }> {
    return [...this.views.keys()].sort().map((group) => ({ group, members: this.views.get(group)! }));
  }

  get syncing(): boolean {
    return this.sync !== null;
  }

  private hold(from: NodeId, msg: CpgMessage): void {
    if (this.sync!.buffered.length >= SYNC_BUFFER_MAX) this.droppedDuringSync++;
    else this.sync!.buffered.push({ from, msg });
  }

  private onJoinlist(from: NodeId, msg: CpgMessage & { kind: "sync" }, out: CpgEffect[]): void {
    const sync = this.sync;
    if (sync === null || msg.ring !== sync.ring || !sync.members.includes(from)) return; // stale
    sync.joinlists.set(from, msg);
    if (sync.joinlists.size < sync.members.length) return;
    this.sync = null;
    this.rebuild(sync, out);
    for (const held of sync.buffered) this.apply(held.from, held.msg, out);
    out.push({ kind: "cpg_synced", ring: sync.ring, groups: this.groupList() });
  }

  /** A newer configuration arrived first: keep the views, apply what was held (every node that moves on together held the same). */
  private abandonSync(out: CpgEffect[]): void {
    const sync = this.sync!;
    this.sync = null;
    for (const held of sync.buffered) this.apply(held.from, held.msg, out);
  }

  private localJoinlist(): Array<{ group: string; pids: number[] }> {
    const list: Array<{ group: string; pids: number[] }> = [];
    for (const [group, members] of this.views) {
      const pids = members.filter((m) => m.nodeid === this.me).map((m) => m.pid);
      if (pids.length > 0) list.push({ group, pids });
    }
    return list;
  }

  /** The views become the union of all members' joinlists; differences are reported per group. */
  private rebuild(sync: Sync, out: CpgEffect[]): void {
    const next = new Map<string, CpgMember[]>();
    for (const node of sync.members) {
      for (const entry of sync.joinlists.get(node)!.groups) {
        const members = next.get(entry.group) ?? [];
        for (const pid of entry.pids) members.push({ nodeid: node, pid });
        next.set(entry.group, members);
      }
    }
    const groups = new Set([...this.views.keys(), ...next.keys()]);
    for (const group of [...groups].sort()) {
      const before = this.views.get(group) ?? [];
      const after = sortMembers(next.get(group) ?? []);
      const left = before.filter((m) => !contains(after, m)).map((m) => ({ ...m, reason: "nodedown" as const }));
      const joined = after.filter((m) => !contains(before, m)).map((m) => ({ ...m, reason: "nodeup" as const }));
      if (after.length > 0) this.views.set(group, after);
      else this.views.delete(group);
      if (left.length + joined.length > 0) this.confchg(group, before, after, joined, left, out);
    }
  }

  private apply(from: NodeId, msg: CpgMessage, out: CpgEffect[]): void {
    const before = this.views.get(msg.kind === "sync" ? "" : msg.group) ?? [];
    const member = msg.kind === "sync" ? null : { nodeid: from, pid: msg.pid };
    if (msg.kind === "mcast") {
      if (before.some((m) => m.nodeid === this.me)) out.push({ kind: "cpg_deliver", group: msg.group, from: member!, payload: msg.payload });
    } else if (msg.kind === "join") {
      if (contains(before, member!)) return;
      const after = sortMembers([...before, member!]);
      this.views.set(msg.group, after);
      this.confchg(msg.group, before, after, [{ ...member!, reason: "join" }], [], out);
    } else if (msg.kind === "leave") {
      if (!contains(before, member!)) return;
      const after = before.filter((m) => !sameMember(m, member!));
      if (after.length > 0) this.views.set(msg.group, after);
      else this.views.delete(msg.group);
      this.confchg(msg.group, before, after, [], [{ ...member!, reason: msg.reason }], out);
    }
  }

  /** Only groups with a local member (before or after) concern this node's clients. */
  private confchg(group: string, before: readonly CpgMember[], after: readonly CpgMember[], joined: CpgChange[], left: CpgChange[], out: CpgEffect[]): void {
    if (!before.some((m) => m.nodeid === this.me) && !after.some((m) => m.nodeid === this.me)) return;
    assert(this.ring !== null, "CPG messages are delivered only inside a configuration");
    out.push({ kind: "cpg_confchg", group, ring: this.ring, members: after, joined, left });
  }
}

/** cpg_send payloads keep byte 0 free for the stack's service byte. */
function send(msg: CpgMessage, safe = false): CpgEffect {
  return { kind: "cpg_send", payload: encodeCpgMessage(msg, 1), safe };
}

/** Room for the CPG header (group name, pid) and the stack's service byte inside one totem payload. */
const CPG_PAYLOAD_BYTES_MAX = PAYLOAD_BYTES_MAX - 256;

function sizeProblem(payload: Uint8Array): string | null {
  return payload.byteLength <= CPG_PAYLOAD_BYTES_MAX ? null : `message of ${payload.byteLength} bytes exceeds ${CPG_PAYLOAD_BYTES_MAX}`;
}

function pidProblem(pid: number): string | null {
  return Number.isInteger(pid) && pid > 0 && pid <= 0xffff_ffff ? null : `pid must be a positive 32-bit integer (got ${pid})`;
}

function sameMember(a: CpgMember, b: CpgMember): boolean {
  return a.nodeid === b.nodeid && a.pid === b.pid;
}

function contains(members: readonly CpgMember[], member: CpgMember): boolean {
  return members.some((m) => sameMember(m, member));
}

function sortMembers(members: CpgMember[]): CpgMember[] {
  return members.sort((a, b) => a.nodeid - b.nodeid || a.pid - b.pid);
}
