/**
 * What the NBD export serves: a byte-addressed block device. The replicated
 * (DRBD-like) device and a plain file both implement it, so the NBD server
 * never knows whether a write is mirrored.
 *
 * Operating errors reject with a BlockDeviceError whose errno names the NBD
 * error to report (EIO for a failed backing store, EPERM for a Secondary).
 */
export type BlockErrno = "EPERM" | "EIO" | "ENOMEM" | "EINVAL" | "ENOSPC" | "EOVERFLOW" | "ENOTSUP" | "ESHUTDOWN";

export class BlockDeviceError extends Error {
  override name = "BlockDeviceError";
  constructor(readonly errno: BlockErrno, message: string) {
    super(message);
  }
}

export interface BlockDevice {
  readonly sizeBytes: number;
  /** False on a Secondary: the export then refuses writes with EPERM. */
  writable(): boolean;
  read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array>;
  /** Reads into the caller's memory (which the caller may then reuse), where the device can. */
  readInto?(offsetBytes: number, into: Uint8Array): Promise<void>;
  /** Resolves once the write is as durable as the device's protocol promises; `fua` forces it to stable storage. */
  write(offsetBytes: number, data: Uint8Array, fua: boolean): Promise<void>;
  /**
   * True when the device refers to a write's data no more once write()
   * settles, so the caller may reuse that memory (a replicated device keeps
   * it while the peer has not acknowledged it).
   */
  readonly releasesWriteData?: boolean;
  /** Resolves once every write acknowledged before it is on stable storage. */
  flush(): Promise<void>;
  trim(offsetBytes: number, lengthBytes: number): Promise<void>;
  writeZeroes(offsetBytes: number, lengthBytes: number, fua: boolean): Promise<void>;
}
