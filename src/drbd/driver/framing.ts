import { assert } from "../../lib/assert.js";
import { ByteQueue } from "../../lib/byte-queue.js";
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

/** The part of a frame read so far: its prefix, then its header. */
interface FrameInProgress {
  readonly headerBytes: number;
  readonly payloadBytes: number;
  header: Record<string, unknown> | undefined;
}

const PREFIX_BYTES = 6;

/**
 * Accumulates stream bytes and yields whole frames; a malformed frame is an
 * error value. A payload that has not all arrived is reserved, so a socket
 * reading in place (sink/sunk) receives it straight into its own buffer.
 */
export class FrameReader {
  private readonly queue: ByteQueue;
  private frame: FrameInProgress | undefined;

  /** allocate: where payloads are gathered (unzeroed: every byte is overwritten). */
  constructor(allocate: (byteCount: number) => Uint8Array = (byteCount) => Buffer.allocUnsafe(byteCount)) {
    this.queue = new ByteQueue(allocate);
  }

  push(chunk: Uint8Array): void {
    this.queue.push(chunk);
  }

  sink(): Uint8Array | undefined {
    return this.queue.sink();
  }

  sunk(byteCount: number): void {
    this.queue.sunk(byteCount);
  }

  next(): PeerMsg | undefined | Error {
    if (this.frame === undefined) {
      if (this.queue.length < PREFIX_BYTES) return undefined;
      const prefix = viewOf(this.queue.take(PREFIX_BYTES));
      const length = prefix.getUint32(0);
      const headerBytes = prefix.getUint16(4);
      if (length < 2 || length > FRAME_BYTES_MAX) return new Error(`bad frame length ${length}`);
      if (headerBytes > length - 2) return new Error("frame header longer than frame");
      this.frame = { headerBytes, payloadBytes: length - 2 - headerBytes, header: undefined };
    }
    const frame = this.frame;
    if (frame.header === undefined) {
      if (this.queue.length < frame.headerBytes) return undefined;
      const header = parseHeader(this.queue.take(frame.headerBytes), frame.payloadBytes);
      if (header instanceof Error) return header;
      frame.header = header;
    }
    if (this.queue.length < frame.payloadBytes) {
      this.queue.reserve(frame.payloadBytes);
      return undefined;
    }
    this.frame = undefined;
    const header = frame.header;
    const key = header.$payload;
    if (key === "data" || key === "bitmap") {
      delete header.$payload;
      const payload = this.queue.take(frame.payloadBytes);
      header[key] = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    }
    return header as unknown as PeerMsg;
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseHeader(bytes: Uint8Array, payloadBytes: number): Record<string, unknown> | Error {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")) as Record<string, unknown>;
  } catch (error) {
    return new Error(`bad frame header: ${String(error)}`);
  }
  if (typeof header !== "object" || header === null || typeof header.t !== "string") return new Error("frame without a type");
  const key = header.$payload;
  if (key === undefined) return payloadBytes === 0 ? header : new Error(`${payloadBytes} payload bytes without a payload key`);
  if (key !== "data" && key !== "bitmap") return new Error(`bad payload key ${String(key)}`);
  return header;
}
