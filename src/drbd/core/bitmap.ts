import { assert } from "../../lib/assert.js";

/** Granularity of the dirty bitmap and of resync. */
export const BLOCK_BYTES = 4096;
/** The bitmap is persisted in pages of this many bytes. */
export const BITMAP_PAGE_BYTES = 4096;

/** One bit per 4 KiB block: set means "this block may differ from the peer". */
export class Bitmap {
  readonly bits: Uint8Array;
  private setCount = 0;
  /** Pages changed since the last persist. */
  readonly dirtyPages = new Set<number>();

  constructor(readonly blocks: number, bits?: Uint8Array) {
    assert(Number.isInteger(blocks) && blocks >= 0, "bitmap block count must be a non-negative integer");
    this.bits = bits ?? new Uint8Array(Math.ceil(blocks / 8));
    assert(this.bits.length === Math.ceil(blocks / 8), "bitmap length must match its block count");
    for (let i = 0; i < this.bits.length; i++) this.setCount += popcount(this.bits[i]!);
  }

  get count(): number {
    return this.setCount;
  }

  test(block: number): boolean {
    return (this.bits[block >>> 3]! & (1 << (block & 7))) !== 0;
  }

  set(block: number): void {
    assert(block >= 0 && block < this.blocks, `bitmap block ${block} out of range`);
    if (this.test(block)) return;
    this.bits[block >>> 3]! |= 1 << (block & 7);
    this.setCount++;
    this.dirtyPages.add(Math.floor((block >>> 3) / BITMAP_PAGE_BYTES));
  }

  clear(block: number): void {
    if (!this.test(block)) return;
    this.bits[block >>> 3]! &= ~(1 << (block & 7));
    this.setCount--;
    this.dirtyPages.add(Math.floor((block >>> 3) / BITMAP_PAGE_BYTES));
  }

  setRange(offsetBytes: number, lengthBytes: number): void {
    for (const block of blocksOf(offsetBytes, lengthBytes)) this.set(block);
  }

  setAll(): void {
    for (let b = 0; b < this.blocks; b++) this.set(b);
  }

  clearAll(): void {
    for (let b = 0; b < this.blocks; b++) this.clear(b);
  }

  /** ORs another bitmap (the peer's) into this one. */
  merge(other: Uint8Array): void {
    assert(other.length === this.bits.length, "merged bitmaps must have the same size");
    for (let i = 0; i < other.length; i++) {
      const added = other[i]! & ~this.bits[i]!;
      if (added === 0) continue;
      this.bits[i]! |= added;
      this.setCount += popcount(added);
      this.dirtyPages.add(Math.floor(i / BITMAP_PAGE_BYTES));
    }
  }

  /** The first set block at or after `from`, or -1. */
  nextSet(from: number): number {
    for (let b = from; b < this.blocks; b++) {
      if (this.bits[b >>> 3] === 0) { b |= 7; continue; }
      if (this.test(b)) return b;
    }
    return -1;
  }
}

function popcount(byte: number): number {
  let n = 0;
  for (let v = byte; v !== 0; v &= v - 1) n++;
  return n;
}

/** The 4 KiB blocks a byte range touches. */
export function* blocksOf(offsetBytes: number, lengthBytes: number): Generator<number> {
  if (lengthBytes <= 0) return;
  const last = Math.floor((offsetBytes + lengthBytes - 1) / BLOCK_BYTES);
  for (let b = Math.floor(offsetBytes / BLOCK_BYTES); b <= last; b++) yield b;
}
