import type { BlockErrno } from "../block-device.js";
import {
  CMD_FLAG_FUA, CMD_FLAG_NO_HOLE, CMD_FLAG_REQ_ONE, Command, ERRNO, REQUEST_MAGIC, SIMPLE_REPLY_HEADER_BYTES, SIMPLE_REPLY_MAGIC,
} from "./protocol.js";
import { encodeErrorChunk } from "./structured.js";

/** A transmission-phase request the server must carry out on the export's device. */
export type NbdRequest =
  | { kind: "read"; handle: bigint; offsetBytes: number; lengthBytes: number }
  | { kind: "write"; handle: bigint; offsetBytes: number; data: Uint8Array; fua: boolean }
  | { kind: "flush"; handle: bigint }
  | { kind: "trim"; handle: bigint; offsetBytes: number; lengthBytes: number; fua: boolean }
  | { kind: "write-zeroes"; handle: bigint; offsetBytes: number; lengthBytes: number; fua: boolean }
  /** base:allocation extents of a range (only after SET_META_CONTEXT selected it). */
  | { kind: "block-status"; handle: bigint; offsetBytes: number; lengthBytes: number; reqOne: boolean };

export interface RequestHeader {
  readonly flags: number;
  readonly type: number;
  readonly handle: bigint;
  /** May exceed 2^53 (imprecise) for hostile input; always compared against the export size. */
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

/** What the session knows of the export it serves. */
export interface AttachedExport {
  readonly sizeBytes: number;
  readonly readOnly: boolean;
}

/** Returns undefined when the magic is wrong (a protocol violation). */
export function decodeRequestHeader(bytes: Uint8Array): RequestHeader | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== REQUEST_MAGIC) return undefined;
  return {
    flags: view.getUint16(4),
    type: view.getUint16(6),
    handle: view.getBigUint64(8),
    offsetBytes: view.getUint32(16) * 0x1_0000_0000 + view.getUint32(20),
    lengthBytes: view.getUint32(24),
  };
}

/** Commands that carry a payload of `length` bytes after the header. */
export function payloadBytes(header: RequestHeader): number {
  return header.type === Command.WRITE ? header.lengthBytes : 0;
}

const allowedFlags: Record<number, number> = {
  [Command.READ]: CMD_FLAG_FUA,
  [Command.WRITE]: CMD_FLAG_FUA,
  [Command.FLUSH]: CMD_FLAG_FUA,
  [Command.TRIM]: CMD_FLAG_FUA,
  [Command.WRITE_ZEROES]: CMD_FLAG_FUA | CMD_FLAG_NO_HOLE,
  [Command.BLOCK_STATUS]: CMD_FLAG_REQ_ONE,
};

/**
 * Checks a request against the export (proto.md "Error values"): unknown
 * commands or flags are EINVAL, writes past the end ENOSPC, writes on a
 * read-only export EPERM, payloads above the maximum block size EOVERFLOW.
 */
export function requestError(header: RequestHeader, exp: AttachedExport, requestBytesMax: number, blockStatus = false): BlockErrno | undefined {
  const allowed = allowedFlags[header.type];
  if (allowed === undefined) return "EINVAL";
  if (header.type === Command.BLOCK_STATUS && !blockStatus) return "EINVAL";
  if ((header.flags & ~allowed) !== 0) return "EINVAL";
  if (header.type === Command.FLUSH) return header.offsetBytes === 0 && header.lengthBytes === 0 ? undefined : "EINVAL";
  if (header.lengthBytes === 0) return "EINVAL";
  const isWrite = header.type !== Command.READ && header.type !== Command.BLOCK_STATUS;
  if (isWrite && exp.readOnly) return "EPERM";
  if ((header.type === Command.READ || header.type === Command.WRITE) && header.lengthBytes > requestBytesMax) return "EOVERFLOW";
  if (header.offsetBytes + header.lengthBytes > exp.sizeBytes) {
    return header.type === Command.WRITE || header.type === Command.WRITE_ZEROES ? "ENOSPC" : "EINVAL";
  }
  return undefined;
}

/** Builds the request of a header that passed requestError(); `payload` is the write data. */
export function toRequest(header: RequestHeader, payload: Uint8Array): NbdRequest {
  const { handle, offsetBytes, lengthBytes } = header;
  const fua = (header.flags & CMD_FLAG_FUA) !== 0;
  switch (header.type) {
    case Command.READ: return { kind: "read", handle, offsetBytes, lengthBytes };
    case Command.WRITE: return { kind: "write", handle, offsetBytes, data: payload, fua };
    case Command.FLUSH: return { kind: "flush", handle };
    case Command.TRIM: return { kind: "trim", handle, offsetBytes, lengthBytes, fua };
    case Command.BLOCK_STATUS: return { kind: "block-status", handle, offsetBytes, lengthBytes, reqOne: (header.flags & CMD_FLAG_REQ_ONE) !== 0 };
    default: return { kind: "write-zeroes", handle, offsetBytes, lengthBytes, fua };
  }
}

/** The 16-byte simple reply header; a successful read is followed by its data. */
export function encodeSimpleReply(handle: bigint, errno: BlockErrno | undefined): Uint8Array {
  const bytes = new Uint8Array(SIMPLE_REPLY_HEADER_BYTES);
  writeSimpleReply(bytes, 0, handle, errno);
  return bytes;
}

/** The error reply of a request: an ERROR chunk for READ and BLOCK_STATUS once structured replies are negotiated. */
export function encodeErrorReply(header: Pick<RequestHeader, "type" | "handle">, errno: BlockErrno, structured: boolean): Uint8Array {
  const chunked = structured && (header.type === Command.READ || header.type === Command.BLOCK_STATUS);
  return chunked ? encodeErrorChunk(header.handle, errno) : encodeSimpleReply(header.handle, errno);
}

/** Writes a simple reply header into `target` at `at` (lets a driver batch replies in one buffer). */
export function writeSimpleReply(target: Uint8Array, at: number, handle: bigint, errno: BlockErrno | undefined): void {
  const view = new DataView(target.buffer, target.byteOffset + at, SIMPLE_REPLY_HEADER_BYTES);
  view.setUint32(0, SIMPLE_REPLY_MAGIC);
  view.setUint32(4, errno === undefined ? 0 : ERRNO[errno]);
  view.setBigUint64(8, handle);
}
