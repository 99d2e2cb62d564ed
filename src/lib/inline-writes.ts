/**
 * Whether a file write may run on the event loop. A write into the page cache
 * costs microseconds, and doing it inline saves a thread-pool round trip: two
 * thread wake-ups, each an inter-processor interrupt when the threads sit on
 * different CPUs. But a store that blocks (writeback throttling, a slow
 * device) would stall the event loop and everything on it, so one slow inline
 * write sends writes to the thread pool for a while.
 */
export interface InlineWriteLimits {
  /** Larger writes always go to the thread pool. */
  readonly bytesMax: number;
  /** An inline write that took longer than this means the store blocks. */
  readonly slowMs: number;
  /** How long writes then go to the thread pool. */
  readonly poolForMs: number;
  /** A monotonic clock in milliseconds. */
  readonly now: () => number;
}

export const defaultInlineWriteLimits: InlineWriteLimits = {
  bytesMax: 1024 * 1024,
  slowMs: 20,
  poolForMs: 30_000,
  now: () => performance.now(),
};

export class InlineWrites {
  private poolUntil = Number.NEGATIVE_INFINITY;
  /** Writes run inline, and sent to the thread pool, so far. */
  inline = 0;
  pooled = 0;

  constructor(private readonly limits: InlineWriteLimits = defaultInlineWriteLimits) {}

  /** Whether a write of byteCount bytes may run inline now (counted as pooled if not). */
  allows(byteCount: number): boolean {
    const inline = byteCount <= this.limits.bytesMax && this.limits.now() >= this.poolUntil;
    if (!inline) this.pooled++;
    return inline;
  }

  /** Runs one synchronous write and notes whether it blocked. */
  run<T>(write: () => T): T {
    const started = this.limits.now();
    try {
      return write();
    } finally {
      this.inline++;
      const finished = this.limits.now();
      if (finished - started > this.limits.slowMs) this.poolUntil = finished + this.limits.poolForMs;
    }
  }
}
