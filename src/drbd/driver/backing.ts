import { readSync, writeSync } from "node:fs";
import { open, readFile, stat, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { InlineWrites } from "../../lib/inline-writes.js";
import { err, ok, type Result } from "../../lib/result.js";
import { BITMAP_PAGE_BYTES } from "../core/bitmap.js";
import { encodeSlot, freshSuperblock, metaLayout, pickSlot, SLOT_BYTES, slotOf, type MetaLayout, type Superblock } from "../core/metadata.js";

/** Up to this size, reads are done synchronously: a page-cache hit costs microseconds, a thread-pool round trip tens. */
const SYNC_READ_BYTES_MAX = 64 * 1024;

interface InFlight {
  start: number;
  end: number;
  write: boolean;
  done: Promise<unknown>;
}

/** Size of a regular file or a block device (from sysfs). */
async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isBlockDevice()) return info.size;
  const sectors = await readFile(`/sys/class/block/${basename(path)}/size`, "utf8");
  return Number(sectors.trim()) * 512;
}

export interface LoadedMeta {
  sb: Superblock;
  bits: Uint8Array;
}

/**
 * The backing store and its metadata. Overlapping operations run in issue
 * order; a metadata write is a barrier that later data writes wait for (the
 * activity log must be on disk before the writes it covers).
 */
export class Backing {
  private inFlight: InFlight[] = [];
  private barrier: Promise<unknown> = Promise.resolve();
  private metaInFlight = 0;
  bytesWritten = 0;
  bytesRead = 0;
  metaWrites = 0;

  private constructor(
    readonly diskPath: string,
    private readonly data: FileHandle,
    private readonly meta: FileHandle,
    readonly layout: MetaLayout,
    /**
     * Data writes up to 1 MiB go into the page cache from the event loop: a
     * replicated write then makes no thread-pool round trips on either node
     * (protocol C's sequential 1 MiB writes went up by a quarter; see
     * docs/benchmarks.md, session 6), unless the store has started to block.
     */
    readonly inlineWrites: InlineWrites,
  ) {}

  static async open(diskPath: string, metaDisk: string, inlineWrites = new InlineWrites()): Promise<Result<Backing, string>> {
    const internal = metaDisk === "internal";
    let data: FileHandle | undefined;
    try {
      data = await open(diskPath, "r+");
      const meta = internal ? data : await open(metaDisk, "r+");
      const layout = metaLayout(await sizeOf(diskPath), internal);
      return ok(new Backing(diskPath, data, meta, layout, inlineWrites));
    } catch (error) {
      await data?.close();
      return err(`cannot open ${diskPath}${internal ? "" : ` / ${metaDisk}`}: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight.map((op) => op.done));
    await this.barrier;
    if (this.meta !== this.data) await this.meta.close();
    await this.data.close();
  }

  async readMeta(): Promise<Result<LoadedMeta, string>> {
    const slots = Buffer.alloc(2 * SLOT_BYTES);
    await this.meta.read(slots, 0, slots.length, this.layout.metaOffsetBytes);
    const sb = pickSlot(slots.subarray(0, SLOT_BYTES), slots.subarray(SLOT_BYTES));
    if (sb === undefined) return err(`${this.diskPath}: no valid metadata (run create-md)`);
    if (sb.sizeBytes !== this.layout.dataSizeBytes) return err(`${this.diskPath}: metadata says ${sb.sizeBytes} bytes, the disk holds ${this.layout.dataSizeBytes}`);
    const bits = Buffer.alloc(this.layout.bitmapBytes);
    await this.meta.read(bits, 0, bits.length, this.layout.bitmapOffsetBytes);
    return ok({ sb, bits: new Uint8Array(bits.buffer, bits.byteOffset, bits.length) });
  }

  /** Writes fresh metadata: both slots and a clean bitmap. */
  async createMeta(): Promise<Superblock> {
    const sb = freshSuperblock(this.layout.dataSizeBytes);
    const area = Buffer.alloc(2 * SLOT_BYTES + Math.ceil(this.layout.bitmapBytes / BITMAP_PAGE_BYTES) * BITMAP_PAGE_BYTES);
    area.set(encodeSlot(sb), slotOf(sb.seq) * SLOT_BYTES);
    await this.meta.write(area, 0, area.length, this.layout.metaOffsetBytes);
    await this.meta.datasync();
    return sb;
  }

  /** Persists a superblock and changed bitmap pages; later data writes wait for it. */
  persistMeta(sb: Superblock, pages: Array<{ index: number; bytes: Uint8Array }>): Promise<void> {
    // Pages and slot are small: written here (page cache), only the syncs go to the thread pool.
    const run = async () => {
      for (const page of pages) writeFully(this.meta.fd, page.bytes, this.layout.bitmapOffsetBytes + page.index * BITMAP_PAGE_BYTES);
      // Bitmap pages first: the superblock that follows vouches for them.
      if (pages.length > 0) await this.meta.datasync();
      writeFully(this.meta.fd, encodeSlot(sb), this.layout.metaOffsetBytes + slotOf(sb.seq) * SLOT_BYTES);
      await this.meta.datasync();
      this.metaWrites++;
    };
    this.metaInFlight++;
    const done = this.barrier.then(run, run).finally(() => this.metaInFlight--);
    this.barrier = done.catch(() => undefined);
    return done;
  }

  write(off: number, data: Uint8Array, fua: boolean): Promise<void> {
    const inline = this.inlineWrites.allows(data.length);
    if (inline && !fua && this.inFlight.length === 0 && this.metaInFlight === 0) return this.writeNow(off, data);
    return this.ordered(off, data.length, true, async () => {
      let done = 0;
      while (done < data.length) {
        done += inline
          ? this.inlineWrites.run(() => writeSync(this.data.fd, data, done, data.length - done, off + done))
          : (await this.data.write(data, done, data.length - done, off + done)).bytesWritten;
      }
      if (fua) await this.data.datasync();
      this.bytesWritten += data.length;
    });
  }

  /**
   * A write while the store is otherwise idle: nothing to order it against, so
   * it is written before returning. fdatasync stays on the thread pool: run
   * inline on the event loop it made durable writes several times slower on a
   * loaded machine (measured), though it saves two thread wake-ups.
   */
  private writeNow(off: number, data: Uint8Array): Promise<void> {
    try {
      this.inlineWrites.run(() => writeFully(this.data.fd, data, off));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.bytesWritten += data.length;
    return Promise.resolve();
  }

  read(off: number, len: number): Promise<Uint8Array> {
    return this.ordered(off, len, false, async () => {
      const buffer = Buffer.allocUnsafe(len);
      let filled = 0;
      while (filled < len) {
        const bytesRead = len <= SYNC_READ_BYTES_MAX
          ? readSync(this.data.fd, buffer, filled, len - filled, off + filled)
          : (await this.data.read(buffer, filled, len - filled, off + filled)).bytesRead;
        if (bytesRead === 0) throw new Error(`short read at ${off + filled}`);
        filled += bytesRead;
      }
      this.bytesRead += len;
      return new Uint8Array(buffer.buffer, buffer.byteOffset, len);
    });
  }

  /** Every write issued before the flush is written first, then everything goes to stable storage. */
  async flush(): Promise<void> {
    await Promise.allSettled(this.inFlight.filter((op) => op.write).map((op) => op.done));
    await this.barrier;
    await this.data.datasync();
    if (this.meta !== this.data) await this.meta.datasync();
  }

  private async ordered<T>(off: number, len: number, write: boolean, run: () => Promise<T>): Promise<T> {
    const end = off + len;
    const before = this.inFlight.filter((op) => op.start < end && off < op.end && (write || op.write)).map((op) => op.done);
    // A metadata write still running is a barrier (once it has finished, metaInFlight is 0 and there is none).
    if (write && this.metaInFlight > 0) before.push(this.barrier);
    // Nothing to wait for (the usual case): start now, not a few promise turns later.
    const done = before.length === 0 ? run() : Promise.allSettled(before).then(run);
    const entry: InFlight = { start: off, end, write, done: done.catch(() => undefined) };
    this.inFlight.push(entry);
    try {
      return await done;
    } finally {
      this.inFlight.splice(this.inFlight.indexOf(entry), 1);
    }
  }
}

/** pwrite on the event loop (small writes into the page cache), looping on short writes. */
function writeFully(fd: number, data: Uint8Array, off: number): void {
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done, off + done);
}
