/**
 * Bounds-checked byte reading and writing for the codecs. The reader never
 * throws: it records the first problem with its byte offset and then yields
 * zeros. Both avoid DataView: small messages are decoded per delivery, and
 * plain byte arithmetic allocates nothing.
 */
export class ByteReader {
  problem: string | null = null;

  /** Reading may start past a framing header (`offset`), sparing a subarray. */
  constructor(readonly bytes: Uint8Array, public offset = 0) {}

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  fail(why: string): void {
    if (this.problem === null) this.problem = `offset ${this.offset}: ${why}`;
  }

  private take(n: number, what: string): number {
    if (this.problem !== null) return -1;
    if (this.bytes.byteLength - this.offset < n) {
      this.fail(`truncated ${what} (needs ${n} bytes, ${this.remaining} left)`);
      return -1;
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what: string): number {
    const at = this.take(1, what);
    return at < 0 ? 0 : this.bytes[at]!;
  }

  u16(what: string): number {
    const at = this.take(2, what);
    return at < 0 ? 0 : (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  u32(what: string): number {
    const at = this.take(4, what);
    return at < 0 ? 0 : readU32(this.bytes, at);
  }

  /** A 53-bit unsigned integer stored as 64 bits. */
  u53(what: string): number {
    const at = this.take(8, what);
    if (at < 0) return 0;
    const high = readU32(this.bytes, at);
    if (high > 0x1f_ffff) {
      this.offset = at;
      this.fail(`${what} exceeds 2^53`);
      return 0;
    }
    return high * 0x1_0000_0000 + readU32(this.bytes, at + 4);
  }

  /** A view (no copy) of the next n bytes. */
  bytesView(n: number, what: string): Uint8Array {
    const at = this.take(n, what);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + n);
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/** Small buffers are cut from a shared slab: one allocation serves many messages (pieces are never reused). */
const SLAB_BYTES = 64 * 1024;
const SLAB_PIECE_MAX = 2048;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

export function allocate(capacity: number): Uint8Array {
  if (capacity > SLAB_PIECE_MAX) return new Uint8Array(capacity);
  if (slabUsed + capacity > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const piece = slab.subarray(slabUsed, slabUsed + capacity);
  slabUsed += capacity;
  return piece;
}

export class ByteWriter {
  private buffer: Uint8Array;
  length = 0;

  /** `headroom` bytes are left at the start for a framing layer to fill in. */
  constructor(initialCapacity = 256, headroom = 0) {
    this.buffer = allocate(Math.max(initialCapacity, headroom));
    this.length = headroom;
  }

  private room(n: number): number {
    if (this.length + n > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + n));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(value: number): void {
    const at = this.room(1); // may replace this.buffer
    this.buffer[at] = value;
  }

  u16(value: number): void {
    const at = this.room(2);
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value;
  }

  u32(value: number): void {
    const at = this.room(4);
    writeU32(this.buffer, at, value);
  }

  u53(value: number): void {
    const at = this.room(8);
    writeU32(this.buffer, at, Math.floor(value / 0x1_0000_0000));
    writeU32(this.buffer, at + 4, value >>> 0);
  }

  bytes(value: Uint8Array): void {
    const at = this.room(value.byteLength);
    this.buffer.set(value, at);
  }

  /** The written bytes (a view; the writer must not be used afterwards). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}
