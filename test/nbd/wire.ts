// Client-side byte builders for NBD, written from proto.md, to drive the server
// core and the TCP server with exact bytes (including malformed ones).

export const IHAVEOPT = 0x49484156454f5054n;

export function clientFlags(flags: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, flags);
  return bytes;
}

export function option(code: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const bytes = new Uint8Array(16 + data.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, IHAVEOPT);
  view.setUint32(8, code);
  view.setUint32(12, data.length);
  bytes.set(data, 16);
  return bytes;
}

export function goData(name: string, infoTypes: number[] = []): Uint8Array {
  const encoded = new TextEncoder().encode(name);
  const bytes = new Uint8Array(4 + encoded.length + 2 + 2 * infoTypes.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, encoded.length);
  bytes.set(encoded, 4);
  view.setUint16(4 + encoded.length, infoTypes.length);
  infoTypes.forEach((type, i) => view.setUint16(6 + encoded.length + 2 * i, type));
  return bytes;
}

export function request(type: number, handle: bigint, offset: number, length: number, flags = 0, payload?: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(28 + (payload?.length ?? 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x25609513);
  view.setUint16(4, flags);
  view.setUint16(6, type);
  view.setBigUint64(8, handle);
  view.setBigUint64(16, BigInt(offset));
  view.setUint32(24, length);
  if (payload !== undefined) bytes.set(payload, 28);
  return bytes;
}

export interface OptionReply {
  option: number;
  type: number;
  data: Uint8Array;
}

/** Splits concatenated option replies (magic, option, type, length, data). */
export function parseOptionReplies(bytes: Uint8Array): OptionReply[] {
  const replies: OptionReply[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.length;) {
    if (view.getBigUint64(at) !== 0x3e889045565a9n) throw new Error(`bad option reply magic at ${at}`);
    const length = view.getUint32(at + 16);
    replies.push({ option: view.getUint32(at + 8), type: view.getUint32(at + 12), data: bytes.subarray(at + 20, at + 20 + length) });
    at += 20 + length;
  }
  return replies;
}

export interface SimpleReply {
  error: number;
  handle: bigint;
}

export function parseSimpleReply(bytes: Uint8Array): SimpleReply {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0x67446698) throw new Error("bad simple reply magic");
  return { error: view.getUint32(4), handle: view.getBigUint64(8) };
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
