import { assert } from "./assert.js";

/**
 * Reuses large I/O buffers. A payload received into memory used a moment ago
 * lands in mapped, cache-warm pages; a fresh 1 MiB allocation page-faults
 * and misses the cache on every line (on loopback, about 12% of the CPU a
 * sequential 1 MiB write costs the NBD server).
 *
 * Buffers come in power-of-two capacities; a caller gets a view of the size
 * it asked for and gives it back once nothing refers to it any more.
 */
export class BufferPool {
  private readonly idle = new Map<number, ArrayBuffer[]>();
  /** Handed out and not yet given back: a second give() of the same memory would lend it twice. */
  private readonly lent = new WeakSet<ArrayBufferLike>();
  private idleBytes = 0;

  constructor(
    /** Smaller requests are plain allocations (Node pools those itself). */
    private readonly pooledBytesMin = 64 * 1024,
    /** Idle memory kept for reuse; more is left to the garbage collector. */
    private readonly idleBytesMax = 32 * 1024 * 1024,
  ) {}

  take(byteCount: number): Uint8Array {
    if (byteCount < this.pooledBytesMin) return Buffer.allocUnsafe(byteCount);
    const capacity = 2 ** Math.ceil(Math.log2(byteCount));
    let memory = this.idle.get(capacity)?.pop();
    if (memory === undefined) {
      const fresh = Buffer.allocUnsafeSlow(capacity);
      memory = fresh.buffer as ArrayBuffer;
    } else {
      this.idleBytes -= capacity;
    }
    this.lent.add(memory);
    return Buffer.from(memory, 0, byteCount);
  }

  /** bytes (from take(), or any other memory, which is ignored) is referred to nowhere any more. */
  give(bytes: Uint8Array): void {
    const memory = bytes.buffer;
    if (!this.lent.delete(memory)) return;
    assert(memory instanceof ArrayBuffer, "pooled memory is an ArrayBuffer");
    if (this.idleBytes + memory.byteLength > this.idleBytesMax) return;
    const list = this.idle.get(memory.byteLength) ?? [];
    this.idle.set(memory.byteLength, list);
    list.push(memory);
    this.idleBytes += memory.byteLength;
  }
}
