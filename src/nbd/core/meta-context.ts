/**
 * NBD_OPT_LIST_META_CONTEXT / NBD_OPT_SET_META_CONTEXT (proto.md "Metadata
 * querying"). Quorate knows one context, base:allocation. Option data: u32
 * export name length, name, u32 number of queries, then each query as u32
 * length and string.
 */
import type { ExportCatalog } from "./handshake.js";
import { Option, Reply, STRING_BYTES_MAX } from "./protocol.js";
import { BASE_ALLOCATION, BASE_ALLOCATION_ID } from "./structured.js";

export interface MetaContextResult {
  replies: Array<{ type: number; data: Uint8Array }>;
  /** SET only: whether base:allocation is now selected. */
  selected: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function readStrings(data: Uint8Array): { name: string; queries: string[] } | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  const string = (): string | undefined => {
    if (at + 4 > data.length) return undefined;
    const length = view.getUint32(at);
    at += 4;
    if (length > STRING_BYTES_MAX || at + length > data.length) return undefined;
    const bytes = data.subarray(at, at + length);
    at += length;
    try {
      return bytes.includes(0) ? undefined : utf8.decode(bytes);
    } catch {
      return undefined;
    }
  };
  const name = string();
  if (name === undefined || at + 4 > data.length) return undefined;
  const count = view.getUint32(at);
  at += 4;
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const query = string();
    if (query === undefined) return undefined;
    queries.push(query);
  }
  return at === data.length ? { name, queries } : undefined;
}

function matches(query: string, list: boolean): boolean {
  return query === BASE_ALLOCATION || (list && query === "base:");
}

function contextReply(): { type: number; data: Uint8Array } {
  const name = encoder.encode(BASE_ALLOCATION);
  const data = new Uint8Array(4 + name.length);
  new DataView(data.buffer).setUint32(0, BASE_ALLOCATION_ID);
  data.set(name, 4);
  return { type: Reply.META_CONTEXT, data };
}

export function metaContextOption(option: number, data: Uint8Array, catalog: ExportCatalog, structured: boolean): MetaContextResult {
  const error = (type: number, message: string): MetaContextResult => ({ replies: [{ type, data: encoder.encode(message) }], selected: false });
  if (!structured) return error(Reply.ERR_INVALID, "negotiate NBD_OPT_STRUCTURED_REPLY first");
  const request = readStrings(data);
  if (request === undefined) return error(Reply.ERR_INVALID, "malformed meta context request");
  if (catalog.describe(request.name) === undefined) return error(Reply.ERR_UNKNOWN, `no export named "${request.name}"`);
  const list = option === Option.LIST_META_CONTEXT;
  const found = (list && request.queries.length === 0) || request.queries.some((q) => matches(q, list));
  return { replies: [...(found ? [contextReply()] : []), { type: Reply.ACK, data: new Uint8Array(0) }], selected: !list && found };
}
