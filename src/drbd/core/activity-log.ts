import { assert } from "../../lib/assert.js";
import { extentOf } from "./metadata.js";

/**
 * Extents brought in ahead of a sequential writer: it then changes the log
 * (one metadata write, during which writes wait) once per four extents, not
 * at every extent. A larger log only means more to resync after a crash.
 */
const SEQUENTIAL_LOOKAHEAD = 3;

/**
 * The activity log: the 4 MiB extents written to recently, least recently
 * used first. A write to an extent outside it changes the log, which must be
 * on disk before the write (after a crash as Primary these extents are resynced).
 */
export class ActivityLog {
  private readonly extents: number[] = [];

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity > 0, "activity log capacity must be a positive integer");
  }

  /** Records the extents a write touches; true when the set of extents changed. */
  touch(offsetBytes: number, lengthBytes: number): boolean {
    let changed = false;
    const last = extentOf(offsetBytes + lengthBytes - 1);
    for (let e = extentOf(offsetBytes); e <= last; e++) {
      const at = this.extents.indexOf(e);
      if (at >= 0 && at === this.extents.length - 1) continue;
      if (at >= 0) this.extents.splice(at, 1);
      else changed = true;
      this.extents.push(e);
    }
    if (changed && this.extents.includes(last - 1)) this.lookAhead(last);
    while (this.extents.length > this.capacity) this.extents.shift();
    return changed;
  }

  /** A writer moving into the next extent: the following ones join too, as far as they fit without evicting any. */
  private lookAhead(last: number): void {
    for (let e = last + 1; e <= last + SEQUENTIAL_LOOKAHEAD && this.extents.length < this.capacity; e++) {
      if (!this.extents.includes(e)) this.extents.push(e);
    }
  }

  clear(): void {
    this.extents.length = 0;
  }

  snapshot(): number[] {
    return [...this.extents];
  }
}
