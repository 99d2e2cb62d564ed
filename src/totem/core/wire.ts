/**
 * Bounds-checked byte reading and writing for the totem codec. The reader never
 * throws: it records the first problem with its byte offset and then yields zeros.
 */
export class ByteReader {
  private readonly view: DataView;
  offset = 0;
  problem: string | null = null;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  fail(why: string): void {
    if (this.problem === null) this.problem = `offset ${this.offset}: ${why}`;
  }

  private take(n: number, what: string): number {
    if (this.problem !== null) return -1;
    if (this.remaining < n) {
      this.fail(`truncated ${what} (needs ${n} bytes, ${this.remaining} left)`);
      return -1;
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what: string): number {
    const at = this.take(1, what);
    return at < 0 ? 0 : this.view.getUint8(at);
  }

  u16(what: string): number {
    const at = this.take(2, what);
    return at < 0 ? 0 : this.view.getUint16(at);
  }

  u32(what: string): number {
    const at = this.take(4, what);
    return at < 0 ? 0 : this.view.getUint32(at);
  }

  /** A 53-bit unsigned integer stored as 64 bits. */
  u53(what: string): number {
    const at = this.take(8, what);
    if (at < 0) return 0;
    const high = this.view.getUint32(at);
    if (high > 0x1f_ffff) {
      this.offset = at;
      this.fail(`${what} exceeds 2^53`);
      return 0;
    }
    return high * 0x1_0000_0000 + this.view.getUint32(at + 4);
  }

  /** A view (no copy) of the next n bytes. */
  bytesView(n: number, what: string): Uint8Array {
    const at = this.take(n, what);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + n);
  }
}

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private room(n: number): number {
    if (this.length + n > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + n));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(value: number): void {
    this.view.setUint8(this.room(1), value);
  }

  u16(value: number): void {
    this.view.setUint16(this.room(2), value);
  }

  u32(value: number): void {
    this.view.setUint32(this.room(4), value);
  }

  u53(value: number): void {
    const at = this.room(8);
    this.view.setUint32(at, Math.floor(value / 0x1_0000_0000));
    this.view.setUint32(at + 4, value >>> 0);
  }

  bytes(value: Uint8Array): void {
    this.buffer.set(value, this.room(value.byteLength));
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
