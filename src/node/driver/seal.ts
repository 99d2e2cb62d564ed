import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual, type CipherGCMTypes } from "node:crypto";
import { assert } from "../../lib/assert.js";
import type { Cipher, Hash, NodeId } from "../config/model.js";
import { ReplayWindow } from "./replay-window.js";

/**
 * Packet security. Every datagram is sealed here before it leaves and opened
 * here before anything parses it: a packet that fails authentication, comes
 * from another cluster or replays an old one is dropped and counted.
 *
 * Sealed (crypto on):  [1 version][4 sender][8 epoch][8 seq] | AES-GCM(payload) | [16 tag]
 *   The 21-byte header is authenticated (GCM AAD). Keys are per sender and boot
 *   (HKDF of the authkey, cluster_name, sender, epoch), so the GCM nonce (the seq)
 *   never repeats under one key even when a node restarts and counts from 1 again.
 * Signed (crypto_cipher none, crypto_hash set): [1 version][4 sender][8 epoch][8 seq] | payload | [HMAC]
 *   Authenticated without secrecy, as corosync allows: HMAC-<hash> over header and
 *   payload, keyed per sender and boot like the cipher. Checked before parsing.
 * Plain (crypto none): [1 version][4 sender][4 cluster tag][8 epoch][8 seq] | payload
 *   No secrecy; the cluster tag keeps another cluster's packets out and seq lets
 *   duplicated datagrams (several links) be dropped the same way.
 */
export type DropReason = "short" | "version" | "cluster" | "auth" | "replay" | "self";

export type Opened = { ok: true; sender: NodeId; payload: Buffer } | { ok: false; reason: DropReason };

export interface SealerOptions {
  nodeid: NodeId;
  clusterName: string;
  cipher: Cipher;
  /** Used alone (HMAC) when cipher is "none"; AES-GCM authenticates by itself. */
  hash: Hash;
  /** Required when cipher or hash is not "none". */
  authkey?: Buffer;
  /** Distinguishes this boot from earlier ones; must grow across restarts. */
  epoch: bigint;
}

const versionSealed = 0x51;
const versionPlain = 0x50;
const versionSigned = 0x52;
const digestBytes: Record<Exclude<Hash, "none">, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
const sealedHeaderBytes = 21;
const plainHeaderBytes = 25;
const tagBytes = 16;
const keyCacheMax = 1024;
export const authkeyBytesMin = 128;

export function bootEpoch(wallClockMs: number, random16: number): bigint {
  return (BigInt(Math.floor(wallClockMs)) << 16n) | BigInt(random16 & 0xffff);
}

export class PacketSealer {
  readonly drops: Record<DropReason, number> = { short: 0, version: 0, cluster: 0, auth: 0, replay: 0, self: 0 };
  private seq = 0;
  private readonly keyCache = new Map<string, Buffer>();
  private readonly windows = new Map<number, ReplayWindow>();
  private readonly clusterTag: number;
  private readonly algorithm: CipherGCMTypes;
  private readonly keyBytes: number;
  private readonly sendKey: Buffer | undefined;
  /** HMAC-only mode: the digest, or null when packets are encrypted or plain. */
  private readonly hmac: Exclude<Hash, "none"> | null;

  constructor(private readonly options: SealerOptions) {
    this.clusterTag = createHash("sha256").update(`quorate cluster ${options.clusterName}`).digest().readUInt32BE(0);
    this.hmac = options.cipher === "none" && options.hash !== "none" ? options.hash : null;
    this.keyBytes = this.hmac !== null ? digestBytes[this.hmac] : { none: 0, aes128: 16, aes192: 24, aes256: 32 }[options.cipher];
    this.algorithm = `aes-${this.keyBytes === 16 ? 128 : this.keyBytes === 24 ? 192 : 256}-gcm`;
    if (this.keyBytes > 0) {
      assert(options.authkey !== undefined && options.authkey.length >= authkeyBytesMin, "an authkey of at least 128 bytes is required for authentication");
    }
    this.sendKey = this.keyBytes === 0 ? undefined : this.keyFor(options.nodeid, options.epoch);
  }

  /** Packets are authenticated (encrypted with AES-GCM, or signed with an HMAC). */
  get sealed(): boolean {
    return this.sendKey !== undefined;
  }

  seal(payload: Uint8Array): Buffer {
    const seq = ++this.seq;
    if (this.hmac !== null) return this.sign(seq, payload);
    if (this.sendKey === undefined) {
      const packet = Buffer.allocUnsafe(plainHeaderBytes + payload.length);
      packet.writeUInt8(versionPlain, 0);
      packet.writeUInt32BE(this.options.nodeid, 1);
      packet.writeUInt32BE(this.clusterTag, 5);
      packet.writeBigUInt64BE(this.options.epoch, 9);
      packet.writeBigUInt64BE(BigInt(seq), 17);
      packet.set(payload, plainHeaderBytes);
      return packet;
    }
    const header = Buffer.allocUnsafe(sealedHeaderBytes);
    writeHeader(header, versionSealed, this.options.nodeid, this.options.epoch, seq);
    const cipher = createCipheriv(this.algorithm, this.sendKey, nonceOf(seq));
    cipher.setAAD(header);
    return Buffer.concat([header, cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  }

  open(packet: Buffer): Opened {
    const opened = this.hmac !== null ? this.openSigned(packet, this.hmac) : this.sendKey === undefined ? this.openPlain(packet) : this.openSealed(packet);
    if (!opened.ok) this.drops[opened.reason]++;
    return opened;
  }

  private sign(seq: number, payload: Uint8Array): Buffer {
    const packet = Buffer.allocUnsafe(sealedHeaderBytes + payload.length + this.keyBytes);
    writeHeader(packet, versionSigned, this.options.nodeid, this.options.epoch, seq);
    packet.set(payload, sealedHeaderBytes);
    const end = sealedHeaderBytes + payload.length;
    createHmac(this.hmac!, this.sendKey!).update(packet.subarray(0, end)).digest().copy(packet, end);
    return packet;
  }

  private openSigned(packet: Buffer, hash: Exclude<Hash, "none">): Opened {
    const tagLength = digestBytes[hash];
    if (packet.length < sealedHeaderBytes + tagLength) return { ok: false, reason: "short" };
    if (packet.readUInt8(0) !== versionSigned) return { ok: false, reason: "version" };
    const sender = packet.readUInt32BE(1) as NodeId;
    const epoch = packet.readBigUInt64BE(5);
    const end = packet.length - tagLength;
    const expected = createHmac(hash, this.keyFor(sender, epoch)).update(packet.subarray(0, end)).digest();
    if (!timingSafeEqual(expected, packet.subarray(end))) return { ok: false, reason: "auth" }; // wrong key, wrong cluster_name or forged
    return this.accept(sender, epoch, packet.readBigUInt64BE(13), packet.subarray(sealedHeaderBytes, end));
  }

  private openPlain(packet: Buffer): Opened {
    if (packet.length < plainHeaderBytes) return { ok: false, reason: "short" };
    if (packet.readUInt8(0) !== versionPlain) return { ok: false, reason: "version" };
    if (packet.readUInt32BE(5) !== this.clusterTag) return { ok: false, reason: "cluster" };
    const sender = packet.readUInt32BE(1) as NodeId;
    return this.accept(sender, packet.readBigUInt64BE(9), packet.readBigUInt64BE(17), packet.subarray(plainHeaderBytes));
  }

  private openSealed(packet: Buffer): Opened {
    if (packet.length < sealedHeaderBytes + tagBytes) return { ok: false, reason: "short" };
    if (packet.readUInt8(0) !== versionSealed) return { ok: false, reason: "version" };
    const sender = packet.readUInt32BE(1) as NodeId;
    const epoch = packet.readBigUInt64BE(5);
    const seq = packet.readBigUInt64BE(13);
    const decipher = createDecipheriv(this.algorithm, this.keyFor(sender, epoch), nonceOf(Number(seq & 0xffffffffffffn)));
    decipher.setAAD(packet.subarray(0, sealedHeaderBytes));
    decipher.setAuthTag(packet.subarray(packet.length - tagBytes));
    let payload: Buffer;
    try {
      payload = Buffer.concat([decipher.update(packet.subarray(sealedHeaderBytes, packet.length - tagBytes)), decipher.final()]);
    } catch {
      return { ok: false, reason: "auth" }; // wrong key, wrong cluster_name or a forged/damaged packet
    }
    return this.accept(sender, epoch, seq, payload);
  }

  private accept(sender: NodeId, epoch: bigint, seq: bigint, payload: Buffer): Opened {
    if (sender === this.options.nodeid && epoch === this.options.epoch) return { ok: false, reason: "self" };
    let window = this.windows.get(sender);
    if (window === undefined) {
      window = new ReplayWindow();
      this.windows.set(sender, window);
    }
    if (!window.accept(epoch, seq)) return { ok: false, reason: "replay" };
    return { ok: true, sender, payload };
  }

  /** Per sender and boot key; cached (bounded) because HKDF per packet would cost more than the cipher. */
  private keyFor(sender: number, epoch: bigint): Buffer {
    const id = `${sender}/${epoch}`;
    const cached = this.keyCache.get(id);
    if (cached !== undefined) return cached;
    const info = Buffer.alloc(12);
    info.writeUInt32BE(sender, 0);
    info.writeBigUInt64BE(epoch, 4);
    const salt = Buffer.from(`quorate totem v1 cluster=${this.options.clusterName}`);
    const key = Buffer.from(hkdfSync("sha256", this.options.authkey!, salt, info, this.keyBytes));
    if (this.keyCache.size >= keyCacheMax) this.keyCache.delete(this.keyCache.keys().next().value!);
    this.keyCache.set(id, key);
    return key;
  }
}

/** The 21-byte header shared by sealed and signed packets. */
function writeHeader(packet: Buffer, version: number, sender: NodeId, epoch: bigint, seq: number): void {
  packet.writeUInt8(version, 0);
  packet.writeUInt32BE(sender, 1);
  packet.writeBigUInt64BE(epoch, 5);
  packet.writeBigUInt64BE(BigInt(seq), 13);
}

function nonceOf(seq: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(seq), 4);
  return nonce;
}
