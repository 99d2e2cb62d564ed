import { readSync, writeSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { setImmediate as nextTurn } from "node:timers/promises";
import { assert } from "../../lib/assert.js";
import { InlineWrites } from "../../lib/inline-writes.js";
import { type BlockDevice, BlockDeviceError } from "../block-device.js";

export interface FileDeviceOptions {
  /** Create the file (sparse) or grow it to this size; otherwise its current size is served. */
  readonly sizeBytes?: number;
  readonly readOnly?: boolean;
}

const zeroChunkBytes = 1024 * 1024;
/**
 * Reads up to this size run synchronously on the event loop: they hit the page
 * cache in microseconds, while a thread-pool round trip costs tens (it halves
 * 4 KiB QD1 IOPS). Larger reads go to the thread pool so copying them overlaps
 * with network I/O (inline, 1 MiB reads measured slower). Writes follow
 * `InlineWrites`: up to 1 MiB inline unless the store has started to block
 * (1 MiB sequential writes +5-13 %, nbdcopy +15-30 %; docs/benchmarks.md, session 6).
 */
const syncReadBytesMax = 64 * 1024;
const zeroChunk = new Uint8Array(zeroChunkBytes);

/**
 * A BlockDevice over a plain file: positional reads and writes, flush =
 * fdatasync, FUA = write then fdatasync. Trim is accepted as the hint it is
 * and leaves the data in place (Node has no hole punching); write-zeroes
 * writes zeroes.
 */
export class FileBlockDevice implements BlockDevice {
  private closed = false;
  readonly releasesWriteData = true;
  private readonly inlineWrites = new InlineWrites();

  private constructor(
    private readonly handle: FileHandle,
    readonly sizeBytes: number,
    private readonly readOnly: boolean,
    readonly path: string,
  ) {}

  static async open(path: string, options: FileDeviceOptions = {}): Promise<FileBlockDevice> {
    const readOnly = options.readOnly ?? false;
    const handle = await open(path, readOnly ? "r" : options.sizeBytes === undefined ? "r+" : "a+").then(
      async (appendHandle) => {
        if (readOnly || options.sizeBytes === undefined) return appendHandle;
        // "a+" creates the file when missing; positional writes need a non-append handle.
        await appendHandle.close();
        return open(path, "r+");
      },
    );
    try {
      const currentBytes = (await handle.stat()).size;
      if (options.sizeBytes !== undefined && currentBytes < options.sizeBytes) await handle.truncate(options.sizeBytes);
      return new FileBlockDevice(handle, options.sizeBytes ?? currentBytes, readOnly, path);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  writable(): boolean {
    return !this.readOnly && !this.closed;
  }

  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(lengthBytes);
    await this.readInto(offsetBytes, buffer);
    return buffer;
  }

  async readInto(offsetBytes: number, into: Uint8Array): Promise<void> {
    const lengthBytes = into.length;
    this.checkRange(offsetBytes, lengthBytes);
    let filled = lengthBytes <= syncReadBytesMax ? this.readSmall(into, offsetBytes) : 0;
    while (filled < lengthBytes) {
      const { bytesRead } = await this.handle.read(into, filled, lengthBytes - filled, offsetBytes + filled).catch(ioError);
      if (bytesRead === 0) throw new BlockDeviceError("EIO", `${this.path}: unexpected end of file at ${offsetBytes + filled}`);
      filled += bytesRead;
    }
  }

  async write(offsetBytes: number, data: Uint8Array, fua: boolean): Promise<void> {
    this.checkWritable();
    this.checkRange(offsetBytes, data.length);
    await this.writeAll(offsetBytes, data);
    if (fua) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.readOnly) return;
    await this.handle.datasync().catch(ioError);
  }

  async trim(offsetBytes: number, lengthBytes: number): Promise<void> {
    this.checkWritable();
    this.checkRange(offsetBytes, lengthBytes);
  }

  async writeZeroes(offsetBytes: number, lengthBytes: number, fua: boolean): Promise<void> {
    this.checkWritable();
    this.checkRange(offsetBytes, lengthBytes);
    for (let done = 0; done < lengthBytes; done += zeroChunkBytes) {
      // Chunks may be written inline: other connections get a turn between them.
      if (done > 0) await nextTurn();
      await this.writeAll(offsetBytes + done, zeroChunk.subarray(0, Math.min(zeroChunkBytes, lengthBytes - done)));
    }
    if (fua) await this.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  /** One synchronous pread; the caller loops on a short read. */
  private readSmall(buffer: Uint8Array, offsetBytes: number): number {
    try {
      return readSync(this.handle.fd, buffer, 0, buffer.length, offsetBytes);
    } catch (error) {
      return ioError(error);
    }
  }

  private async writeAll(offsetBytes: number, data: Uint8Array): Promise<void> {
    let written = this.inlineWrites.allows(data.length) ? this.writeInline(offsetBytes, data) : 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, offsetBytes + written).catch(ioError);
      assert(bytesWritten > 0, "pwrite made no progress");
      written += bytesWritten;
    }
  }

  /** One synchronous pwrite; the caller loops on a short write. */
  private writeInline(offsetBytes: number, data: Uint8Array): number {
    try {
      return this.inlineWrites.run(() => writeSync(this.handle.fd, data, 0, data.length, offsetBytes));
    } catch (error) {
      return ioError(error);
    }
  }

  private checkWritable(): void {
    if (this.readOnly) throw new BlockDeviceError("EPERM", `${this.path} is served read-only`);
    if (this.closed) throw new BlockDeviceError("ESHUTDOWN", `${this.path} is closed`);
  }

  private checkRange(offsetBytes: number, lengthBytes: number): void {
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes + lengthBytes > this.sizeBytes) {
      throw new BlockDeviceError("EINVAL", `range ${offsetBytes}+${lengthBytes} is outside ${this.path} (${this.sizeBytes} bytes)`);
    }
  }
}

/** Maps a file-system error to the NBD error a client should see (proto.md: EDQUOT and EFBIG are ENOSPC). */
function ioError(error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG") throw new BlockDeviceError("ENOSPC", String(error));
  throw new BlockDeviceError("EIO", String(error));
}
