import { assert } from "../../lib/assert.js";

/**
 * Bytes received from a stream, kept as the chunks they arrived in. take()
 * returns a view into a chunk when the bytes lie in one (no copy, the common
 * case for request headers and small writes) and copies only when they span
 * chunks.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private headOffset = 0;
  private availableBytes = 0;

  /** allocate: where copies go (a driver may pass one that skips zero-filling bytes about to be overwritten). */
  constructor(private readonly allocate: (byteCount: number) => Uint8Array = (byteCount) => new Uint8Array(byteCount)) {}

  get length(): number {
    return this.availableBytes;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.availableBytes += chunk.length;
  }

  take(byteCount: number): Uint8Array {
    assert(byteCount >= 0 && byteCount <= this.availableBytes, "ByteQueue.take beyond available bytes");
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.headOffset >= byteCount) {
      const view = first.subarray(this.headOffset, this.headOffset + byteCount);
      this.advance(byteCount);
      return view;
    }
    const out = this.allocate(byteCount);
    assert(out.length === byteCount, "allocator returned a buffer of the wrong size");
    let filled = 0;
    while (filled < byteCount) {
      const chunk = this.chunks[0];
      assert(chunk !== undefined, "ByteQueue lost count of its bytes");
      const part = Math.min(chunk.length - this.headOffset, byteCount - filled);
      out.set(chunk.subarray(this.headOffset, this.headOffset + part), filled);
      filled += part;
      this.advance(part);
    }
    return out;
  }

  /** Drops up to byteCount bytes; returns how many were dropped. */
  skip(byteCount: number): number {
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
