import { BoundedQueue } from "../../lib/bounded-queue.js";
import type { Frame, NodeId, PayloadPart } from "./types.js";

/** Per-part framing overhead on the wire (flags + length). */
const PART_OVERHEAD_BYTES = 5;
/** Frame header bytes, counted against netmtu. */
const FRAME_OVERHEAD_BYTES = 48;

/**
 * Application payloads waiting for the token, packed into frames of about
 * netmtu bytes; a payload larger than a frame is split into fragments.
 */
export class SendQueue {
  private readonly payloads: BoundedQueue<{ readonly bytes: Uint8Array; readonly safe: boolean }>;
  /** Bytes of the head payload already sent as fragments. */
  private headOffset = 0;
  private queuedBytes = 0;

  constructor(capacity: number, private readonly netmtu: number) {
    this.payloads = new BoundedQueue(capacity, "drop-newest");
  }

  get length(): number {
    return this.payloads.length;
  }

  get dropped(): number {
    return this.payloads.dropped;
  }

  get space(): number {
    return this.payloads.capacity - this.payloads.length;
  }

  /** Frames needed to send everything queued: the unit of the token's backlog. */
  get backlogFrames(): number {
    return Math.ceil((this.queuedBytes - this.headOffset) / this.frameRoom());
  }

  push(payload: Uint8Array, safe: boolean): boolean {
    const accepted = this.payloads.push({ bytes: payload, safe });
    if (accepted) this.queuedBytes += payload.byteLength + PART_OVERHEAD_BYTES;
    return accepted;
  }

  /** A partly sent payload restarts whole on the next ring, where nobody holds its first fragments. */
  restartPartial(): void {
    this.headOffset = 0;
  }

  nextFrame(seq: number, origin: NodeId): Frame {
    const parts: PayloadPart[] = [];
    let room = this.frameRoom();
    let safe = false;
    for (let entry = this.payloads.peek(); entry !== undefined; entry = this.payloads.peek()) {
      const head = entry.bytes;
      safe ||= entry.safe; // one safe payload makes the frame wait for stability
      const rest = head.byteLength - this.headOffset;
      if (rest + PART_OVERHEAD_BYTES <= room) {
        parts.push({ more: false, bytes: this.headOffset === 0 ? head : head.subarray(this.headOffset) });
        room -= rest + PART_OVERHEAD_BYTES;
        this.payloads.shift();
        this.queuedBytes -= head.byteLength + PART_OVERHEAD_BYTES;
        this.headOffset = 0;
        continue;
      }
      if (rest + PART_OVERHEAD_BYTES > this.frameRoom()) {
        const take = room - PART_OVERHEAD_BYTES;
        if (take > 0) {
          parts.push({ more: true, bytes: head.subarray(this.headOffset, this.headOffset + take) });
          this.headOffset += take;
        }
      }
      break;
    }
    return { seq, origin, old: null, safe, parts };
  }

  private frameRoom(): number {
    return this.netmtu - FRAME_OVERHEAD_BYTES;
  }
}
