import { BoundedQueue } from "../../lib/bounded-queue.js";
import type { Frame, NodeId, PayloadPart } from "./types.js";

/** Per-part framing overhead on the wire (flags + length). */
const PART_OVERHEAD_BYTES = 5;
/** Frame header bytes, counted against netmtu. */
const FRAME_OVERHEAD_BYTES = 48;
/** Smallest first fragment cut to fill the rest of a frame. */
const FRAGMENT_BYTES_MIN = 256;

/**
 * Application payloads waiting for the token, packed into frames of about
 * netmtu bytes; a payload larger than a frame is split into fragments.
 */
export class SendQueue {
  private readonly payloads: BoundedQueue<{ readonly bytes: Uint8Array; readonly safe: boolean }>;
  /** Bytes of the head payload already sent as fragments. */
  private headOffset = 0;
  private queuedBytes = 0;

  /**
   * `admissionFrames`: flow control toward clients. Application traffic is
   * admitted while less than this many frames wait, so a saturated sender's
   * queue drains in about one token visit and latency stays near one rotation;
   * the hard `capacity` (in payloads) is only for the services' own messages.
   */
  constructor(capacity: number, private readonly netmtu: number, private readonly admissionFrames: number) {
    this.payloads = new BoundedQueue(capacity, "drop-newest");
  }

  /** True when clients should be told "try again" (corosync's CS_ERR_TRY_AGAIN) rather than queue more. */
  get congested(): boolean {
    return this.backlogFrames >= this.admissionFrames;
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
      // Fill the frame with the head's first bytes (as corosync's totempg packs): a 1 KiB payload
      // would otherwise leave 30% of a 1500-byte frame empty. Tiny tails are not worth a fragment.
      const take = room - PART_OVERHEAD_BYTES;
      if (take > 0 && (take >= FRAGMENT_BYTES_MIN || rest + PART_OVERHEAD_BYTES > this.frameRoom())) {
        parts.push({ more: true, bytes: head.subarray(this.headOffset, this.headOffset + take) });
        this.headOffset += take;
      }
      break;
    }
    return { seq, origin, old: null, safe, parts };
  }

  private frameRoom(): number {
    return this.netmtu - FRAME_OVERHEAD_BYTES;
  }
}
