import { assert } from "../../lib/assert.js";
import { extentOf } from "./metadata.js";

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
    for (let e = extentOf(offsetBytes); e <= extentOf(offsetBytes + lengthBytes - 1); e++) {
      const at = this.extents.indexOf(e);
      if (at >= 0 && at === this.extents.length - 1) continue;
      if (at >= 0) this.extents.splice(at, 1);
      else changed = true;
      this.extents.push(e);
    }
    while (this.extents.length > this.capacity) this.extents.shift();
    return changed;
  }

  clear(): void {
    this.extents.length = 0;
  }

  snapshot(): number[] {
    return [...this.extents];
  }
}
