import { seededRng, type Rng } from "../../src/lib/rng.js";
import { createHmac } from "node:crypto";
import { BLOCK_BYTES, Bitmap } from "../../src/drbd/core/bitmap.js";
import { freshSuperblock, type Superblock } from "../../src/drbd/core/metadata.js";
import { Replica, type ReplicaSettings } from "../../src/drbd/core/replica.js";
import { blockDigest } from "../../src/drbd/driver/digest.js";
import type { Command, Effect, Input, PeerMsg } from "../../src/drbd/core/types.js";

/**
 * Two replicas wired together in memory: a virtual link, virtual disks and a
 * virtual clock. Disk operations and messages queue up and run in FIFO order
 * when `run()` is called, so tests can crash a node with work in flight.
 */
export class SimNode {
  readonly replica: Replica;
  data: Uint8Array;
  sb: Superblock | undefined;
  bits: Uint8Array;
  /** What the link delivers, in order; "down" is the peer closing it after its last messages. */
  readonly inbox: Array<PeerMsg | "down"> = [];
  readonly diskQueue: Array<() => Input> = [];
  readonly completions = new Map<number, { error: string | undefined; data?: Uint8Array }>();
  readonly replies = new Map<number, string | undefined>();
  readonly handlers: string[] = [];
  readonly logs: string[] = [];
  wantLink = false;
  failDisk = false;
  nextReq = 1;

  constructor(readonly name: string, readonly settings: ReplicaSettings, sizeBytes: number, secret = "s3cret") {
    this.replica = new Replica(settings, {
      hmac: (data) => createHmac("sha256", secret).update(data).digest("hex"),
      digest: blockDigest,
    });
    this.data = new Uint8Array(sizeBytes);
    this.sb = freshSuperblock(sizeBytes);
    this.bits = new Bitmap(sizeBytes / BLOCK_BYTES).bits;
  }
}

export function settingsFor(node: string, peer: string, overrides: Partial<ReplicaSettings> = {}): ReplicaSettings {
  return {
    resource: "r0", node, peer, protocol: "C", allowTwoPrimaries: false,
    policies: { afterSb0pri: "disconnect", afterSb1pri: "disconnect", afterSb2pri: "disconnect" },
    onIoError: "detach", fencing: "dont-care", resyncRateBytesPerSec: 1 << 30,
    rateController: { planAheadMs: 0, fillTargetBytes: 0, delayTargetMs: 1000, maxRateBytesPerSec: 0, minRateBytesPerSec: 0 }, alExtents: 61, authenticate: false, linkDeadMs: 5000,
    verifyAlg: "sha256", csumsAlg: undefined, integrityAlg: undefined,
    ...overrides,
  };
}

export class Pair {
  readonly a: SimNode;
  readonly b: SimNode;
  linked = false;
  partitioned = false;
  now = 1000;
  readonly rng: Rng = seededRng(7);
  /** Sees every message put on the link; what it returns is delivered (a test may count or damage frames). */
  onSend: ((from: SimNode, msg: PeerMsg) => PeerMsg) | undefined;

  constructor(sizeBytes: number, overrides: Partial<ReplicaSettings> = {}, secrets: [string, string] = ["s3cret", "s3cret"]) {
    this.a = new SimNode("alpha", settingsFor("alpha", "beta", overrides), sizeBytes, secrets[0]);
    this.b = new SimNode("beta", settingsFor("beta", "alpha", overrides), sizeBytes, secrets[1]);
  }

  peerOf(n: SimNode): SimNode {
    return n === this.a ? this.b : this.a;
  }

  attach(n: SimNode): void {
    this.apply(n, n.replica.attach(structuredClone(n.sb!), n.bits.slice(), this.now));
  }

  /** Attaches both nodes, tells both to connect and runs the handshake. */
  connectBoth(): void {
    this.attach(this.a);
    this.attach(this.b);
    this.command(this.a, { verb: "connect", discardMyData: false });
    this.command(this.b, { verb: "connect", discardMyData: false });
    this.run();
  }

  step(n: SimNode, input: Input): void {
    this.apply(n, n.replica.step(input, this.now, this.rng));
  }

  command(n: SimNode, command: Command): string | undefined {
    const reqId = n.nextReq++;
    this.step(n, { kind: "command", reqId, command });
    this.run();
    if (!n.replies.has(reqId)) throw new Error(`no reply to ${command.verb}`);
    return n.replies.get(reqId);
  }

  write(n: SimNode, off: number, data: Uint8Array, fua = false): number {
    const reqId = n.nextReq++;
    this.step(n, { kind: "client-write", reqId, off, data, fua });
    return reqId;
  }

  read(n: SimNode, off: number, len: number): number {
    const reqId = n.nextReq++;
    this.step(n, { kind: "client-read", reqId, off, len });
    return reqId;
  }

  /** Delivers messages and runs disk operations until nothing is left (bounded). */
  run(stepsMax = 1_000_000): void {
    this.runUntil(() => false, stepsMax);
  }

  /** Like run(), but stops as soon as `reached()` holds (checked before every step). */
  runUntil(reached: () => boolean, stepsMax = 1_000_000): void {
    for (let i = 0; i < stepsMax && !reached(); i++) {
      const idle = this.a.inbox.length === 0 && this.b.inbox.length === 0;
      if (!this.linked && idle && !this.partitioned && this.a.wantLink && this.b.wantLink) {
        this.linked = true;
        this.step(this.a, { kind: "link-up", nonce: `nonce-a-${this.now}` });
        this.step(this.b, { kind: "link-up", nonce: `nonce-b-${this.now}` });
        continue;
      }
      const n = [this.a, this.b].find((x) => x.diskQueue.length > 0 || x.inbox.length > 0);
      if (n === undefined) return;
      if (n.diskQueue.length > 0) this.step(n, n.diskQueue.shift()!());
      else {
        const item = n.inbox.shift()!;
        this.step(n, item === "down" ? { kind: "link-down", why: "peer closed the link" } : { kind: "recv", msg: item });
      }
    }
    if (!reached()) throw new Error("pair did not quiesce");
  }

  /** Processes up to `count` queued items, picking the node at random each time (partial progress). */
  runSome(rng: Rng, count: number): void {
    for (let i = 0; i < count; i++) {
      const busy = [this.a, this.b].filter((x) => x.diskQueue.length > 0 || x.inbox.length > 0);
      const n = busy[rng.int(Math.max(1, busy.length))];
      if (n === undefined) return;
      if (n.diskQueue.length > 0 && (n.inbox.length === 0 || rng.int(2) === 0)) this.step(n, n.diskQueue.shift()!());
      else {
        const item = n.inbox.shift()!;
        this.step(n, item === "down" ? { kind: "link-down", why: "peer closed the link" } : { kind: "recv", msg: item });
      }
    }
  }

  tick(ms: number): void {
    for (let t = 0; t < ms; t += 100) {
      this.now += 100;
      this.step(this.a, { kind: "tick" });
      this.step(this.b, { kind: "tick" });
      this.run();
    }
  }

  /** Cuts the link; each side sees it go down. */
  cut(): void {
    if (!this.linked) return;
    this.linked = false;
    this.a.inbox.length = 0;
    this.b.inbox.length = 0;
    this.step(this.a, { kind: "link-down", why: "cut" });
    this.step(this.b, { kind: "link-down", why: "cut" });
  }

  /** SIGKILL: queued disk work and messages of `n` vanish; its disk and persisted metadata stay. */
  crash(n: SimNode): void {
    n.diskQueue.length = 0;
    n.inbox.length = 0;
    this.peerOf(n).inbox.length = 0;
    const wasLinked = this.linked;
    this.linked = false;
    if (wasLinked) this.step(this.peerOf(n), { kind: "link-down", why: "peer crashed" });
    const fresh = new SimNode(n.name, n.settings, n.data.length);
    Object.assign(n, { replica: fresh.replica, wantLink: false });
    n.completions.clear();
  }

  private apply(n: SimNode, effects: Effect[]): void {
    for (const e of effects) this.applyOne(n, e);
  }

  private applyOne(n: SimNode, e: Effect): void {
    switch (e.kind) {
      case "send": {
        if (!this.linked) return;
        const msg = structuredClone(e.msg);
        this.peerOf(n).inbox.push(this.onSend === undefined ? msg : this.onSend(n, msg));
        // Handed to the network: reported back like a local completion.
        if (e.reportSent === true && e.msg.t === "write") {
          const seq = e.msg.seq;
          n.diskQueue.push(() => ({ kind: "frame-sent", seq }));
        }
        return;
      }
      case "disk-write": {
        const copy = e.data.slice();
        n.diskQueue.push(() => {
          if (n.failDisk) return { kind: "disk-done", op: e.op, ok: false };
          n.data.set(copy, e.off);
          return { kind: "disk-done", op: e.op, ok: true };
        });
        return;
      }
      case "disk-read":
        n.diskQueue.push(() => (n.failDisk ? { kind: "disk-done", op: e.op, ok: false } : { kind: "disk-done", op: e.op, ok: true, data: n.data.slice(e.off, e.off + e.len) }));
        return;
      case "disk-flush":
        n.diskQueue.push(() => ({ kind: "disk-done", op: e.op, ok: !n.failDisk }));
        return;
      case "persist-md":
        n.sb = structuredClone(e.sb);
        for (const page of e.pages) n.bits.set(page.bytes.subarray(0, Math.max(0, n.bits.length - page.index * 4096)), page.index * 4096);
        return;
      case "complete": n.completions.set(e.reqId, e.data === undefined ? { error: e.error } : { error: e.error, data: e.data }); return;
      case "reply": n.replies.set(e.reqId, e.error); return;
      case "link": n.wantLink = e.want; return;
      case "drop-link":
        if (this.linked) {
          this.linked = false;
          n.inbox.length = 0;
          this.peerOf(n).inbox.push("down");
        }
        return;
      case "handler": n.handlers.push(e.name); return;
      case "log": n.logs.push(e.message); return;
    }
  }
}

/** Two attached nodes, both told to connect and the handshake run; both still Secondary. */
export function connectedPair(sizeBytes: number, overrides: Partial<ReplicaSettings> = {}): Pair {
  const pair = new Pair(sizeBytes, overrides);
  pair.connectBoth();
  return pair;
}

/** Two attached, connected nodes; alpha forced Primary and the initial sync done (beta UpToDate). */
export function syncedPair(sizeBytes: number, overrides: Partial<ReplicaSettings> = {}): Pair {
  const pair = connectedPair(sizeBytes, overrides);
  if (pair.command(pair.a, { verb: "primary", force: true }) !== undefined) throw new Error("primary --force refused");
  pair.tick(1000);
  if (pair.b.replica.disk !== "UpToDate") throw new Error("the initial sync did not finish");
  return pair;
}

export function pattern(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const rng = seededRng(seed);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}
