import { metaContextOption } from "./meta-context.js";
import {
  FLAG_FIXED_NEWSTYLE, FLAG_NO_ZEROES, IHAVEOPT, Info, NBDMAGIC, OPTION_REPLY_MAGIC, Option, Reply, STRING_BYTES_MAX,
  TX_CAN_MULTI_CONN, TX_HAS_FLAGS, TX_READ_ONLY, TX_SEND_FLUSH, TX_SEND_FUA, TX_SEND_TRIM, TX_SEND_WRITE_ZEROES,
} from "./protocol.js";

/** What the server tells clients about one export. */
export interface ExportDescription {
  readonly sizeBytes: number;
  readonly readOnly: boolean;
  /** Flush and FUA are visible across connections (no per-connection cache). */
  readonly multiConn: boolean;
}

/** The exports a session may attach to; a pure lookup the driver provides. */
export interface ExportCatalog {
  names(): readonly string[];
  describe(name: string): ExportDescription | undefined;
}

export interface BlockSizes {
  readonly minimumBytes: number;
  readonly preferredBytes: number;
  readonly maximumBytes: number;
}

/** What option haggling has settled so far on one connection. */
export interface Negotiation {
  noZeroes: boolean;
  /** NBD_OPT_STRUCTURED_REPLY was acknowledged. */
  structured: boolean;
  /** base:allocation was selected with NBD_OPT_SET_META_CONTEXT: NBD_CMD_BLOCK_STATUS is allowed. */
  blockStatus: boolean;
  /** The server can do TLS; `required`: no option but STARTTLS and ABORT before it. */
  tls: "off" | "optional" | "required";
  tlsActive: boolean;
}

/** Outcome of one option: replies to send, then stay (maybe with new settings), upgrade to TLS, attach, or close. */
export type OptionOutcome =
  | { next: "options"; replies: Uint8Array[]; settled?: Partial<Negotiation> }
  | { next: "starttls"; replies: Uint8Array[] }
  | { next: "attach"; replies: Uint8Array[]; exportName: string; description: ExportDescription }
  | { next: "close"; replies: Uint8Array[]; reason: string; violation: boolean };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

export function encodeGreeting(): Uint8Array {
  const bytes = new Uint8Array(18);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, NBDMAGIC);
  view.setBigUint64(8, IHAVEOPT);
  view.setUint16(16, FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
  return bytes;
}

export function transmissionFlags(description: ExportDescription): number {
  let flags = TX_HAS_FLAGS | TX_SEND_FLUSH | TX_SEND_FUA;
  flags |= description.readOnly ? TX_READ_ONLY : TX_SEND_TRIM | TX_SEND_WRITE_ZEROES;
  if (description.multiConn) flags |= TX_CAN_MULTI_CONN;
  return flags;
}

export function encodeOptionReply(option: number, type: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const bytes = new Uint8Array(20 + data.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, OPTION_REPLY_MAGIC);
  view.setUint32(8, option);
  view.setUint32(12, type);
  view.setUint32(16, data.length);
  bytes.set(data, 20);
  return bytes;
}

function errorReply(option: number, type: number, message: string): Uint8Array {
  return encodeOptionReply(option, type, utf8Encoder.encode(message));
}

function decodeName(bytes: Uint8Array): string | undefined {
  if (bytes.length > STRING_BYTES_MAX || bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined; // invalid UTF-8 is an option error, reported by the caller
  }
}

/** Handles one option (proto.md "Option types") in the options phase. */
export function handleOption(
  option: number, data: Uint8Array, catalog: ExportCatalog, sizes: BlockSizes, state: Negotiation,
): OptionOutcome {
  if (state.tls === "required" && !state.tlsActive && option !== Option.STARTTLS && option !== Option.ABORT) {
    // NBD_OPT_EXPORT_NAME cannot be refused with an error: the session ends.
    if (option === Option.EXPORT_NAME) return { next: "close", replies: [], reason: "export requested before TLS, which this server requires", violation: false };
    return { next: "options", replies: [errorReply(option, Reply.ERR_TLS_REQD, "TLS is required: send NBD_OPT_STARTTLS first")] };
  }
  switch (option) {
    case Option.EXPORT_NAME: return exportName(data, catalog, state.noZeroes);
    case Option.ABORT: return { next: "close", replies: [encodeOptionReply(option, Reply.ACK)], reason: "client aborted negotiation", violation: false };
    case Option.LIST: return list(data, catalog);
    case Option.INFO:
    case Option.GO: return infoOrGo(option, data, catalog, sizes);
    case Option.STARTTLS: return startTls(data, state);
    case Option.STRUCTURED_REPLY:
      if (data.length !== 0) return { next: "options", replies: [errorReply(option, Reply.ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data")] };
      return { next: "options", replies: [encodeOptionReply(option, Reply.ACK)], settled: { structured: true } };
    case Option.LIST_META_CONTEXT:
    case Option.SET_META_CONTEXT: {
      const result = metaContextOption(option, data, catalog, state.structured);
      const replies = result.replies.map((r) => encodeOptionReply(option, r.type, r.data));
      return option === Option.SET_META_CONTEXT ? { next: "options", replies, settled: { blockStatus: result.selected } } : { next: "options", replies };
    }
    default: return { next: "options", replies: [errorReply(option, Reply.ERR_UNSUP, `option ${option} is not supported`)] };
  }
}

function startTls(data: Uint8Array, state: Negotiation): OptionOutcome {
  const refuse = (type: number, message: string): OptionOutcome => ({ next: "options", replies: [errorReply(Option.STARTTLS, type, message)] });
  if (state.tls === "off") return refuse(Reply.ERR_UNSUP, "this server has no TLS certificate");
  if (state.tlsActive) return refuse(Reply.ERR_INVALID, "TLS is already active");
  if (data.length !== 0) return refuse(Reply.ERR_INVALID, "NBD_OPT_STARTTLS takes no data");
  return { next: "starttls", replies: [encodeOptionReply(Option.STARTTLS, Reply.ACK)] };
}

function exportName(data: Uint8Array, catalog: ExportCatalog, noZeroes: boolean): OptionOutcome {
  const name = decodeName(data);
  const description = name === undefined ? undefined : catalog.describe(name);
  // NBD_OPT_EXPORT_NAME cannot return an error: the session MUST end.
  if (name === undefined || description === undefined) return { next: "close", replies: [], reason: "unknown export requested by NBD_OPT_EXPORT_NAME", violation: false };
  const bytes = new Uint8Array(noZeroes ? 10 : 134);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(description.sizeBytes));
  view.setUint16(8, transmissionFlags(description));
  return { next: "attach", replies: [bytes], exportName: name, description };
}

function list(data: Uint8Array, catalog: ExportCatalog): OptionOutcome {
  if (data.length !== 0) return { next: "options", replies: [errorReply(Option.LIST, Reply.ERR_INVALID, "NBD_OPT_LIST takes no data")] };
  const replies = catalog.names().map((name) => {
    const encoded = utf8Encoder.encode(name);
    const body = new Uint8Array(4 + encoded.length);
    new DataView(body.buffer).setUint32(0, encoded.length);
    body.set(encoded, 4);
    return encodeOptionReply(Option.LIST, Reply.SERVER, body);
  });
  replies.push(encodeOptionReply(Option.LIST, Reply.ACK));
  return { next: "options", replies };
}

interface InfoRequest {
  readonly name: string;
  readonly infoTypes: readonly number[];
}

/** NBD_OPT_INFO / NBD_OPT_GO data: u32 name length, name, u16 count, count × u16 info types. */
function decodeInfoRequest(data: Uint8Array): InfoRequest | undefined {
  if (data.length < 6) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const nameBytes = view.getUint32(0);
  if (nameBytes > data.length - 6) return undefined;
  const count = view.getUint16(4 + nameBytes);
  if (data.length !== 6 + nameBytes + 2 * count) return undefined;
  const name = decodeName(data.subarray(4, 4 + nameBytes));
  if (name === undefined) return undefined;
  const infoTypes = Array.from({ length: count }, (_, i) => view.getUint16(6 + nameBytes + 2 * i));
  return { name, infoTypes };
}

function infoOrGo(option: number, data: Uint8Array, catalog: ExportCatalog, sizes: BlockSizes): OptionOutcome {
  const request = decodeInfoRequest(data);
  if (request === undefined) return { next: "options", replies: [errorReply(option, Reply.ERR_INVALID, "malformed NBD_OPT_INFO/GO data")] };
  const description = catalog.describe(request.name);
  if (description === undefined) return { next: "options", replies: [errorReply(option, Reply.ERR_UNKNOWN, `no export named "${request.name}"`)] };
  const replies = [encodeOptionReply(option, Reply.INFO, infoExport(description))];
  if (request.infoTypes.includes(Info.NAME)) replies.push(encodeOptionReply(option, Reply.INFO, infoName(request.name)));
  replies.push(encodeOptionReply(option, Reply.INFO, infoBlockSize(sizes)));
  replies.push(encodeOptionReply(option, Reply.ACK));
  if (option === Option.INFO) return { next: "options", replies };
  return { next: "attach", replies, exportName: request.name, description };
}

function infoExport(description: ExportDescription): Uint8Array {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, Info.EXPORT);
  view.setBigUint64(2, BigInt(description.sizeBytes));
  view.setUint16(10, transmissionFlags(description));
  return bytes;
}

function infoName(name: string): Uint8Array {
  const encoded = utf8Encoder.encode(name);
  const bytes = new Uint8Array(2 + encoded.length);
  new DataView(bytes.buffer).setUint16(0, Info.NAME);
  bytes.set(encoded, 2);
  return bytes;
}

function infoBlockSize(sizes: BlockSizes): Uint8Array {
  const bytes = new Uint8Array(14);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, Info.BLOCK_SIZE);
  view.setUint32(2, sizes.minimumBytes);
  view.setUint32(6, sizes.preferredBytes);
  view.setUint32(10, sizes.maximumBytes);
  return bytes;
}
