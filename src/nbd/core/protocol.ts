/**
 * Wire constants of the NBD protocol (doc/proto.md of the NBD project):
 * fixed newstyle handshake, option haggling and the transmission phase with
 * simple replies. Values are as the specification numbers them.
 */
import type { BlockErrno } from "../block-device.js";

export const NBDMAGIC = 0x4e42444d41474943n; // "NBDMAGIC"
export const IHAVEOPT = 0x49484156454f5054n; // "IHAVEOPT"
export const OPTION_REPLY_MAGIC = 0x3e889045565a9n;
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;

/** Handshake flags (server) and client flags. */
export const FLAG_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_NO_ZEROES = 1 << 1;
export const CLIENT_FLAGS_KNOWN = FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES;

/** Transmission flags. */
export const TX_HAS_FLAGS = 1 << 0;
export const TX_READ_ONLY = 1 << 1;
export const TX_SEND_FLUSH = 1 << 2;
export const TX_SEND_FUA = 1 << 3;
export const TX_SEND_TRIM = 1 << 5;
export const TX_SEND_WRITE_ZEROES = 1 << 6;
export const TX_CAN_MULTI_CONN = 1 << 8;

export const Option = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
  STRUCTURED_REPLY: 8,
  LIST_META_CONTEXT: 9,
  SET_META_CONTEXT: 10,
} as const;

export const Reply = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  META_CONTEXT: 4,
  ERR_UNSUP: 0x8000_0001,
  ERR_POLICY: 0x8000_0002,
  ERR_INVALID: 0x8000_0003,
  ERR_TLS_REQD: 0x8000_0005,
  ERR_UNKNOWN: 0x8000_0006,
  ERR_SHUTDOWN: 0x8000_0007,
} as const;

export const Info = { EXPORT: 0, NAME: 1, DESCRIPTION: 2, BLOCK_SIZE: 3 } as const;

export const Command = {
  READ: 0,
  WRITE: 1,
  DISC: 2,
  FLUSH: 3,
  TRIM: 4,
  CACHE: 5,
  WRITE_ZEROES: 6,
  BLOCK_STATUS: 7,
} as const;

export const CMD_FLAG_FUA = 1 << 0;
export const CMD_FLAG_NO_HOLE = 1 << 1;
/** BLOCK_STATUS: one extent is enough. */
export const CMD_FLAG_REQ_ONE = 1 << 3;

/** Error values allowed on the wire, by name. */
export const ERRNO: Record<BlockErrno, number> = {
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ENOTSUP: 95,
  ESHUTDOWN: 108,
};

export const HANDSHAKE_GREETING_BYTES = 18;
export const OPTION_HEADER_BYTES = 16;
export const REQUEST_HEADER_BYTES = 28;
export const SIMPLE_REPLY_HEADER_BYTES = 16;
/** Strings (export names) MUST be no longer than 4096 bytes. */
export const STRING_BYTES_MAX = 4096;
