import { assert } from "./assert.js";

/** A buffer the consumer will take whole, filled as its bytes arrive. */
interface Reservation {
  readonly buffer: Uint8Array;
  filled: number;
}

/**
 * Bytes received from a stream, kept as the chunks they arrived in. take()
 * returns a view into a chunk when the bytes lie in one (no copy, the common
 * case for headers and small payloads) and copies only when they span chunks.
 *
 * A consumer that knows it will take a large payload next reserves it: the
 * bytes already queued move into one buffer, and a driver that can read the
 * socket straight into sink() fills the rest without copying it again.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private headOffset = 0;
  private availableBytes = 0;
  private reservation: Reservation | undefined;

  /** allocate: where copies go (a driver may pass one that skips zero-filling bytes about to be overwritten). */
  constructor(private readonly allocate: (byteCount: number) => Uint8Array = (byteCount) => new Uint8Array(byteCount)) {}

  get length(): number {
    return this.availableBytes;
  }

  push(chunk: Uint8Array): void {
    const reservation = this.reservation;
    if (reservation !== undefined && reservation.filled < reservation.buffer.length) {
      const part = Math.min(chunk.length, reservation.buffer.length - reservation.filled);
      reservation.buffer.set(chunk.subarray(0, part), reservation.filled);
      reservation.filled += part;
      this.availableBytes += part;
      chunk = chunk.subarray(part);
    }
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.availableBytes += chunk.length;
  }

  /**
   * The next take() will be of exactly byteCount bytes: when they have not all
   * arrived, gather the queued ones into one buffer that the rest will fill.
   */
  reserve(byteCount: number): void {
    if (this.reservation !== undefined || byteCount <= this.availableBytes) return;
    const buffer = this.allocate(byteCount);
    assert(buffer.length === byteCount, "allocator returned a buffer of the wrong size");
    const filled = this.availableBytes;
    this.copyInto(buffer, filled);
    this.availableBytes = filled; // the reserved bytes still count as received
    this.reservation = { buffer, filled };
  }

  /** Where the next received bytes may be written in place: the unfilled rest of the reservation, if any. */
  sink(): Uint8Array | undefined {
    const reservation = this.reservation;
    if (reservation === undefined || reservation.filled === reservation.buffer.length) return undefined;
    return reservation.buffer.subarray(reservation.filled);
  }

  /** byteCount bytes were written at the start of the last sink(). */
  sunk(byteCount: number): void {
    const reservation = this.reservation;
    assert(reservation !== undefined && byteCount <= reservation.buffer.length - reservation.filled, "ByteQueue.sunk beyond its sink");
    reservation.filled += byteCount;
    this.availableBytes += byteCount;
  }

  take(byteCount: number): Uint8Array {
    assert(byteCount >= 0 && byteCount <= this.availableBytes, "ByteQueue.take beyond available bytes");
    const reservation = this.reservation;
    if (reservation !== undefined) {
      assert(byteCount === reservation.buffer.length, "ByteQueue.take of other than the reserved size");
      this.reservation = undefined;
      this.availableBytes -= byteCount;
      return reservation.buffer;
    }
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.headOffset >= byteCount) {
      const view = first.subarray(this.headOffset, this.headOffset + byteCount);
      this.advance(byteCount);
      return view;
    }
    const out = this.allocate(byteCount);
    assert(out.length === byteCount, "allocator returned a buffer of the wrong size");
    this.copyInto(out, byteCount);
    return out;
  }

  /** Drops up to byteCount bytes; returns how many were dropped. */
  skip(byteCount: number): number {
    assert(this.reservation === undefined, "ByteQueue.skip of reserved bytes");
    let dropped = 0;
    while (dropped < byteCount && this.availableBytes > 0) {
      const chunk = this.chunks[0];
      assert(chunk !== undefined, "ByteQueue lost count of its bytes");
      const part = Math.min(chunk.length - this.headOffset, byteCount - dropped);
      this.advance(part);
      dropped += part;
    }
    return dropped;
  }

  /** Moves the first byteCount queued bytes into out. */
  private copyInto(out: Uint8Array, byteCount: number): void {
    let filled = 0;
    while (filled < byteCount) {
      const chunk = this.chunks[0];
      assert(chunk !== undefined, "ByteQueue lost count of its bytes");
      const part = Math.min(chunk.length - this.headOffset, byteCount - filled);
      out.set(chunk.subarray(this.headOffset, this.headOffset + part), filled);
      filled += part;
      this.advance(part);
    }
  }

  private advance(byteCount: number): void {
    this.headOffset += byteCount;
    this.availableBytes -= byteCount;
    const first = this.chunks[0];
    if (first !== undefined && this.headOffset === first.length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}
