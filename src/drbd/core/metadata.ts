import { assert } from "../../lib/assert.js";
import type { Rng } from "../../lib/rng.js";
import { BITMAP_PAGE_BYTES, BLOCK_BYTES } from "./bitmap.js";
import { crc32 } from "./crc32.js";

/**
 * On-disk metadata. Two superblock slots are written alternately, each with a
 * sequence number and a CRC; loading picks the valid slot with the highest
 * sequence, so a torn metadata write leaves the previous state intact. The
 * dirty bitmap follows the slots, and the activity log (the extents being
 * written to) lives in the superblock.
 */
export const SLOT_BYTES = 32 * 1024;
/** At most 8 JSON characters per extent number: the activity log fits its slot with room to spare. */
export const AL_EXTENTS_MAX = 3000;
export const AL_EXTENT_BYTES = 4 * 1024 * 1024;
const MAGIC = 0x5144_4d44; // "QDMD"
const VERSION = 2;
const HEADER_BYTES = 20;

/** A 64-bit generation identifier as 16 hex digits; "0000000000000000" means none. */
export type Uuid = string;
export const NO_UUID: Uuid = "0000000000000000";
/** The current UUID of freshly created metadata: no data generation yet. */
export const JUST_CREATED: Uuid = "0000000000000004";

export type PersistedDisk = "UpToDate" | "Outdated" | "Inconsistent";

export interface Generations {
  current: Uuid;
  bitmap: Uuid;
  history: [Uuid, Uuid];
}

export interface Superblock {
  seq: number;
  /** Usable size of the replicated device. */
  sizeBytes: number;
  uuids: Generations;
  disk: PersistedDisk;
  /** Set while Primary: after a crash the activity log extents are resynced. */
  crashedPrimary: boolean;
  /** The node last ran without its peer (lost the connection, not a clean stop): startup's degr-wfc-timeout applies. */
  degraded: boolean;
  /** A fence-peer handler made sure the disconnected peer cannot be promoted (its disk Outdated, or it was fenced); cleared on connect. */
  peerOutdated: boolean;
  /** Extents written to recently (the activity log). */
  activityLog: number[];
  /** When this node last became Primary (wall clock ms; after-sb discard-younger-primary). */
  primarySinceMs: number;
}

export interface MetaLayout {
  /** Where the metadata starts on its device (internal: past the data). */
  metaOffsetBytes: number;
  dataSizeBytes: number;
  bitmapOffsetBytes: number;
  bitmapBytes: number;
  blocks: number;
}

function bitmapAreaBytes(blocks: number): number {
  return Math.max(BITMAP_PAGE_BYTES, Math.ceil(Math.ceil(blocks / 8) / BITMAP_PAGE_BYTES) * BITMAP_PAGE_BYTES);
}

/**
 * Where things live. Internal metadata sits at the end of the backing store and
 * the usable size shrinks by its size; external metadata starts at offset 0 of its file.
 */
export function metaLayout(backingBytes: number, internal: boolean): MetaLayout {
  const totalBlocks = Math.floor(backingBytes / BLOCK_BYTES);
  let blocks = totalBlocks;
  if (internal) {
    while (blocks > 0 && blocks * BLOCK_BYTES + 2 * SLOT_BYTES + bitmapAreaBytes(blocks) > totalBlocks * BLOCK_BYTES) blocks--;
  }
  assert(blocks > 0, "backing store too small for metadata");
  const metaOffsetBytes = internal ? blocks * BLOCK_BYTES : 0;
  return {
    metaOffsetBytes,
    dataSizeBytes: blocks * BLOCK_BYTES,
    bitmapOffsetBytes: metaOffsetBytes + 2 * SLOT_BYTES,
    bitmapBytes: Math.ceil(blocks / 8),
    blocks,
  };
}

export function freshSuperblock(sizeBytes: number): Superblock {
  return {
    seq: 1, sizeBytes, disk: "Inconsistent", crashedPrimary: false, degraded: false, peerOutdated: false, activityLog: [], primarySinceMs: 0,
    uuids: { current: JUST_CREATED, bitmap: NO_UUID, history: [NO_UUID, NO_UUID] },
  };
}

export function newUuid(rng: Rng): Uuid {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  // The lowest bits are reserved (JUST_CREATED is 4): force a non-trivial value.
  return hex(rng.int(0x1_0000_0000)) + hex((rng.int(0x1_0000_0000) | 0x100) >>> 0);
}

/** Which slot a superblock goes to: slots alternate with the sequence number. */
export function slotOf(seq: number): 0 | 1 {
  return (seq % 2) as 0 | 1;
}

export function encodeSlot(sb: Superblock): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(sb));
  assert(HEADER_BYTES + json.length <= SLOT_BYTES, "superblock too large for its slot");
  const slot = new Uint8Array(SLOT_BYTES);
  const view = new DataView(slot.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, VERSION);
  view.setUint32(8, sb.seq);
  view.setUint32(12, json.length);
  view.setUint32(16, crc32(json));
  slot.set(json, HEADER_BYTES);
  return slot;
}

export function decodeSlot(slot: Uint8Array): Superblock | undefined {
  if (slot.length < SLOT_BYTES) return undefined;
  const view = new DataView(slot.buffer, slot.byteOffset, slot.byteLength);
  if (view.getUint32(0) !== MAGIC || view.getUint32(4) !== VERSION) return undefined;
  const length = view.getUint32(12);
  if (length > SLOT_BYTES - HEADER_BYTES) return undefined;
  const json = slot.subarray(HEADER_BYTES, HEADER_BYTES + length);
  if (crc32(json) !== view.getUint32(16)) return undefined;
  const sb = JSON.parse(new TextDecoder().decode(json)) as Superblock;
  // Metadata written before `degraded` / `peerOutdated` existed reads as false.
  return sb.seq === view.getUint32(8) ? { ...sb, degraded: sb.degraded === true, peerOutdated: sb.peerOutdated === true } : undefined;
}

/** The newest valid superblock of the two slots, or undefined when neither is valid. */
export function pickSlot(a: Uint8Array, b: Uint8Array): Superblock | undefined {
  const sa = decodeSlot(a);
  const sb = decodeSlot(b);
  if (sa === undefined) return sb;
  if (sb === undefined) return sa;
  return sa.seq >= sb.seq ? sa : sb;
}

export function extentOf(offsetBytes: number): number {
  return Math.floor(offsetBytes / AL_EXTENT_BYTES);
}
