import { assert, assertNever } from "../../lib/assert.js";
import type { Rng } from "../../lib/rng.js";
import type { BlockErrno } from "../../nbd/block-device.js";
import type { DigestAlg, OnIoError, Protocol } from "../config/model.js";
import { BITMAP_PAGE_BYTES, BLOCK_BYTES, Bitmap, blocksOf } from "./bitmap.js";
import { decideSync, type AfterSbPolicies, type HandshakeView, type SyncDecision } from "./handshake.js";
import { ActivityLog } from "./activity-log.js";
import { AL_EXTENT_BYTES, JUST_CREATED, NO_UUID, newUuid, type Superblock } from "./metadata.js";
import { Progress } from "./progress.js";
import { isArbiter, UnplacedWrites } from "./write-conflicts.js";
import { describeOutcome, fenceOutcome, peerIsFenced, type FencingPolicy } from "./fencing.js";
import { ResyncController, type ResyncControl } from "./resync-controller.js";
import type { Command, ConnState, Crypto, DiskState, Effect, Input, NetAgreement, PeerMsg, ReplState, Role } from "./types.js";

export interface ReplicaSettings {
  resource: string;
  node: string;
  peer: string;
  protocol: Protocol;
  allowTwoPrimaries: boolean;
  policies: AfterSbPolicies;
  onIoError: OnIoError;
  fencing: FencingPolicy;
  resyncRateBytesPerSec: number;
  /** The dynamic resync speed controller (c-plan-ahead 0: resync-rate is fixed). */
  rateController: Omit<ResyncControl, "rateBytesPerSec">;
  alExtents: number;
  /** cram-hmac-alg is configured: the peer must prove it knows the shared secret. */
  authenticate: boolean;
  /** Silence on the link longer than this drops the connection. */
  linkDeadMs: number;
  verifyAlg: string;
  /** Checksum-based resync (csums-alg): the SyncSource sends digests first, data only for blocks that differ. */
  csumsAlg: DigestAlg | undefined;
  /** data-integrity-alg: every replicated write carries a digest the receiver checks before writing. */
  integrityAlg: DigestAlg | undefined;
}

export interface PeerView {
  role: Role;
  disk: DiskState;
  sizeBytes: number;
}

/** A request from the NBD side waiting for its local and peer halves. */
interface Pending {
  reqId: number;
  off: number;
  len: number;
  localPending: boolean;
  /** The local write failed: only the peer's written copy (its write-ack) can complete the request. */
  localFailed: boolean;
  peerPending: boolean;
  /** Protocol A: the write frame is not in the kernel's send buffer yet (so the writer waits when the link is congested). */
  sendPending: boolean;
  /** The data reached neither copy successfully. */
  error: BlockErrno | undefined;
  peerOk: boolean;
}

type DiskOp =
  | { k: "client-write"; reqId: number }
  | { k: "client-read"; reqId: number; off: number; len: number }
  | { k: "client-flush"; reqId: number }
  | { k: "peer-write"; seq: number }
  | { k: "peer-flush"; seq: number }
  | { k: "peer-read"; id: number }
  | { k: "rs-read"; block: number; count: number }
  | { k: "rs-write"; block: number; count: number }
  | { k: "verify-read"; block: number; count: number; peerDigests: string[] | undefined }
  /** csums-alg, SyncTarget: reads its copy of a run to compare with the SyncSource's digests. */
  | { k: "rs-compare-read"; block: number; peerDigests: string[] };

/** A resync (or verify) run of blocks on the SyncSource (VerifyS) side. */
interface RunInFlight {
  count: number;
  /** A write overlapped the run after it was read: its data is not sent. */
  stale: boolean;
  /** csums-alg: the data read, kept until the peer says which blocks it needs. */
  data: Uint8Array | undefined;
  /** rs-acks still to come, one per piece of data sent. */
  acksAwaited: number;
}

interface LinkState {
  nonce: string;
  peerAuthed: boolean;
  stateSent: boolean;
  lastRecvMs: number;
  lastSentMs: number;
}

const RESYNC_RUN_BLOCKS = 256;
const RESYNC_WINDOW = 16;
const PING_INTERVAL_MS = 1000;

/**
 * One replicated resource on one node: DRBD's state machine for two nodes.
 * Inputs are commands, link events, peer messages, client I/O and disk
 * completions; outputs are effects the driver carries out in order.
 */
export class Replica {
  role: Role = "Secondary";
  disk: DiskState = "Diskless";
  conn: ConnState = "StandAlone";
  repl: ReplState = "Off";
  peer: PeerView | undefined;
  sb: Superblock | undefined;
  bitmap: Bitmap | undefined;
  progress: Progress | undefined;
  /** Blocks found different by the last online verify. */
  verifyDiffering = 0;
  lastSplitBrain: string | undefined;
  /** The metadata said "degraded" when the disk was attached (startup then waits degr-wfc-timeout). */
  degradedAtAttach = false;
  /** The last resync this node took part in: direction and how many blocks it copied. */
  lastSync: { direction: "source" | "target"; full: boolean; blocks: number; identical?: number } | undefined;

  private out: Effect[] = [];
  private now = 0;
  private rng!: Rng;
  private link: LinkState | undefined;
  private discardMyData = false;
  private nextOp = 1;
  private nextSeq = 1;
  private readonly ops = new Map<number, DiskOp>();
  private readonly pending = new Map<number, Pending>();
  /** Writes and flushes sent to the peer and not yet acknowledged as written. */
  private readonly unacked = new Map<number, { reqId: number | undefined; off: number; len: number }>();
  private readonly remoteReads = new Map<number, number>();
  private readonly activityLog: ActivityLog;
  private promoteReq: { reqId: number; force: boolean; sinceMs: number } | undefined;
  private resyncCursor = 0;
  private readonly resyncInFlight = new Map<number, RunInFlight>();
  private resyncBudgetBytes = 0;
  private lastTickMs = 0;
  private resyncRate: ResyncController;
  /** Application I/O since the last tick: the resync yields to it down to c-min-rate. */
  private applicationIo = false;
  /** Why client I/O is frozen (resource-and-stonith fencing), or undefined. */
  suspendedFor: string | undefined;
  /** Client requests that arrived while I/O was frozen, and finished ones not reported yet. */
  private readonly heldInputs: Input[] = [];
  private readonly frozen = new Set<Pending>();
  /** A fence-peer handler in flight: after losing the peer as Primary, or before a promotion without it. */
  private fencing: { after: "link-lost" } | { after: "promote"; reqId: number } | undefined;
  /** The peer had been fenced: once its disk is UpToDate again, the unfence-peer handler lifts the fencing. */
  private unfenceWhenPeerUpToDate = false;
  /** With allow-two-primaries, the non-arbiter's writes the arbiter has not ordered yet (see write-conflicts.ts). */
  private readonly unplaced: UnplacedWrites | undefined;
  /**
   * A Primary resyncing as SyncTarget: its writes the peer has not acknowledged
   * as written. Resync data for their blocks may have been read before the peer
   * wrote them, so they are laid over it (application writes win over resync).
   */
  private readonly syncTargetWrites = new UnplacedWrites();
  /**
   * Writes of this SyncTarget Primary that the SyncSource failed to store
   * (its disk on-io-error pass_on): the blocks only this copy has. The
   * resync clears the bitmap as it goes, so they are marked again once it
   * ends, and sent to the peer by a resync in the other direction.
   */
  private peerFailedWhileTarget: Array<{ off: number; len: number }> = [];
  /**
   * The disk was attached while connected: this side sent its handshake state
   * again and waits for the peer's, then both decide the resync as on a new
   * connection.
   */
  private rehandshakePending = false;

  constructor(private current: ReplicaSettings, private readonly crypto: Crypto) {
    this.activityLog = new ActivityLog(current.alExtents);
    this.resyncRate = new ResyncController({ rateBytesPerSec: current.resyncRateBytesPerSec, ...current.rateController });
    if (current.allowTwoPrimaries && !isArbiter(current.node, current.peer)) this.unplaced = new UnplacedWrites();
  }

  get settings(): ReplicaSettings {
    return this.current;
  }

  /**
   * `adjust`: new resync rate, rate controller and on-io-error take effect at
   * once (a running resync goes on at the new rate). The caller checked that
   * nothing else differs.
   */
  adjust(settings: ReplicaSettings): void {
    const rateChanged = settings.resyncRateBytesPerSec !== this.current.resyncRateBytesPerSec
      || JSON.stringify(settings.rateController) !== JSON.stringify(this.current.rateController);
    this.current = settings;
    if (rateChanged) this.resyncRate = new ResyncController({ rateBytesPerSec: settings.resyncRateBytesPerSec, ...settings.rateController });
  }

  /** Writes of the arbiter that met unplaced writes of this node (two Primaries writing the same blocks). */
  get writeConflicts(): number {
    return this.unplaced?.conflicts ?? 0;
  }

  /** Resync data that arrived under writes of this Primary not yet acknowledged by the peer (they were laid over it). */
  get resyncConflicts(): number {
    return this.syncTargetWrites.conflicts;
  }

  /** Attaches the backing store whose metadata the driver has read. */
  attach(sb: Superblock, bits: Uint8Array, nowMs: number): Effect[] {
    this.now = nowMs;
    assert(this.sb === undefined, "attach while attached");
    this.sb = sb;
    this.degradedAtAttach = sb.degraded;
    this.bitmap = new Bitmap(Math.ceil(sb.sizeBytes / BLOCK_BYTES), bits);
    this.activityLog.clear();
    if (sb.crashedPrimary) {
      // A crash while Primary: writes to the active extents may not have reached the peer.
      for (const extent of sb.activityLog) this.markExtent(extent);
      this.log(`attached after a crash as Primary: ${sb.activityLog.length} active extents marked out of sync`);
    }
    sb.activityLog = [];
    // A Primary that attaches its disk (it was diskless) must replay the activity log after a crash too.
    if (this.role === "Primary") sb.crashedPrimary = true;
    this.disk = sb.disk;
    this.persist();
    // The peer may have written without us: both sides compare generations again, over the live
    // connection when there is one (client I/O goes on meanwhile), else on the next handshake.
    if (this.conn === "Connected" && this.peer !== undefined) this.compareGenerationsAgain();
    else if (this.link !== undefined) this.onLinkLost("disk attached; reconnecting to compare generations");
    return this.flush();
  }

  private compareGenerationsAgain(): void {
    this.log(`disk attached; comparing generations with ${this.settings.peer} again`);
    this.rehandshakePending = true;
    this.sendState(true);
  }

  step(input: Input, nowMs: number, rng: Rng): Effect[] {
    this.now = nowMs;
    this.rng = rng;
    const clientIo = input.kind === "client-write" || input.kind === "client-read" || input.kind === "client-flush";
    if (clientIo || (input.kind === "recv" && input.msg.t === "write")) this.applicationIo = true;
    if (clientIo && this.suspendedFor !== undefined) this.heldInputs.push(input);
    else this.dispatch(input);
    return this.flush();
  }

  private dispatch(input: Input): void {
    switch (input.kind) {
      case "command": this.onCommand(input.reqId, input.command); break;
      case "link-up": this.onLinkUp(input.nonce); break;
      case "link-down": this.onLinkLost(input.why); break;
      case "recv": this.onMessage(input.msg); break;
      case "client-write": this.onClientWrite(input.reqId, input.off, input.data, input.fua); break;
      case "client-read": this.onClientRead(input.reqId, input.off, input.len); break;
      case "client-flush": this.onClientFlush(input.reqId); break;
      case "disk-done": this.onDiskDone(input.op, input.ok, input.data); break;
      case "frame-sent": this.onFrameSent(input.seq); break;
      case "tick": this.onTick(); break;
      case "handler-done": if (input.name === "fence-peer") this.onFenceDone(input.exitCode); break;
      default: assertNever(input, "replica input");
    }
  }

  get sizeBytes(): number {
    return this.sb?.sizeBytes ?? this.peer?.sizeBytes ?? 0;
  }

  /** Whether the device can take writes right now (the NBD export asks). */
  writable(): boolean {
    return this.role === "Primary" && (this.localUsable() || this.peerUsable());
  }

  private flush(): Effect[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private emit(effect: Effect): void {
    this.out.push(effect);
  }

  private log(message: string): void {
    this.emit({ kind: "log", message: `${this.settings.resource}: ${message}` });
  }

  private send(msg: PeerMsg, reportSent = false): void {
    if (this.link !== undefined) this.link.lastSentMs = this.now;
    this.emit(reportSent ? { kind: "send", msg, reportSent } : { kind: "send", msg });
  }

  private persist(gatesSends = false): void {
    const sb = this.sb;
    const bitmap = this.bitmap;
    if (sb === undefined || bitmap === undefined) return;
    sb.seq++;
    sb.disk = this.disk === "UpToDate" || this.disk === "Outdated" ? this.disk : "Inconsistent";
    sb.activityLog = this.activityLog.snapshot();
    const pages = [...bitmap.dirtyPages].sort((a, b) => a - b).map((index) => ({
      index,
      bytes: bitmap.bits.slice(index * BITMAP_PAGE_BYTES, (index + 1) * BITMAP_PAGE_BYTES),
    }));
    bitmap.dirtyPages.clear();
    this.emit({ kind: "persist-md", sb: structuredClone(sb), pages, gatesSends });
  }

  private markExtent(extent: number): void {
    const bitmap = this.bitmap!;
    const blocksPerExtent = AL_EXTENT_BYTES / BLOCK_BYTES;
    for (let b = extent * blocksPerExtent; b < Math.min(bitmap.blocks, (extent + 1) * blocksPerExtent); b++) bitmap.set(b);
  }

  private localUsable(): boolean {
    return this.sb !== undefined && this.disk === "UpToDate";
  }

  private peerUsable(): boolean {
    return this.conn === "Connected" && this.peer?.disk === "UpToDate";
  }

  /** The local disk is not UpToDate while the connected peer's is: it is being (or about to be) resynced from the peer. */
  private resyncingFromPeer(): boolean {
    return this.sb !== undefined && this.disk !== "UpToDate" && this.peerUsable();
  }

  private peerReplicates(): boolean {
    return this.conn === "Connected" && this.peer !== undefined && this.peer.disk !== "Diskless" && this.peer.disk !== "Failed";
  }

  // ---- commands ----------------------------------------------------------

  private onCommand(reqId: number, command: Command): void {
    const fail = (why: string) => this.emit({ kind: "reply", reqId, error: why });
    const done = () => this.emit({ kind: "reply", reqId, error: undefined });
    switch (command.verb) {
      case "connect":
        this.discardMyData = command.discardMyData;
        if (this.conn !== "StandAlone") return done();
        this.conn = "Connecting";
        this.emit({ kind: "link", want: true });
        return done();
      case "disconnect":
        this.onLinkLost("disconnect requested");
        this.conn = "StandAlone";
        this.emit({ kind: "link", want: false });
        return done();
      case "primary": return this.onPrimary(reqId, command.force);
      case "secondary": return this.onSecondary(reqId);
      case "detach":
        if (this.role === "Primary" && !this.peerUsable()) return fail("cannot detach: Primary without an UpToDate peer would lose its data");
        this.detachDisk("detach requested");
        return done();
      case "invalidate": return this.onInvalidate(reqId);
      case "verify": return this.onVerify(reqId);
      case "outdate": return this.onOutdate(reqId);
      case "resume-io":
        if (this.suspendedFor === undefined) return fail("I/O is not suspended");
        this.resumeIo("resume-io requested");
        return done();
      default: assertNever(command, "command");
    }
  }

  private onPrimary(reqId: number, force: boolean): void {
    const fail = (why: string) => this.emit({ kind: "reply", reqId, error: why });
    if (this.role === "Primary") return this.emit({ kind: "reply", reqId, error: undefined });
    if (this.conn === "Connected" && this.peer?.role === "Primary" && !this.settings.allowTwoPrimaries) {
      return fail(`peer ${this.settings.peer} is Primary and allow-two-primaries is off`);
    }
    if (force && this.disk !== "UpToDate" && this.peerUsable()) {
      return fail(`refusing --force: peer ${this.settings.peer} has UpToDate data (promote there, or wait for the resync)`);
    }
    const usable = this.disk === "UpToDate" || (this.sb === undefined && this.peerUsable());
    if (!usable && !(force && this.sb !== undefined)) {
      return fail(`refusing to become Primary: local disk is ${this.disk}${this.sb === undefined ? "" : " (use --force to make it the sync source)"}`);
    }
    if (!force && this.mustFenceBeforePromotion()) return this.startFencing({ after: "promote", reqId });
    if (this.conn === "Connected") {
      this.promoteReq = { reqId, force, sinceMs: this.now };
      this.send({ t: "promote-req" });
      return;
    }
    this.becomePrimary(force);
    this.emit({ kind: "reply", reqId, error: undefined });
  }

  private becomePrimary(force: boolean): void {
    if (force && this.disk !== "UpToDate") this.forceUpToDate();
    else if (this.sb !== undefined && this.conn !== "Connected") this.newCurrentUuid();
    this.role = "Primary";
    if (this.sb !== undefined) {
      this.sb.crashedPrimary = true;
      this.sb.primarySinceMs = this.now;
      this.persist();
    }
    this.log("role Primary");
    if (this.conn === "Connected") this.sendState(false);
    if (force && this.conn === "Connected" && this.peer?.disk !== "UpToDate") this.startSyncAsSource(true);
  }

  /** `primary --force` on Inconsistent data: this side's data becomes the truth. */
  private forceUpToDate(): void {
    const sb = this.sb!;
    const u = sb.uuids;
    sb.uuids = { current: newUuid(this.rng), bitmap: NO_UUID, history: [u.current === JUST_CREATED ? NO_UUID : u.current, u.history[0]] };
    this.disk = "UpToDate";
    this.bitmap!.clearAll();
    this.log(`forced UpToDate, new generation ${sb.uuids.current}`);
  }

  /** Data changes the peer will not see: start a new generation, remember the old one in the bitmap UUID. */
  private newCurrentUuid(): void {
    const sb = this.sb!;
    if (this.disk !== "UpToDate" || sb.uuids.bitmap !== NO_UUID) return;
    sb.uuids = { ...sb.uuids, bitmap: sb.uuids.current, current: newUuid(this.rng) };
  }

  private onSecondary(reqId: number): void {
    if (this.role === "Secondary") return this.emit({ kind: "reply", reqId, error: undefined });
    if (this.pending.size > 0) return this.emit({ kind: "reply", reqId, error: `${this.pending.size} requests in flight; try again` });
    this.role = "Secondary";
    if (this.sb !== undefined) {
      this.sb.crashedPrimary = false;
      this.activityLog.clear();
      this.persist();
    }
    this.log("role Secondary");
    if (this.conn === "Connected") this.sendState(false);
    this.emit({ kind: "reply", reqId, error: undefined });
  }

  private onInvalidate(reqId: number): void {
    if (this.sb === undefined) return this.emit({ kind: "reply", reqId, error: "no local disk to invalidate" });
    // A Primary's data would be gone with nothing to serve from: only with an UpToDate peer to resync from.
    if (this.role === "Primary" && !this.peerUsable()) return this.emit({ kind: "reply", reqId, error: "cannot invalidate a Primary without a connected UpToDate peer" });
    if (this.repl !== "Off" && this.repl !== "Established") return this.emit({ kind: "reply", reqId, error: `busy (${this.repl})` });
    this.disk = "Inconsistent";
    this.bitmap!.setAll();
    this.sb.uuids = { ...this.sb.uuids, current: JUST_CREATED, bitmap: NO_UUID };
    this.persist();
    if (this.conn === "Connected") this.send({ t: "sync-request" });
    this.emit({ kind: "reply", reqId, error: undefined });
  }

  private onVerify(reqId: number): void {
    if (this.conn !== "Connected" || this.repl !== "Established") return this.emit({ kind: "reply", reqId, error: `verify needs an established connection (now ${this.conn}/${this.repl})` });
    if (this.disk !== "UpToDate" || this.peer?.disk !== "UpToDate") return this.emit({ kind: "reply", reqId, error: "verify needs UpToDate disks on both sides" });
    this.verifyDiffering = 0;
    this.repl = "VerifyS";
    this.resyncRate.restart();
    this.progress = new Progress(this.bitmap!.blocks, this.now);
    this.resyncCursor = 0;
    this.send({ t: "verify", block: -1, digests: [] });
    this.pumpVerify();
    this.emit({ kind: "reply", reqId, error: undefined });
  }

  private detachDisk(why: string): void {
    if (this.sb === undefined) return;
    this.log(`detaching: ${why}`);
    // The peer carries on without this disk: on disk it is Outdated, so it is never promoted stale.
    if (this.disk === "UpToDate" && this.peerUsable()) this.disk = "Outdated";
    if (this.disk !== "Failed") this.persist();
    this.sb = undefined;
    this.bitmap = undefined;
    this.disk = "Diskless";
    if (this.repl !== "Established" && this.repl !== "Off") this.repl = "Established";
    if (this.conn === "Connected") this.sendState(false);
  }

  // ---- fencing (see fencing.ts) ---------------------------------------------

  /** A disconnected node about to be promoted must first fence a peer that may hold promotable data. */
  private mustFenceBeforePromotion(): boolean {
    return this.settings.fencing !== "dont-care" && this.conn !== "Connected" && this.sb !== undefined && !this.sb.peerOutdated;
  }

  private startFencing(request: NonNullable<Replica["fencing"]>): void {
    if (this.fencing !== undefined) {
      if (request.after === "promote") this.emit({ kind: "reply", reqId: request.reqId, error: "fencing of the peer is already in progress; retry" });
      return;
    }
    this.fencing = request;
    if (this.settings.fencing === "resource-and-stonith" && request.after === "link-lost") {
      this.suspendedFor = "fencing";
      this.log("I/O suspended while the fence-peer handler runs (resource-and-stonith)");
    }
    this.log(`calling fence-peer (${this.settings.fencing}) for ${this.settings.peer}`);
    this.emit({ kind: "handler", name: "fence-peer" });
  }

  private onFenceDone(exitCode: number | null): void {
    const request = this.fencing;
    if (request === undefined) return;
    this.fencing = undefined;
    const outcome = fenceOutcome(exitCode);
    const fenced = peerIsFenced(outcome, this.disk === "UpToDate");
    this.log(`fence-peer: ${describeOutcome(outcome)}`);
    if (fenced && this.sb !== undefined) {
      this.sb.peerOutdated = true;
      this.persist();
    }
    // The peer is Primary and will not step back: this side's data is the stale one.
    if (outcome.kind === "peer-primary" && this.role === "Secondary" && this.disk === "UpToDate") {
      this.disk = "Outdated";
      this.persist();
    }
    if (request.after === "promote") {
      if (!fenced) return this.emit({ kind: "reply", reqId: request.reqId, error: `cannot become Primary without fencing ${this.settings.peer}: ${describeOutcome(outcome)}` });
      this.becomePrimary(false);
      return this.emit({ kind: "reply", reqId: request.reqId, error: undefined });
    }
    if (this.suspendedFor === undefined) return;
    if (fenced) this.resumeIo(describeOutcome(outcome));
    else this.log("I/O stays suspended: make sure the peer cannot be promoted, then run resume-io");
  }

  private resumeIo(why: string): void {
    this.suspendedFor = undefined;
    this.log(`I/O resumed: ${why}`);
    for (const p of [...this.frozen]) {
      this.frozen.delete(p);
      this.tryComplete(p);
    }
    for (const input of this.heldInputs.splice(0)) this.dispatch(input);
  }

  private onOutdate(reqId: number): void {
    const fail = (why: string) => this.emit({ kind: "reply", reqId, error: why });
    if (this.sb === undefined) return fail("no local disk to outdate");
    if (this.role === "Primary") return fail("cannot outdate a Primary");
    if (this.conn === "Connected") return fail(`refusing to outdate while connected to ${this.settings.peer}`);
    if (this.disk === "UpToDate") {
      this.disk = "Outdated";
      this.persist();
      this.log("disk Outdated on request");
    }
    this.emit({ kind: "reply", reqId, error: undefined });
  }

  // ---- link and handshake --------------------------------------------------

  private onLinkUp(nonce: string): void {
    this.link = { nonce, peerAuthed: false, stateSent: false, lastRecvMs: this.now, lastSentMs: this.now };
    const { protocol, policies, allowTwoPrimaries, csumsAlg, integrityAlg } = this.settings;
    this.send({
      t: "hello", node: this.settings.node, nonce,
      options: { protocol, ...policies, allowTwoPrimaries, csumsAlg: csumsAlg ?? "none", dataIntegrityAlg: integrityAlg ?? "none" },
    });
  }

  private onLinkLost(why: string): void {
    if (this.link === undefined) return;
    this.link = undefined;
    const wasConnected = this.conn === "Connected";
    const fence = wasConnected && this.role === "Primary" && this.settings.fencing !== "dont-care" && this.peer?.disk === "UpToDate";
    if (this.conn !== "StandAlone") this.conn = "Connecting";
    this.repl = "Off";
    this.peer = undefined;
    this.progress = undefined;
    this.resyncInFlight.clear();
    this.unplaced?.clear();
    this.syncTargetWrites.clear();
    this.peerFailedWhileTarget = []; // their bits are set: the next handshake decides the direction
    this.rehandshakePending = false;
    this.emit({ kind: "drop-link" });
    if (!wasConnected) return;
    this.log(`connection lost: ${why}`);
    for (const [seq, w] of this.unacked) {
      if (this.bitmap !== undefined) this.bitmap.setRange(w.off, w.len);
      this.unacked.delete(seq);
    }
    for (const [id, reqId] of this.remoteReads) {
      this.remoteReads.delete(id);
      this.emit({ kind: "complete", reqId, error: "EIO", message: "peer lost during a read" });
    }
    if (this.promoteReq !== undefined) {
      this.emit({ kind: "reply", reqId: this.promoteReq.reqId, error: "connection lost during promotion; retry" });
      this.promoteReq = undefined;
    }
    if (this.sb !== undefined) {
      this.sb.degraded = true;
      if (this.role === "Primary") this.newCurrentUuid();
      this.persist();
    }
    // Before any write that missed the peer completes: with resource-and-stonith it waits for the fencing.
    if (fence) this.startFencing({ after: "link-lost" });
    for (const p of [...this.pending.values()]) {
      if (!p.peerPending && !p.sendPending) continue;
      p.peerPending = false;
      p.sendPending = false; // protocol A: that frame is never sent now
      if (this.bitmap !== undefined && p.len > 0) this.bitmap.setRange(p.off, p.len);
      if (!p.peerOk && this.sb === undefined) p.error = "EIO";
      this.tryComplete(p);
    }
  }

  private onMessage(msg: PeerMsg): void {
    const link = this.link;
    if (link === undefined) return;
    link.lastRecvMs = this.now;
    if (msg.t === "hello") return this.onHello(msg.node, msg.nonce, msg.options);
    if (msg.t === "auth") return this.onAuth(msg.mac);
    if (!link.peerAuthed) return this.refuse("peer sent data before authenticating");
    switch (msg.t) {
      case "state": return this.onPeerState(msg);
      case "ping": return this.send({ t: "pong" });
      case "pong": return;
      case "promote-req": return this.onPromoteRequest();
      case "promote-reply": return this.onPromoteReply(msg.granted);
      case "write": return this.onPeerWrite(msg);
      case "recv-ack": return this.onRecvAck(msg.seq);
      case "placed": return this.unplaced?.placed(msg.seq);
      case "write-ack": return this.onWriteAck(msg.seq, msg.ok);
      case "flush": return this.issue({ k: "peer-flush", seq: msg.seq }, (op) => ({ kind: "disk-flush", op }));
      case "flush-ack": return this.onWriteAck(msg.seq, msg.ok);
      case "read": return this.onPeerRead(msg.id, msg.off, msg.len);
      case "read-reply": return this.onReadReply(msg.id, msg.ok, msg.data);
      case "sync-start": return this.startSyncAsTarget(msg.full, msg.bitmap);
      case "sync-request": return this.startSyncAsSource(true);
      case "rs-data": return this.failsIntegrity("resync data", msg.block * BLOCK_BYTES, msg.data, msg.digest) ? undefined : this.onResyncData(msg.block, msg.data);
      case "rs-ack": return this.onResyncAck(msg.block, msg.count, msg.ok);
      case "rs-digests": return this.onResyncDigests(msg.block, msg.digests);
      case "rs-compared": return this.onResyncCompared(msg.block, msg.differing);
      case "sync-done": return this.finishSyncAsTarget(msg.uuids);
      case "verify": return this.onVerifyRequest(msg.block, msg.digests);
      case "verify-reply": return this.onVerifyReply(msg.block, msg.differing);
      case "verify-done": return this.finishVerify(msg.differing);
      default: assertNever(msg, "peer message");
    }
  }

  private refuse(why: string): void {
    this.log(`dropping connection: ${why}`);
    this.onLinkLost(why);
    this.conn = "StandAlone";
    this.emit({ kind: "link", want: false });
  }

  private onHello(node: string, nonce: string, theirs: NetAgreement): void {
    if (node !== this.settings.peer) return this.refuse(`peer says it is ${node}, expected ${this.settings.peer}`);
    const mismatch = this.disagreement(theirs);
    if (mismatch !== undefined) return this.refuse(`incompatible ${mismatch}`);
    if (this.settings.authenticate) {
      this.send({ t: "auth", mac: this.crypto.hmac(nonce) });
      return;
    }
    this.link!.peerAuthed = true;
    this.sendState(true);
  }

  /** The first net setting the peer has differently (discard-local pairs with the peer's discard-remote). */
  private disagreement(theirs: NetAgreement): string | undefined {
    const s = this.settings;
    const mirrored = s.policies.afterSb0pri === "discard-local" ? "discard-remote" : s.policies.afterSb0pri === "discard-remote" ? "discard-local" : s.policies.afterSb0pri;
    const pairs: Array<[string, unknown, unknown]> = [
      ["protocol", s.protocol, theirs.protocol],
      ["after-sb-0pri", mirrored, theirs.afterSb0pri],
      ["after-sb-1pri", s.policies.afterSb1pri, theirs.afterSb1pri],
      ["after-sb-2pri", s.policies.afterSb2pri, theirs.afterSb2pri],
      ["allow-two-primaries", s.allowTwoPrimaries, theirs.allowTwoPrimaries],
      ["csums-alg", s.csumsAlg ?? "none", theirs.csumsAlg],
      ["data-integrity-alg", s.integrityAlg ?? "none", theirs.dataIntegrityAlg],
    ];
    const differing = pairs.find(([, mine, peer]) => mine !== peer);
    return differing === undefined ? undefined : `${differing[0]} (${s.node}: ${String(differing[1])}, ${s.peer}: ${String(differing[2])})`;
  }

  private onAuth(mac: string): void {
    if (!this.settings.authenticate) return;
    if (mac !== this.crypto.hmac(this.link!.nonce)) return this.refuse("peer authentication failed (wrong shared-secret?)");
    this.link!.peerAuthed = true;
    this.sendState(true);
  }

  private view(): HandshakeView {
    const sb = this.sb;
    return {
      node: this.settings.node,
      primary: this.role === "Primary",
      uuids: sb?.uuids ?? { current: JUST_CREATED, bitmap: NO_UUID, history: [NO_UUID, NO_UUID] },
      upToDate: this.disk === "UpToDate",
      changes: this.bitmap?.count ?? 0,
      crashedPrimary: sb?.crashedPrimary ?? false,
      primarySinceMs: sb?.primarySinceMs ?? 0,
      discardMyData: this.discardMyData,
    };
  }

  private sendState(handshake: boolean): void {
    const v = this.view();
    this.send({
      t: "state", handshake, role: this.role, disk: this.disk, sizeBytes: this.sizeBytes, uuids: v.uuids, changes: v.changes,
      crashedPrimary: v.crashedPrimary, primarySinceMs: v.primarySinceMs, discardMyData: v.discardMyData,
      ...(handshake && this.bitmap !== undefined ? { bitmap: this.bitmap.bits } : {}),
    });
  }

  private onPeerState(msg: Extract<PeerMsg, { t: "state" }>): void {
    const wasPeer = this.peer;
    this.peer = { role: msg.role, disk: msg.disk, sizeBytes: msg.sizeBytes };
    if (!msg.handshake) {
      if (wasPeer?.disk !== msg.disk && msg.disk === "Diskless") this.onPeerDetached();
      return;
    }
    // Handshake states again on a live connection: the peer attached its disk (it gets ours before
    // any resync data), or this is the answer to ours.
    if (this.conn === "Connected") {
      if (this.rehandshakePending) this.rehandshakePending = false;
      else this.sendState(true);
    }
    if (this.sb !== undefined && msg.disk !== "Diskless" && msg.sizeBytes < this.sb.sizeBytes) {
      return this.refuse(`peer device is smaller (${msg.sizeBytes} < ${this.sb.sizeBytes} bytes)`);
    }
    if (this.role === "Primary" && msg.role === "Primary" && !this.settings.allowTwoPrimaries && msg.uuids.current === this.sb?.uuids.current) {
      return this.refuse("both sides are Primary and allow-two-primaries is off");
    }
    this.conn = "Connected";
    this.repl = "Established";
    if (this.sb !== undefined && (this.sb.degraded || this.sb.peerOutdated)) {
      this.unfenceWhenPeerUpToDate ||= this.sb.peerOutdated;
      this.sb.degraded = false;
      this.sb.peerOutdated = false;
      this.persist();
    }
    // The peer is back: the fencing that its loss started is moot, and frozen I/O replicates again.
    if (this.fencing?.after === "link-lost") this.fencing = undefined;
    if (this.suspendedFor !== undefined) this.resumeIo(`reconnected to ${this.settings.peer}`);
    if (this.sb === undefined || msg.disk === "Diskless") return this.log(`connected to ${this.settings.peer} (one side diskless)`);
    const peerView: HandshakeView = {
      node: this.settings.peer, primary: msg.role === "Primary", uuids: msg.uuids, upToDate: msg.disk === "UpToDate",
      changes: msg.changes, crashedPrimary: msg.crashedPrimary, primarySinceMs: msg.primarySinceMs, discardMyData: msg.discardMyData,
    };
    const decision = decideSync(this.view(), peerView, this.settings.policies);
    this.discardMyData = false;
    this.applyDecision(decision, msg.bitmap);
  }

  private applyDecision(decision: SyncDecision, peerBits: Uint8Array | undefined): void {
    switch (decision.kind) {
      case "in-sync":
        this.log(`connected to ${this.settings.peer}, in sync`);
        if (this.role === "Secondary" && this.sb!.crashedPrimary) { this.sb!.crashedPrimary = false; this.persist(); }
        return this.unfencePeer();
      case "no-data": return this.log(`connected to ${this.settings.peer}; no UpToDate data on either side (use primary --force)`);
      case "sync":
        if (decision.splitBrain !== undefined) {
          this.lastSplitBrain = `split brain resolved by ${decision.splitBrain}: this node is Sync${decision.direction === "source" ? "Source" : "Target"}`;
          this.log(this.lastSplitBrain);
          this.emit({ kind: "handler", name: "initial-split-brain" });
        }
        if (peerBits !== undefined && !decision.full) this.bitmap!.merge(peerBits);
        if (decision.direction === "source") return this.beginSource(decision.full);
        return this.beginTarget(decision.full);
      case "split-brain":
        this.lastSplitBrain = `split brain detected: ${decision.why}; dropping connection`;
        this.log(this.lastSplitBrain);
        this.emit({ kind: "handler", name: "initial-split-brain" });
        this.emit({ kind: "handler", name: "split-brain" });
        if (decision.priLost === "target") this.emit({ kind: "handler", name: "pri-lost-after-sb" });
        return this.refuse("split brain");
      case "unrelated": return this.refuse(decision.why);
      default: assertNever(decision, "sync decision");
    }
  }

  private onPeerDetached(): void {
    for (const [seq, w] of this.unacked) {
      this.bitmap?.setRange(w.off, w.len);
      this.unacked.delete(seq);
      const p = w.reqId === undefined ? undefined : this.pending.get(w.reqId);
      if (p === undefined) continue;
      p.peerPending = false;
      p.sendPending = false;
      if (this.sb === undefined && !p.peerOk) p.error = "EIO"; // it was the only copy
      this.tryComplete(p);
    }
  }

  private onPromoteRequest(): void {
    const busy = this.role === "Primary" || (this.promoteReq !== undefined && this.settings.node < this.settings.peer);
    this.send({ t: "promote-reply", granted: this.settings.allowTwoPrimaries || !busy });
  }

  private onPromoteReply(granted: boolean): void {
    const req = this.promoteReq;
    if (req === undefined) return;
    this.promoteReq = undefined;
    if (!granted) return this.emit({ kind: "reply", reqId: req.reqId, error: `peer ${this.settings.peer} is (becoming) Primary` });
    this.becomePrimary(req.force);
    this.emit({ kind: "reply", reqId: req.reqId, error: undefined });
  }

  // ---- client I/O ----------------------------------------------------------

  private issue(op: DiskOp, effect: (op: number) => Effect): void {
    const id = this.nextOp++;
    this.ops.set(id, op);
    this.emit(effect(id));
  }

  private onClientWrite(reqId: number, off: number, data: Uint8Array, fua: boolean): void {
    if (this.role !== "Primary") return this.emit({ kind: "complete", reqId, error: "EPERM", message: "device is Secondary" });
    // Resyncing from the peer, writes go to both copies (the resync lays them over older data).
    const resyncing = this.repl === "SyncTarget" || this.resyncingFromPeer();
    const local = this.localUsable() || (this.sb !== undefined && resyncing);
    const remote = this.peerReplicates();
    if (!local && !remote) return this.emit({ kind: "complete", reqId, error: "EIO", message: "no usable copy" });
    if (off + data.length > this.sizeBytes) return this.emit({ kind: "complete", reqId, error: "ENOSPC" });
    const p: Pending = { reqId, off, len: data.length, localPending: local, localFailed: false, peerPending: false, sendPending: false, error: undefined, peerOk: false };
    this.pending.set(reqId, p);
    if (!remote && this.bitmap !== undefined) {
      // The first write the peer will not see starts a new data generation, on disk before the data.
      if (this.sb!.uuids.bitmap === NO_UUID && this.disk === "UpToDate") {
        this.newCurrentUuid();
        this.persist();
      }
      this.bitmap.setRange(off, data.length);
    }
    // A write leaving the hot extents changes the activity log, on disk before the write reaches either
    // copy: after a crash as Primary only the extents it names are resynced.
    if (local && this.activityLog.touch(off, data.length)) this.persist(true);
    // The peer's half (network, its write, its ack) is the longer one: it goes out first, and the
    // driver may then write locally without yielding while the peer works.
    if (remote) {
      const seq = this.nextSeq++;
      this.unacked.set(seq, { reqId, off, len: data.length });
      // Protocol A acknowledges once the data is handed to the network (in the kernel's send
      // buffer, as DRBD's: a congested link holds the writer back), unless it is the only copy.
      const handedOver = this.settings.protocol === "A" && local;
      this.send({ t: "write", seq, off, fua, data, ...this.integrityDigest(data) }, handedOver);
      this.unplaced?.track(seq, off, data);
      if (resyncing) this.syncTargetWrites.track(seq, off, data);
      p.peerPending = !handedOver;
      p.sendPending = handedOver;
    }
    if (local) {
      this.invalidateResyncReads(off, data.length);
      this.issue({ k: "client-write", reqId }, (op) => ({ kind: "disk-write", op, off, data, fua }));
    }
  }

  private onClientFlush(reqId: number): void {
    const local = this.sb !== undefined;
    const remote = this.peerReplicates();
    const p: Pending = { reqId, off: 0, len: 0, localPending: local, localFailed: false, peerPending: remote, sendPending: false, error: undefined, peerOk: false };
    this.pending.set(reqId, p);
    if (local) this.issue({ k: "client-flush", reqId }, (op) => ({ kind: "disk-flush", op }));
    if (remote) {
      const seq = this.nextSeq++;
      this.unacked.set(seq, { reqId, off: 0, len: 0 });
      this.send({ t: "flush", seq });
    }
    this.tryComplete(p);
  }

  private onClientRead(reqId: number, off: number, len: number): void {
    if (off + len > this.sizeBytes) return this.emit({ kind: "complete", reqId, error: "EINVAL" });
    if (this.readsLocally(off, len)) return this.issue({ k: "client-read", reqId, off, len }, (op) => ({ kind: "disk-read", op, off, len }));
    if (this.peerUsable()) {
      const id = this.nextSeq++;
      this.remoteReads.set(id, reqId);
      return this.send({ t: "read", id, off, len });
    }
    this.emit({ kind: "complete", reqId, error: "EIO", message: "no UpToDate copy to read from" });
  }

  /** A SyncTarget reads locally only blocks already resynced. */
  private readsLocally(off: number, len: number): boolean {
    if (this.sb === undefined) return false;
    if (this.disk === "UpToDate") return true;
    if (this.repl !== "SyncTarget") return false;
    for (const b of blocksOf(off, len)) if (this.bitmap!.test(b)) return false;
    return true;
  }

  private tryComplete(p: Pending): void {
    if (p.localPending || p.peerPending || p.sendPending) return;
    if (this.suspendedFor !== undefined) {
      this.frozen.add(p);
      return;
    }
    if (!this.pending.delete(p.reqId)) return;
    this.markWrittenInSync(p);
    this.emit({ kind: "complete", reqId: p.reqId, error: p.error });
  }

  /**
   * During a resync, a write both copies stored covers whole blocks the resync
   * would otherwise still copy: they are in sync now (else a block written
   * over and over would never be resynced, each copy of it going stale).
   */
  private markWrittenInSync(p: Pending): void {
    const bitmap = this.bitmap;
    if (this.repl !== "SyncSource" || bitmap === undefined || p.len === 0 || p.error !== undefined || !p.peerOk || p.localFailed) return;
    let cleared = 0;
    for (let b = Math.ceil(p.off / BLOCK_BYTES); b < Math.floor((p.off + p.len) / BLOCK_BYTES); b++) {
      if (!bitmap.test(b)) continue;
      bitmap.clear(b);
      cleared++;
    }
    this.progress?.advance(cleared, this.now);
  }

  // ---- peer side of replication ------------------------------------------

  /** data-integrity-alg: the digest that travels with written or resync data. */
  private integrityDigest(data: Uint8Array): { digest?: string } {
    const alg = this.settings.integrityAlg;
    return alg === undefined ? {} : { digest: this.crypto.digest(alg, data) };
  }

  /**
   * data-integrity-alg: data damaged on the way is never written (nor
   * acknowledged); the connection drops. The Primary marks a write it lost
   * the peer's ack for out of sync, resync data stays out of sync on both
   * sides, so the resync after reconnecting copies the blocks.
   */
  private failsIntegrity(what: string, off: number, data: Uint8Array, digest: string | undefined): boolean {
    const alg = this.settings.integrityAlg;
    if (alg === undefined || digest === this.crypto.digest(alg, data)) return false;
    this.log(`Digest integrity check FAILED (${what} of ${data.length} bytes at ${off}); dropping the connection`);
    this.onLinkLost("digest integrity check failed");
    return true;
  }

  private onPeerWrite(msg: Extract<PeerMsg, { t: "write" }>): void {
    const { seq, off, data, fua } = msg;
    if (this.failsIntegrity("write", off, data, msg.digest)) return;
    if (this.settings.protocol === "B") this.send({ t: "recv-ack", seq });
    // The arbiter's order: this write lands after every write of ours sent so far, before any later one.
    if (this.settings.allowTwoPrimaries && this.unplaced === undefined) this.send({ t: "placed", seq });
    if (this.sb === undefined) return this.send({ t: "write-ack", seq, ok: false });
    if (this.peer?.disk === "Diskless") this.trackChangesForPeer(off, data.length);
    // A resync read of these blocks still running may hold the bytes from before this write: not sent.
    this.invalidateResyncReads(off, data.length);
    const bytes = this.unplaced?.overlay(off, data) ?? data;
    this.issue({ k: "peer-write", seq }, (op) => ({ kind: "disk-write", op, off, data: bytes, fua, releasesData: true }));
  }

  /**
   * A diskless Primary writes through us: this disk holds the only copy, so it
   * starts a new generation (on disk before the data) and remembers the blocks
   * the peer's detached disk lacks.
   */
  private trackChangesForPeer(off: number, len: number): void {
    const newGeneration = this.sb!.uuids.bitmap === NO_UUID && this.disk === "UpToDate";
    if (newGeneration) this.newCurrentUuid();
    const before = this.bitmap!.count;
    this.bitmap!.setRange(off, len);
    // No activity log covers a Secondary's writes: new bits reach the disk before the data.
    if (newGeneration || this.bitmap!.count !== before) this.persist();
  }

  /** Protocol A: the write frame is in the kernel's send buffer. */
  private onFrameSent(seq: number): void {
    const w = this.unacked.get(seq);
    const p = w?.reqId === undefined ? undefined : this.pending.get(w.reqId);
    if (p === undefined) return;
    p.sendPending = false;
    this.tryComplete(p);
  }

  private onRecvAck(seq: number): void {
    const w = this.unacked.get(seq);
    const p = w?.reqId === undefined ? undefined : this.pending.get(w.reqId);
    if (p === undefined || p.localFailed) return;
    // Protocol B: received by the peer is enough once (or when) the local copy is written.
    p.peerPending = false;
    p.peerOk = true;
    this.tryComplete(p);
  }

  private onWriteAck(seq: number, ok: boolean): void {
    this.unplaced?.placed(seq);
    const failedOnSource = !ok && this.repl === "SyncTarget";
    // A write the SyncSource could not store stays laid over resync data: only this copy has it.
    if (!failedOnSource) this.syncTargetWrites.placed(seq);
    const w = this.unacked.get(seq);
    if (w === undefined) return;
    this.unacked.delete(seq);
    if (!ok && this.bitmap !== undefined && w.len > 0) this.bitmap.setRange(w.off, w.len);
    if (failedOnSource && w.len > 0) this.peerFailedWhileTarget.push({ off: w.off, len: w.len });
    const p = w.reqId === undefined ? undefined : this.pending.get(w.reqId);
    if (p === undefined) return;
    p.peerPending = false;
    p.sendPending = false;
    p.peerOk = ok;
    // Without the peer's copy the write is durable only where the local disk is a whole copy:
    // an Inconsistent disk (SyncTarget) that fails with its Primary would leave the peer's old data.
    if (!ok && (this.sb === undefined || this.disk !== "UpToDate")) p.error = "EIO";
    this.tryComplete(p);
  }

  private onPeerRead(id: number, off: number, len: number): void {
    if (this.disk !== "UpToDate") return this.send({ t: "read-reply", id, ok: false });
    this.issue({ k: "peer-read", id }, (op) => ({ kind: "disk-read", op, off, len }));
  }

  private onReadReply(id: number, ok: boolean, data: Uint8Array | undefined): void {
    const reqId = this.remoteReads.get(id);
    if (reqId === undefined) return;
    this.remoteReads.delete(id);
    this.emit(ok && data !== undefined ? { kind: "complete", reqId, error: undefined, data } : { kind: "complete", reqId, error: "EIO" });
  }

  // ---- disk completions -----------------------------------------------------

  private onDiskDone(opId: number, ok: boolean, data: Uint8Array | undefined): void {
    const op = this.ops.get(opId);
    assert(op !== undefined, `completion for unknown disk op ${opId}`);
    this.ops.delete(opId);
    if (!ok) this.onIoError(op);
    switch (op.k) {
      case "client-write":
      case "client-flush": return this.onLocalDone(op.reqId, ok);
      case "client-read": return this.onLocalRead(op, ok, data);
      case "peer-write": return this.send({ t: "write-ack", seq: op.seq, ok });
      case "peer-flush": return this.send({ t: "flush-ack", seq: op.seq, ok });
      case "peer-read": return this.send(ok && data !== undefined ? { t: "read-reply", id: op.id, ok, data } : { t: "read-reply", id: op.id, ok: false });
      case "rs-read": return this.onResyncRead(op.block, op.count, ok, data);
      case "rs-write":
        if (ok) for (let b = op.block; b < op.block + op.count; b++) this.bitmap?.clear(b);
        this.progress?.advance(op.count, this.now);
        return this.send({ t: "rs-ack", block: op.block, count: op.count, ok });
      case "verify-read": return this.onVerifyRead(op, ok, data);
      case "rs-compare-read": return this.onResyncCompareRead(op, ok, data);
      default: assertNever(op, "disk op");
    }
  }

  private onLocalDone(reqId: number, ok: boolean): void {
    const p = this.pending.get(reqId);
    if (p === undefined) return;
    p.localPending = false;
    if (!ok) {
      p.localFailed = true;
      // With on-io-error detach the peer's copy becomes the only one: wait for it to be written there.
      const sentToPeer = [...this.unacked.values()].some((w) => w.reqId === reqId);
      if (this.settings.onIoError === "pass_on" || (!p.peerOk && !sentToPeer)) p.error = "EIO";
      else if (!p.peerOk) p.peerPending = true;
    }
    this.tryComplete(p);
  }

  private onLocalRead(op: Extract<DiskOp, { k: "client-read" }>, ok: boolean, data: Uint8Array | undefined): void {
    if (ok && data !== undefined) return this.emit({ kind: "complete", reqId: op.reqId, error: undefined, data });
    if (this.settings.onIoError !== "pass_on" && this.peerUsable()) return this.onClientRead(op.reqId, op.off, op.len);
    this.emit({ kind: "complete", reqId: op.reqId, error: "EIO", message: "local read failed" });
  }

  private onIoError(op: DiskOp): void {
    this.log(`I/O error on the backing store (${op.k})`);
    if (this.settings.onIoError === "pass_on" || this.sb === undefined) return;
    if (this.settings.onIoError === "call-local-io-error") this.emit({ kind: "handler", name: "local-io-error" });
    this.disk = "Failed";
    this.detachDisk(`I/O error, on-io-error ${this.settings.onIoError}`);
  }

  // ---- resync -----------------------------------------------------------------

  private beginSource(full: boolean): void {
    if (full) this.bitmap!.setAll();
    this.repl = "SyncSource";
    this.resyncRate.restart();
    if (this.peer !== undefined) this.peer.disk = "Inconsistent";
    this.progress = new Progress(this.bitmap!.count, this.now);
    this.lastSync = this.newLastSync("source", full);
    this.resyncCursor = 0;
    this.persist();
    this.log(`resync as SyncSource: ${this.bitmap!.count} blocks${full ? " (full)" : ""}`);
    this.pumpResync();
  }

  private beginTarget(full: boolean): void {
    if (full) this.bitmap!.setAll();
    this.repl = "SyncTarget";
    this.disk = "Inconsistent";
    this.progress = new Progress(this.bitmap!.count, this.now);
    this.lastSync = this.newLastSync("target", full);
    this.persist();
    this.log(`resync as SyncTarget: ${this.bitmap!.count} blocks${full ? " (full)" : ""}`);
    this.emit({ kind: "handler", name: "before-resync-target" });
  }

  private newLastSync(direction: "source" | "target", full: boolean): NonNullable<Replica["lastSync"]> {
    const blocks = this.bitmap!.count;
    return this.settings.csumsAlg === undefined ? { direction, full, blocks } : { direction, full, blocks, identical: 0 };
  }

  /** What the log says at the end of a resync. */
  private syncSummary(): string {
    const identical = this.lastSync?.identical;
    const csums = identical === undefined ? "" : `; ${identical} blocks identical by ${this.settings.csumsAlg} checksum, not sent`;
    return `${this.progress?.summary(this.now) ?? ""}${csums}`;
  }

  /** This side tells the peer to sync from it (after `primary --force` or a peer's `invalidate`). */
  private startSyncAsSource(full: boolean): void {
    if (this.sb === undefined || this.disk !== "UpToDate") return;
    this.send({ t: "sync-start", full, bitmap: this.bitmap!.bits });
    this.beginSource(full);
  }

  private startSyncAsTarget(full: boolean, bits: Uint8Array): void {
    if (this.sb === undefined) return;
    if (!full) this.bitmap!.merge(bits);
    this.beginTarget(full);
  }

  private invalidateResyncReads(off: number, len: number): void {
    for (const [block, r] of this.resyncInFlight) {
      const start = block * BLOCK_BYTES;
      if (off < start + r.count * BLOCK_BYTES && start < off + len) r.stale = true;
    }
  }

  private writesInFlight(block: number, count: number): boolean {
    const start = block * BLOCK_BYTES;
    const end = start + count * BLOCK_BYTES;
    for (const p of this.pending.values()) if (p.len > 0 && p.localPending && p.off < end && start < p.off + p.len) return true;
    return false;
  }

  private pumpResync(): void {
    const bitmap = this.bitmap;
    if (this.repl !== "SyncSource" || bitmap === undefined) return;
    let wrapped = false;
    while (this.resyncInFlight.size < RESYNC_WINDOW && this.resyncBudgetBytes > 0) {
      const block = bitmap.nextSet(this.resyncCursor);
      if (block < 0) {
        if (wrapped || this.resyncCursor === 0) break;
        this.resyncCursor = 0;
        wrapped = true;
        continue;
      }
      // A run is at most 1 MiB and at most what the rate budget still allows.
      const runMax = Math.min(RESYNC_RUN_BLOCKS, Math.ceil(this.resyncBudgetBytes / BLOCK_BYTES));
      let count = 1;
      while (count < runMax && block + count < bitmap.blocks && bitmap.test(block + count) && !this.resyncInFlight.has(block + count)) count++;
      this.resyncCursor = block + count;
      if (this.resyncInFlight.has(block) || this.writesInFlight(block, count)) continue;
      this.resyncInFlight.set(block, { count, stale: false, data: undefined, acksAwaited: 1 });
      this.resyncBudgetBytes -= count * BLOCK_BYTES;
      this.issue({ k: "rs-read", block, count }, (op) => ({ kind: "disk-read", op, off: block * BLOCK_BYTES, len: count * BLOCK_BYTES }));
    }
    if (bitmap.count === 0 && this.resyncInFlight.size === 0) this.finishSyncAsSource();
  }

  private onResyncRead(block: number, count: number, ok: boolean, data: Uint8Array | undefined): void {
    const r = this.resyncInFlight.get(block);
    if (r === undefined) return; // the link went down meanwhile
    if (!ok || data === undefined || r.stale) {
      this.resyncInFlight.delete(block);
      return;
    }
    assert(data.length === count * BLOCK_BYTES, "resync read returned a short run");
    const csums = this.settings.csumsAlg;
    if (csums === undefined) return this.send({ t: "rs-data", block, data, ...this.integrityDigest(data) });
    r.data = data;
    this.send({ t: "rs-digests", block, digests: this.digests(csums, data) });
  }

  /**
   * csums-alg, SyncSource: the peer compared the run with its copy. Blocks it
   * found identical are in sync, even if a write overlapped the run since it
   * was read: both copies held the same bytes, and the write reaches both.
   * The differing blocks go out as data, one piece per contiguous range,
   * unless a write made the data read stale (they stay out of sync; read again later).
   */
  private onResyncCompared(block: number, differing: number[]): void {
    const r = this.resyncInFlight.get(block);
    if (r === undefined || r.data === undefined) return;
    const data = r.data;
    r.data = undefined;
    const needed = new Set(differing);
    let identical = 0;
    for (let b = block; b < block + r.count; b++) if (!needed.has(b) && this.markResynced(b)) identical++;
    this.countIdentical(identical);
    const pieces = r.stale ? [] : contiguousRanges(differing.filter((b) => b >= block && b < block + r.count));
    r.acksAwaited = pieces.length;
    if (pieces.length === 0) {
      this.resyncInFlight.delete(block);
      return this.pumpResync();
    }
    for (const piece of pieces) {
      const from = (piece.block - block) * BLOCK_BYTES;
      const bytes = data.subarray(from, from + piece.count * BLOCK_BYTES);
      this.send({ t: "rs-data", block: piece.block, data: bytes, ...this.integrityDigest(bytes) });
    }
  }

  /** Clears a block's out-of-sync bit (and counts it as progress) if it was still set. */
  private markResynced(block: number): boolean {
    const bitmap = this.bitmap;
    if (bitmap === undefined || !bitmap.test(block)) return false;
    bitmap.clear(block);
    this.progress?.advance(1, this.now);
    return true;
  }

  private countIdentical(blocks: number): void {
    if (this.lastSync?.identical !== undefined) this.lastSync.identical += blocks;
  }

  /** csums-alg, SyncTarget: read our copy of the run to compare (after any earlier write to it, in issue order). */
  private onResyncDigests(block: number, digests: string[]): void {
    if (this.sb === undefined) return this.send({ t: "rs-compared", block, differing: digests.map((_, i) => block + i) });
    const count = digests.length;
    this.issue({ k: "rs-compare-read", block, peerDigests: digests }, (op) => ({ kind: "disk-read", op, off: block * BLOCK_BYTES, len: count * BLOCK_BYTES }));
  }

  private onResyncCompareRead(op: Extract<DiskOp, { k: "rs-compare-read" }>, ok: boolean, data: Uint8Array | undefined): void {
    const mine = ok && data !== undefined ? this.digests(this.settings.csumsAlg!, data) : [];
    const differing: number[] = [];
    let identical = 0;
    op.peerDigests.forEach((digest, i) => {
      if (mine[i] !== digest) differing.push(op.block + i);
      else if (this.markResynced(op.block + i)) identical++;
    });
    this.countIdentical(identical);
    this.send({ t: "rs-compared", block: op.block, differing });
  }

  private onResyncData(block: number, data: Uint8Array): void {
    if (this.sb === undefined) return this.send({ t: "rs-ack", block, count: data.length / BLOCK_BYTES, ok: false });
    const count = data.length / BLOCK_BYTES;
    const bytes = this.syncTargetWrites.overlay(block * BLOCK_BYTES, data);
    this.issue({ k: "rs-write", block, count }, (op) => ({ kind: "disk-write", op, off: block * BLOCK_BYTES, data: bytes, fua: false, releasesData: true }));
  }

  /** `block` starts a piece of a run: the whole run without csums-alg, a range of its differing blocks with it. */
  private onResyncAck(block: number, count: number, ok: boolean): void {
    const start = this.runContaining(block);
    const r = start === undefined ? undefined : this.resyncInFlight.get(start);
    if (start === undefined || r === undefined) return;
    if (ok) for (let b = block; b < block + count; b++) this.bitmap?.clear(b);
    this.progress?.advance(count, this.now);
    if (--r.acksAwaited > 0) return;
    this.resyncInFlight.delete(start);
    this.pumpResync();
  }

  private runContaining(block: number): number | undefined {
    if (this.resyncInFlight.has(block)) return block;
    for (const [start, r] of this.resyncInFlight) if (block > start && block < start + r.count) return start;
    return undefined;
  }

  private finishSyncAsSource(): void {
    const sb = this.sb!;
    if (sb.uuids.bitmap !== NO_UUID) sb.uuids = { current: sb.uuids.current, bitmap: NO_UUID, history: [sb.uuids.bitmap, sb.uuids.history[0]] };
    if (this.role === "Secondary") sb.crashedPrimary = false;
    this.repl = "Established";
    this.persist();
    this.send({ t: "sync-done", uuids: sb.uuids });
    if (this.peer !== undefined) this.peer.disk = "UpToDate";
    this.log(`resync done (${this.syncSummary()})`);
    this.unfencePeer();
  }

  private unfencePeer(): void {
    if (!this.unfenceWhenPeerUpToDate) return;
    this.unfenceWhenPeerUpToDate = false;
    this.emit({ kind: "handler", name: "unfence-peer" });
  }

  private finishSyncAsTarget(uuids: Superblock["uuids"]): void {
    const sb = this.sb;
    if (sb === undefined) return;
    sb.uuids = { ...uuids, history: [...uuids.history] };
    sb.crashedPrimary = this.role === "Primary";
    this.bitmap!.clearAll();
    for (const { off, len } of this.peerFailedWhileTarget) this.bitmap!.setRange(off, len);
    this.peerFailedWhileTarget = [];
    this.syncTargetWrites.clear();
    this.disk = "UpToDate";
    this.repl = "Established";
    this.persist();
    this.log(`resync done as SyncTarget (${this.syncSummary()})`);
    this.emit({ kind: "handler", name: "after-resync-target" });
    this.sendState(false);
    // Blocks the peer failed to write during the resync: this side now has the only good copy of them.
    if (this.bitmap!.count > 0) this.startSyncAsSource(false);
  }

  // ---- online verify ----------------------------------------------------------

  private pumpVerify(): void {
    const blocks = this.bitmap!.blocks;
    while (this.repl === "VerifyS" && this.resyncInFlight.size < RESYNC_WINDOW && this.resyncBudgetBytes > 0 && this.resyncCursor < blocks) {
      const block = this.resyncCursor;
      const count = Math.min(RESYNC_RUN_BLOCKS, blocks - block);
      this.resyncCursor += count;
      this.resyncInFlight.set(block, { count, stale: false, data: undefined, acksAwaited: 0 });
      this.resyncBudgetBytes -= count * BLOCK_BYTES;
      this.issue({ k: "verify-read", block, count, peerDigests: undefined }, (op) => ({ kind: "disk-read", op, off: block * BLOCK_BYTES, len: count * BLOCK_BYTES }));
    }
    if (this.repl === "VerifyS" && this.resyncCursor >= blocks && this.resyncInFlight.size === 0) {
      this.send({ t: "verify-done", differing: this.verifyDiffering });
      this.finishVerify(this.verifyDiffering);
    }
  }

  private digests(alg: string, data: Uint8Array): string[] {
    const out: string[] = [];
    for (let at = 0; at < data.length; at += BLOCK_BYTES) out.push(this.crypto.digest(alg, data.subarray(at, at + BLOCK_BYTES)));
    return out;
  }

  private onVerifyRead(op: Extract<DiskOp, { k: "verify-read" }>, ok: boolean, data: Uint8Array | undefined): void {
    if (op.peerDigests === undefined) {
      // VerifyS: our digests go to the peer.
      if (!ok || data === undefined) return;
      this.send({ t: "verify", block: op.block, digests: this.digests(this.settings.verifyAlg, data) });
      return;
    }
    const mine = ok && data !== undefined ? this.digests(this.settings.verifyAlg, data) : [];
    const differing: number[] = [];
    op.peerDigests.forEach((d, i) => { if (mine[i] !== d) differing.push(op.block + i); });
    for (const b of differing) this.bitmap?.set(b);
    this.progress?.advance(op.count, this.now);
    this.send({ t: "verify-reply", block: op.block, differing });
  }

  private onVerifyRequest(block: number, digests: string[]): void {
    if (block < 0) {
      this.repl = "VerifyT";
      this.verifyDiffering = 0;
      this.progress = new Progress(this.bitmap?.blocks ?? 0, this.now);
      return;
    }
    if (this.sb === undefined) return this.send({ t: "verify-reply", block, differing: [] });
    const count = digests.length;
    this.issue({ k: "verify-read", block, count, peerDigests: digests }, (op) => ({ kind: "disk-read", op, off: block * BLOCK_BYTES, len: count * BLOCK_BYTES }));
  }

  private onVerifyReply(block: number, differing: number[]): void {
    const r = this.resyncInFlight.get(block);
    if (r === undefined) return;
    this.resyncInFlight.delete(block);
    for (const b of differing) this.bitmap?.set(b);
    this.verifyDiffering += differing.length;
    this.progress?.advance(r.count, this.now);
    this.pumpVerify();
  }

  private finishVerify(differing: number): void {
    this.repl = "Established";
    this.verifyDiffering = differing;
    this.persist();
    this.log(`online verify done: ${differing} blocks out of sync${differing > 0 ? " (disconnect and connect to resync them)" : ""}`);
    if (differing > 0) this.emit({ kind: "handler", name: "out-of-sync" });
  }

  // ---- time -------------------------------------------------------------------

  private onTick(): void {
    const elapsedMs = this.lastTickMs === 0 ? 0 : this.now - this.lastTickMs;
    this.lastTickMs = this.now;
    let inFlightBytes = 0;
    for (const r of this.resyncInFlight.values()) inFlightBytes += r.count * BLOCK_BYTES;
    const grant = this.resyncRate.step(elapsedMs, inFlightBytes, this.applicationIo);
    this.applicationIo = false;
    const capBytes = Math.max(this.resyncRate.rateBytesPerSec / 5, RESYNC_RUN_BLOCKS * BLOCK_BYTES);
    this.resyncBudgetBytes = Math.min(capBytes, this.resyncBudgetBytes + grant);
    if (this.repl === "SyncSource") this.pumpResync();
    if (this.repl === "VerifyS") this.pumpVerify();
    this.checkLink();
    if (this.promoteReq !== undefined && this.now - this.promoteReq.sinceMs > this.settings.linkDeadMs) {
      this.emit({ kind: "reply", reqId: this.promoteReq.reqId, error: `no answer from ${this.settings.peer} to the promotion request` });
      this.promoteReq = undefined;
    }
    // Bits cleared by resync reach the disk lazily; bits set are covered by the activity log until then.
    if (this.bitmap !== undefined && this.bitmap.dirtyPages.size > 0) this.persist();
  }

  /** A clean stop: the metadata says whether this node still was Primary. */
  shutdown(nowMs: number): Effect[] {
    this.now = nowMs;
    if (this.sb !== undefined && this.role === "Secondary") {
      this.sb.crashedPrimary = false;
      this.activityLog.clear();
    }
    this.persist();
    return this.flush();
  }

  private checkLink(): void {
    const link = this.link;
    if (link === undefined) return;
    if (this.now - link.lastRecvMs > this.settings.linkDeadMs) {
      this.onLinkLost(`no answer from ${this.settings.peer} for ${this.now - link.lastRecvMs} ms`);
      return;
    }
    if (link.peerAuthed && this.now - link.lastSentMs >= PING_INTERVAL_MS) this.send({ t: "ping" });
  }
}

/** Sorted block numbers as ranges of consecutive blocks. */
function contiguousRanges(blocks: number[]): Array<{ block: number; count: number }> {
  const out: Array<{ block: number; count: number }> = [];
  for (const b of [...blocks].sort((x, y) => x - y)) {
    const last = out[out.length - 1];
    if (last !== undefined && last.block + last.count === b) last.count++;
    else out.push({ block: b, count: 1 });
  }
  return out;
}
