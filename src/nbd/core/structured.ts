/**
 * Structured replies (proto.md "Structured reply chunk message"), negotiated
 * with NBD_OPT_STRUCTURED_REPLY: a read is answered with OFFSET_DATA chunks
 * and OFFSET_HOLE chunks for runs that read as zeroes, errors with an ERROR
 * chunk, and NBD_CMD_BLOCK_STATUS with a BLOCK_STATUS chunk for the
 * base:allocation metadata context. Other commands keep simple replies, as
 * the specification allows.
 */
import type { BlockErrno } from "../block-device.js";
import { ERRNO } from "./protocol.js";

export const STRUCTURED_REPLY_MAGIC = 0x668e33ef;
export const STRUCTURED_HEADER_BYTES = 20;
export const REPLY_FLAG_DONE = 1 << 0;

export const ChunkType = {
  NONE: 0,
  OFFSET_DATA: 1,
  OFFSET_HOLE: 2,
  BLOCK_STATUS: 5,
  ERROR: (1 << 15) + 1,
} as const;

/** The one metadata context Quorate serves, and the id it gets on the wire. */
export const BASE_ALLOCATION = "base:allocation";
export const BASE_ALLOCATION_ID = 1;
/** base:allocation extent flags. */
export const STATE_HOLE = 1 << 0;
export const STATE_ZERO = 1 << 1;

/** Zero runs shorter than this go as data: a hole chunk costs about as much as 4 KiB of zeroes avoids. */
const HOLE_BYTES_MIN = 4096;
const ZEROES = new Uint8Array(HOLE_BYTES_MIN);

function header(handle: bigint, flags: number, type: number, lengthBytes: number, extraBytes = 0): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(STRUCTURED_HEADER_BYTES + extraBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, STRUCTURED_REPLY_MAGIC);
  view.setUint16(4, flags);
  view.setUint16(6, type);
  view.setBigUint64(8, handle);
  view.setUint32(16, lengthBytes);
  return { bytes, view };
}

/** Most data blocks show a non-zero byte at once: looking at these first costs far less than a call to compare. */
const QUICK_LOOK_BYTES = 16;

function isZero(data: Uint8Array, from: number): boolean {
  if (from + HOLE_BYTES_MIN > data.length) return false;
  for (let at = from; at < from + QUICK_LOOK_BYTES; at++) if (data[at] !== 0) return false;
  const block = data.subarray(from, from + HOLE_BYTES_MIN);
  return Buffer.compare(block, ZEROES) === 0;
}

/**
 * The chunks answering a successful read of `data` at `offsetBytes`: parts to
 * send in order (headers, and views into `data`, never copies of it). Runs of
 * whole 4 KiB zero blocks (counted from the start of the read) become holes;
 * the last chunk carries the DONE flag.
 */
export function encodeReadChunks(handle: bigint, offsetBytes: number, data: Uint8Array): Uint8Array[] {
  const runs: Array<{ at: number; end: number; hole: boolean }> = [];
  for (let at = 0; at < data.length; at += HOLE_BYTES_MIN) {
    const hole = isZero(data, at);
    const end = Math.min(data.length, at + HOLE_BYTES_MIN);
    const last = runs.at(-1);
    if (last !== undefined && last.hole === hole) last.end = end;
    else runs.push({ at, end, hole });
  }
  if (runs.length === 0) runs.push({ at: 0, end: 0, hole: false });
  const parts: Uint8Array[] = [];
  runs.forEach((run, i) => {
    const flags = i === runs.length - 1 ? REPLY_FLAG_DONE : 0;
    const offset = BigInt(offsetBytes + run.at);
    if (run.hole) {
      const { bytes, view } = header(handle, flags, ChunkType.OFFSET_HOLE, 12, 12);
      view.setBigUint64(20, offset);
      view.setUint32(28, run.end - run.at);
      parts.push(bytes);
      return;
    }
    const { bytes, view } = header(handle, flags, ChunkType.OFFSET_DATA, 8 + run.end - run.at, 8);
    view.setBigUint64(20, offset);
    parts.push(bytes, data.subarray(run.at, run.end));
  });
  return parts;
}

/** An ERROR chunk (with DONE): the request failed. */
export function encodeErrorChunk(handle: bigint, errno: BlockErrno, message = ""): Uint8Array {
  const text = new TextEncoder().encode(message.slice(0, 256));
  const { bytes, view } = header(handle, REPLY_FLAG_DONE, ChunkType.ERROR, 6 + text.length, 6 + text.length);
  view.setUint32(20, ERRNO[errno]);
  view.setUint16(24, text.length);
  bytes.set(text, 26);
  return bytes;
}

export interface Extent {
  lengthBytes: number;
  flags: number;
}

/** The BLOCK_STATUS chunk (with DONE) of one metadata context. */
export function encodeBlockStatus(handle: bigint, contextId: number, extents: readonly Extent[]): Uint8Array {
  const { bytes, view } = header(handle, REPLY_FLAG_DONE, ChunkType.BLOCK_STATUS, 4 + 8 * extents.length, 4 + 8 * extents.length);
  view.setUint32(20, contextId);
  extents.forEach((e, i) => {
    view.setUint32(24 + 8 * i, e.lengthBytes);
    view.setUint32(28 + 8 * i, e.flags);
  });
  return bytes;
}
