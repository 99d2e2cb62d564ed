import { createHmac, randomInt } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { assert } from "../../lib/assert.js";
import { err, ok, type Result } from "../../lib/result.js";
import { seededRng, type Rng } from "../../lib/rng.js";
import { type BlockDevice, BlockDeviceError, type BlockErrno } from "../../nbd/block-device.js";
import type { LocalResource } from "../config/load.js";
import { Replica, type ReplicaSettings } from "../core/replica.js";
import type { Command, Effect, Input } from "../core/types.js";
import type { ResourceStatus } from "../status.js";
import { Backing } from "./backing.js";
import { blockDigest } from "./digest.js";
import { handlerEnvironment, runHandler } from "./handlers.js";
import { PeerLink } from "./peer-link.js";

const TICK_MS = 100;
const ZERO_CHUNK_BYTES = 1024 * 1024;

type Waiter = { resolve(value: Uint8Array | undefined): void; reject(error: Error): void };

export function replicaSettings(node: string, r: LocalResource): ReplicaSettings {
  const { resource, peer } = r;
  return {
    resource: resource.name, node, peer: peer.name, protocol: resource.net.protocol,
    allowTwoPrimaries: resource.net.allowTwoPrimaries,
    policies: { afterSb0pri: resource.net.afterSb0pri, afterSb1pri: resource.net.afterSb1pri, afterSb2pri: resource.net.afterSb2pri },
    onIoError: resource.disk.onIoError, fencing: resource.disk.fencing, resyncRateBytesPerSec: resource.disk.resyncRateBytesPerSec,
    rateController: resource.disk.rateController,
    alExtents: resource.disk.alExtents, authenticate: resource.net.cramHmacAlg !== undefined,
    linkDeadMs: resource.net.pingTimeoutMs + 2000,
    verifyAlg: resource.verifyAlg, csumsAlg: resource.net.csumsAlg, integrityAlg: resource.net.dataIntegrityAlg,
  };
}

/**
 * A running replicated resource on this node: the Replica core plus its
 * backing store, peer link, timer and handlers. It is the BlockDevice the
 * NBD export serves.
 */
export class ReplicatedResource implements BlockDevice {
  readonly replica: Replica;
  private backing: Backing | undefined;
  private readonly link: PeerLink;
  private readonly timer: NodeJS.Timeout;
  private readonly rng: Rng = seededRng(randomInt(0x7fffffff));
  private readonly waiters = new Map<number, Waiter>();
  private nextReq = 1;
  private stopped = false;

  private constructor(private running: LocalResource, readonly node: string, private readonly log: (line: string) => void) {
    const config = running;
    const net = config.resource.net;
    this.replica = new Replica(replicaSettings(node, config), {
      hmac: (data) => createHmac(net.cramHmacAlg ?? "sha256", net.sharedSecret ?? "").update(data).digest("hex"),
      digest: blockDigest,
    });
    this.link = new PeerLink(config.local.address, config.peer.address, node < config.peer.name, net.connectIntervalMs, {
      up: (nonce) => this.step({ kind: "link-up", nonce }),
      down: (why) => this.step({ kind: "link-down", why }),
      message: (msg) => this.step({ kind: "recv", msg }),
      log: (line) => this.log(`${config.resource.name}: ${line}`),
    });
    this.timer = setInterval(() => this.step({ kind: "tick" }), TICK_MS);
  }

  /** The configuration the resource runs with (replaced by `adjust`). */
  get config(): LocalResource {
    return this.running;
  }

  /** `adjust`: the caller checked (config/adjust.ts) that only settings changeable at run time differ. */
  adjust(wanted: LocalResource): void {
    this.running = wanted;
    this.replica.adjust(replicaSettings(this.node, wanted));
  }

  /** `up`: attach the backing store and start connecting to the peer. */
  static async up(config: LocalResource, node: string, log: (line: string) => void): Promise<Result<ReplicatedResource, string>> {
    const resource = new ReplicatedResource(config, node, log);
    const attached = await resource.attach();
    if (!attached.ok) {
      await resource.stop();
      return attached;
    }
    const connected = await resource.command({ verb: "connect", discardMyData: false });
    return connected === undefined ? ok(resource) : err(connected);
  }

  async attach(): Promise<Result<void, string>> {
    if (this.backing !== undefined) return ok(undefined);
    const opened = await Backing.open(this.config.local.disk, this.config.local.metaDisk);
    if (!opened.ok) return opened;
    const meta = await opened.value.readMeta();
    if (!meta.ok) {
      await opened.value.close();
      return meta;
    }
    this.backing = opened.value;
    this.apply(this.replica.attach(meta.value.sb, meta.value.bits, Date.now()));
    return ok(undefined);
  }

  /** Runs a drbdadm verb; resolves with the error text, or undefined on success. */
  async command(command: Command): Promise<string | undefined> {
    const reqId = this.nextReq++;
    const reply = this.wait(reqId);
    this.step({ kind: "command", reqId, command });
    try {
      await reply;
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.backing !== undefined) this.apply(this.replica.shutdown(Date.now()));
    await this.link.dispose();
    await this.backing?.close();
    this.backing = undefined;
    for (const waiter of this.waiters.values()) waiter.reject(new BlockDeviceError("ESHUTDOWN", "resource is going down"));
    this.waiters.clear();
  }

  get counters(): { netSent: number; netReceived: number; diskWritten: number; diskRead: number; metaWrites: number } {
    return {
      netSent: this.link.bytesSent, netReceived: this.link.bytesReceived,
      diskWritten: this.backing?.bytesWritten ?? 0, diskRead: this.backing?.bytesRead ?? 0, metaWrites: this.backing?.metaWrites ?? 0,
    };
  }

  status(): ResourceStatus {
    const r = this.replica;
    const p = r.progress;
    const syncing = r.repl !== "Established" && r.repl !== "Off";
    const { local, peer, resource } = this.config;
    return {
      name: resource.name, role: r.role, disk: r.disk, minor: local.minor, sizeBytes: r.sizeBytes, protocol: resource.net.protocol,
      nbdAddress: `${local.nbdAddress.host}:${local.nbdAddress.port}`,
      peer: {
        name: peer.name, connection: r.conn, role: r.peer?.role, disk: r.peer?.disk, replication: r.repl,
        outOfSyncKiB: (r.bitmap?.count ?? 0) * 4,
        sync: p === undefined || !syncing ? undefined : {
          done: Math.floor(p.percent() * 100) / 100, totalBlocks: p.totalBlocks, doneBlocks: p.doneBlocks,
          etaSeconds: p.etaSeconds(Date.now()), speedKiBps: p.speedKiBps(Date.now()),
        },
      },
      lastSync: r.lastSync, lastSplitBrain: r.lastSplitBrain, verifyOutOfSyncBlocks: r.verifyDiffering, writeConflicts: r.writeConflicts, resyncConflicts: r.resyncConflicts,
      suspended: r.suspendedFor, peerFenced: r.sb?.peerOutdated ?? false, counters: this.counters,
      degradedAtStart: r.degradedAtAttach,
    };
  }

  // ---- BlockDevice -------------------------------------------------------------

  get sizeBytes(): number {
    return this.replica.sizeBytes;
  }

  writable(): boolean {
    return this.replica.writable();
  }

  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    const data = await this.request((reqId) => ({ kind: "client-read", reqId, off: offsetBytes, len: lengthBytes }));
    assert(data !== undefined && data.length === lengthBytes, "a read completes with its data");
    return data;
  }

  /**
   * A write completes only after its local write is done and its frame is in
   * the kernel's send buffer (A), received by the peer (B) or written there
   * (C): nothing refers to the data any more (the core's trackers keep copies).
   */
  readonly releasesWriteData = true;

  async write(offsetBytes: number, data: Uint8Array, fua: boolean): Promise<void> {
    await this.request((reqId) => ({ kind: "client-write", reqId, off: offsetBytes, data, fua }));
  }

  async flush(): Promise<void> {
    await this.request((reqId) => ({ kind: "client-flush", reqId }));
  }

  async trim(offsetBytes: number, lengthBytes: number): Promise<void> {
    // Trim is a hint; the data stays (and so both copies stay identical).
    if (offsetBytes + lengthBytes > this.sizeBytes) throw new BlockDeviceError("EINVAL", "trim beyond the end of the device");
    if (!this.writable()) throw new BlockDeviceError("EPERM", "device is Secondary");
  }

  async writeZeroes(offsetBytes: number, lengthBytes: number, fua: boolean): Promise<void> {
    for (let at = 0; at < lengthBytes; at += ZERO_CHUNK_BYTES) {
      // Chunks may be written inline and complete at once: the peer link and clients get a turn between them.
      if (at > 0) await nextTurn();
      const length = Math.min(ZERO_CHUNK_BYTES, lengthBytes - at);
      await this.write(offsetBytes + at, new Uint8Array(length), fua && at + length >= lengthBytes);
    }
  }

  // ---- core plumbing -------------------------------------------------------

  private wait(reqId: number): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => this.waiters.set(reqId, { resolve, reject }));
  }

  private request(input: (reqId: number) => Input): Promise<Uint8Array | undefined> {
    if (this.stopped) return Promise.reject(new BlockDeviceError("ESHUTDOWN", "resource is down"));
    const reqId = this.nextReq++;
    const done = this.wait(reqId);
    this.step(input(reqId));
    return done;
  }

  private step(input: Input): void {
    if (this.stopped && input.kind !== "disk-done") return;
    this.apply(this.replica.step(input, Date.now(), this.rng));
  }

  private settle(reqId: number, error: BlockErrno | string | undefined, data?: Uint8Array, message?: string): void {
    const waiter = this.waiters.get(reqId);
    if (waiter === undefined) return;
    this.waiters.delete(reqId);
    if (error === undefined) waiter.resolve(data);
    else if (isErrno(error)) waiter.reject(new BlockDeviceError(error, message ?? error));
    else waiter.reject(new Error(error));
  }

  private disk<T>(op: number, run: (b: Backing) => Promise<T>, toInput: (value: T) => Input): void {
    const backing = this.backing;
    if (backing === undefined) return this.step({ kind: "disk-done", op, ok: false });
    run(backing).then(
      (value) => this.step(toInput(value)),
      (error: Error) => {
        this.log(`${this.config.resource.name}: backing store I/O error: ${error.message}`);
        this.step({ kind: "disk-done", op, ok: false });
      },
    );
  }

  private apply(effects: Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case "send": {
          const msg = e.msg;
          // Protocol A: the write completes once its frame is in the kernel's send buffer.
          if (e.reportSent === true && msg.t === "write") this.link.send(msg, () => this.step({ kind: "frame-sent", seq: msg.seq }));
          else this.link.send(msg);
          break;
        }
        case "disk-write":
          // A small local write runs inline: unless more requests are gathering into this turn's
          // batch of frames, the peer's copy goes on its way first.
          if (this.waiters.size <= 1) this.link.flush();
          this.disk(e.op, (b) => {
            const written = b.write(e.off, e.data, e.fua);
            // A peer's write or resync data: its buffer returns to the link's pool once on disk.
            return e.releasesData === true ? written.finally(() => this.link.buffers.give(e.data)) : written;
          }, () => ({ kind: "disk-done", op: e.op, ok: true }));
          break;
        case "disk-read": this.disk(e.op, (b) => b.read(e.off, e.len), (data) => ({ kind: "disk-done", op: e.op, ok: true, data })); break;
        case "disk-flush": this.disk(e.op, (b) => b.flush(), () => ({ kind: "disk-done", op: e.op, ok: true })); break;
        case "persist-md": {
          const written = this.backing?.persistMeta(e.sb, e.pages).catch((error: Error) => this.log(`${this.config.resource.name}: metadata write failed: ${error.message}`));
          if (e.gatesSends && written !== undefined) this.link.holdUntil(written);
          break;
        }
        case "complete": this.settle(e.reqId, e.error, e.data, e.message); break;
        case "reply": this.settle(e.reqId, e.error); break;
        case "link": void this.link.want(e.want).catch((error: Error) => this.log(`${this.config.resource.name}: cannot listen on ${this.config.local.address.host}:${this.config.local.address.port}: ${error.message}`)); break;
        case "drop-link": this.link.drop(); break;
        case "handler": this.runHandler(e.name); break;
        case "log": this.log(e.message); break;
      }
    }
    if (this.replica.sb === undefined && this.backing !== undefined) {
      const backing = this.backing;
      this.backing = undefined;
      void backing.close().catch(() => undefined);
    }
  }

  /** Runs a configured handler; the core hears how it ended (fence-peer acts on the exit code). */
  private runHandler(name: string): void {
    const command = this.config.resource.handlers[name];
    const prefix = `${this.config.resource.name}: handler ${name}`;
    const report = (exitCode: number | null) => this.step({ kind: "handler-done", name, exitCode });
    if (command === undefined) {
      if (name === "fence-peer") this.log(`${prefix} is not configured`);
      return void setImmediate(() => report(null));
    }
    this.log(`${prefix}: running ${command}`);
    const env = handlerEnvironment(this.config, this.node, this.replica.conn);
    void runHandler(command, env, (line) => this.log(`${prefix} ${line}`)).then(report);
  }
}

function isErrno(value: string): value is BlockErrno {
  return ["EPERM", "EIO", "ENOMEM", "EINVAL", "ENOSPC", "EOVERFLOW", "ENOTSUP", "ESHUTDOWN"].includes(value);
}
