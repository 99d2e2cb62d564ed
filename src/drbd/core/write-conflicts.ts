/**
 * Concurrent writes of two Primaries to the same blocks (allow-two-primaries).
 *
 * Each node writes its own requests locally at once and the peer's when they
 * arrive, so two overlapping writes crossing on the wire land in opposite
 * orders on the two disks. One node, the arbiter (the lower node name), has
 * the order that counts: its own writes in issue order, and the peer's at the
 * moment they arrive, which it announces with a `placed` frame sent before any
 * later write of its own. The other node keeps its writes that the arbiter has
 * not placed yet; when one of the arbiter's writes arrives over them, those
 * writes come after it in the arbiter's order, so their bytes are laid over
 * the incoming data before it is written. Both disks then end with the same
 * bytes, whatever the timing.
 */
export function isArbiter(node: string, peer: string): boolean {
  return node < peer;
}

interface Unplaced {
  off: number;
  data: Uint8Array;
}

/**
 * The non-arbiter's own writes that the arbiter has not placed in its order
 * yet. The same bookkeeping serves a Primary resyncing as SyncTarget: its
 * writes the peer has not acknowledged yet are laid over incoming resync data,
 * which may have been read before the peer wrote them.
 */
export class UnplacedWrites {
  private readonly writes = new Map<number, Unplaced>();
  /** Incoming writes (or resync data) that met unplaced ones of ours (for status and tests). */
  conflicts = 0;

  /** A write of ours sent to the arbiter; the data is copied (the caller may reuse its buffer). */
  track(seq: number, off: number, data: Uint8Array): void {
    this.writes.set(seq, { off, data: data.slice() });
  }

  /** The arbiter placed (or wrote and acknowledged) our write `seq`. */
  placed(seq: number): void {
    this.writes.delete(seq);
  }

  clear(): void {
    this.writes.clear();
  }

  get size(): number {
    return this.writes.size;
  }

  /**
   * What to write for the arbiter's write of `data` at `off`: its bytes, with
   * our unplaced writes laid over them in issue order (they follow it in the
   * arbiter's order). Returns `data` itself when nothing overlaps.
   */
  overlay(off: number, data: Uint8Array): Uint8Array {
    const end = off + data.length;
    let out = data;
    for (const w of this.writes.values()) {
      const from = Math.max(off, w.off);
      const to = Math.min(end, w.off + w.data.length);
      if (from >= to) continue;
      if (out === data) {
        out = data.slice();
        this.conflicts++;
      }
      out.set(w.data.subarray(from - w.off, to - w.off), from - off);
    }
    return out;
  }
}
