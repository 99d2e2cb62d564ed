import { assert } from "../../lib/assert.js";
import type { PeerMsg } from "../core/types.js";

/**
 * Peer frames: u32 length of the rest, u16 header length, a JSON header, then
 * an optional binary payload (written data, a bitmap). JSON keeps the
 * protocol readable; the bulk bytes never go through it.
 */
const PAYLOAD_KEYS = ["data", "bitmap"] as const;
export const FRAME_BYTES_MAX = 64 * 1024 * 1024;

export function encodeFrame(msg: PeerMsg): Buffer[] {
  let payload: Uint8Array | undefined;
  let header: Record<string, unknown> = msg;
  for (const key of PAYLOAD_KEYS) {
    const value = (msg as Record<string, unknown>)[key];
    if (value instanceof Uint8Array) {
      payload = value;
      header = { ...msg, [key]: undefined, $payload: key };
      break;
    }
  }
  const json = Buffer.from(JSON.stringify(header));
  assert(json.length < 0xffff, "frame header too large");
  const prefix = Buffer.allocUnsafe(6);
  prefix.writeUInt32BE(2 + json.length + (payload?.length ?? 0), 0);
  prefix.writeUInt16BE(json.length, 4);
  return payload === undefined ? [prefix, json] : [prefix, json, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
}

/** Accumulates stream bytes and yields whole frames; a malformed frame is an error value. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  next(): PeerMsg | undefined | Error {
    if (this.buffered < 4) return undefined;
    const head = this.peek(4);
    const length = head.readUInt32BE(0);
    if (length < 2 || length > FRAME_BYTES_MAX) return new Error(`bad frame length ${length}`);
    if (this.buffered < 4 + length) return undefined;
    const frame = this.take(4 + length).subarray(4);
    const headerBytes = frame.readUInt16BE(0);
    if (headerBytes > length - 2) return new Error("frame header longer than frame");
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(frame.subarray(2, 2 + headerBytes).toString("utf8")) as Record<string, unknown>;
    } catch (error) {
      return new Error(`bad frame header: ${String(error)}`);
    }
    if (typeof header.t !== "string") return new Error("frame without a type");
    const key = header.$payload;
    if (key !== undefined) {
      if (key !== "data" && key !== "bitmap") return new Error(`bad payload key ${String(key)}`);
      delete header.$payload;
      // A view, not a copy: a 1 MiB write is copied once on its way from the socket to the disk.
      header[key] = new Uint8Array(frame.buffer, frame.byteOffset + 2 + headerBytes, length - 2 - headerBytes);
    }
    return header as unknown as PeerMsg;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) {
      this.chunks.unshift(this.take(n));
      this.buffered += n;
    }
    return this.chunks[0]!.subarray(0, n);
  }

  /**
   * The next n bytes: a view when they lie in one chunk, else one copy of
   * exactly those bytes (the chunks after them stay as they are, so a large
   * frame's bytes are copied once, not again with every frame that follows).
   */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      for (let filled = 0; filled < n;) {
        const chunk = this.chunks[0]!;
        const part = Math.min(chunk.length, n - filled);
        chunk.copy(out, filled, 0, part);
        filled += part;
        if (part === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(part);
      }
    }
    this.buffered -= n;
    return out;
  }
}
