import type { Socket } from "node:net";
import { frameBytesMax } from "./protocol.js";

/**
 * Framing of the IPC stream: [u32 length][u8 kind][body], length counting kind
 * and body. JSON frames carry requests, replies and events; the two binary
 * frames carry CPG messages, which are most of the traffic, without JSON or base64.
 */
export const frameKind = { json: 1, cpgMcast: 2, cpgDeliver: 3 } as const;
export type FrameKind = (typeof frameKind)[keyof typeof frameKind];

/** One CPG message: the request's id (mcast) or the sender's node id (deliver), a pid, a group, the bytes. */
export interface CpgFrame {
  number: number;
  pid: number;
  group: string;
  payload: Buffer;
}

export function encodeCpgFrame(kind: typeof frameKind.cpgMcast | typeof frameKind.cpgDeliver, frame: CpgFrame): Buffer {
  const group = Buffer.from(frame.group);
  const out = Buffer.allocUnsafe(4 + 1 + 4 + 4 + 2 + group.length + frame.payload.length);
  out.writeUInt32BE(out.length - 4, 0);
  out.writeUInt8(kind, 4);
  out.writeUInt32BE(frame.number, 5);
  out.writeUInt32BE(frame.pid, 9);
  out.writeUInt16BE(group.length, 13);
  group.copy(out, 15);
  frame.payload.copy(out, 15 + group.length);
  return out;
}

export function decodeCpgFrame(body: Buffer): CpgFrame | string {
  if (body.length < 10) return "a CPG frame is shorter than its header";
  const groupBytes = body.readUInt16BE(8);
  if (groupBytes === 0 || 10 + groupBytes > body.length) return "a CPG frame's group name does not fit";
  return { number: body.readUInt32BE(0), pid: body.readUInt32BE(4), group: body.toString("utf8", 10, 10 + groupBytes), payload: body.subarray(10 + groupBytes) };
}

export function encodeJsonFrame(value: unknown): Buffer {
  const text = Buffer.from(JSON.stringify(value));
  const out = Buffer.allocUnsafe(5 + text.length);
  out.writeUInt32BE(text.length + 1, 0);
  out.writeUInt8(frameKind.json, 4);
  text.copy(out, 5);
  return out;
}

/** Splits the stream into frames; a frame over the bound or of an unknown kind ends the connection. */
export function onFrames(socket: Socket, handle: (kind: FrameKind, body: Buffer) => void, onBad: (why: string) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let offset = 0;
    while (buffered.length - offset >= 4) {
      const length = buffered.readUInt32BE(offset);
      if (length < 1 || length > frameBytesMax) return onBad(`a frame of ${length} bytes (1..${frameBytesMax} allowed)`);
      if (buffered.length - offset - 4 < length) break;
      const kind = buffered.readUInt8(offset + 4);
      if (kind !== frameKind.json && kind !== frameKind.cpgMcast && kind !== frameKind.cpgDeliver) return onBad(`unknown frame kind ${kind}`);
      handle(kind, buffered.subarray(offset + 5, offset + 4 + length));
      offset += 4 + length;
    }
    buffered = buffered.subarray(offset);
  });
}

/**
 * Writes frames, joining those of one event-loop turn into one write:
 * deliveries come in bursts, and one large write costs far less than many small ones.
 */
export class FrameWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  constructor(private readonly socket: Socket) {}

  /** Bytes waiting: frames not yet written plus what the socket still holds. */
  get backlog(): number {
    return this.pendingBytes + this.socket.writableLength;
  }

  write(frame: Buffer): void {
    if (this.pending.length === 0) process.nextTick(() => this.flush());
    this.pending.push(frame);
    this.pendingBytes += frame.length;
  }

  private flush(): void {
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.socket.destroyed) this.socket.write(data);
  }
}
