import { err, ok, type Result } from "../../lib/result.js";
import { ByteReader, ByteWriter } from "./wire.js";
import {
  ringIdOf, ringRep, ringSeq,
  type CommitEntry, type CommitMessage, type Frame, type JoinMessage, type McastMessage, type NodeId,
  type PayloadPart, type RingId, type TokenMessage, type TotemMessage,
} from "./types.js";

/**
 * The totem wire format (plaintext; the driver encrypts and authenticates it).
 * Every message: magic "QT", version, kind, sender. Integers are big-endian;
 * seqs are 64-bit fields holding values below 2^53.
 */
const MAGIC_0 = 0x51;
const MAGIC_1 = 0x54;
export const WIRE_VERSION = 1;

/** corosync's PROCESSOR_COUNT_MAX. */
export const MEMBERS_MAX = 384;
export const RTR_MAX = 64;
export const FRAMES_PER_MESSAGE_MAX = 4096;
export const PARTS_PER_FRAME_MAX = 65535;

const FRAME_ENCAPSULATED = 1;
const FRAME_SAFE = 2;

const KIND_CODES = { mcast: 1, token: 2, join: 3, commit: 4, merge_detect: 5, hold_cancel: 6 } as const;
type Kind = keyof typeof KIND_CODES;
const KINDS_BY_CODE = new Map<number, Kind>(Object.entries(KIND_CODES).map(([k, v]) => [v, k as Kind]));

export interface DecodeError {
  readonly kind: "DecodeError";
  /** Human-readable, with the byte offset: "offset 12: truncated token seq (needs 8 bytes, 3 left)". */
  readonly message: string;
}

export function encodeMessage(msg: TotemMessage): Uint8Array {
  const w = new ByteWriter(msg.kind === "mcast" ? 64 + mcastPayloadBytes(msg) : 128);
  w.u8(MAGIC_0);
  w.u8(MAGIC_1);
  w.u8(WIRE_VERSION);
  w.u8(KIND_CODES[msg.kind]);
  w.u32(msg.sender);
  writeRing(w, msg.ring);
  switch (msg.kind) {
    case "mcast": writeMcast(w, msg); break;
    case "token": writeToken(w, msg); break;
    case "join": writeJoin(w, msg); break;
    case "commit": writeCommit(w, msg); break;
    case "merge_detect": case "hold_cancel": break;
  }
  return w.finish();
}

/** Never throws, whatever the bytes. */
export function decodeMessage(bytes: Uint8Array): Result<TotemMessage, DecodeError> {
  const r = new ByteReader(bytes);
  if (r.u8("magic") !== MAGIC_0 || r.u8("magic") !== MAGIC_1) return decodeError(r, "not a totem message (bad magic)");
  const version = r.u8("version");
  if (r.problem === null && version !== WIRE_VERSION) return decodeError(r, `unsupported wire version ${version}`);
  const kind = KINDS_BY_CODE.get(r.u8("kind"));
  if (r.problem === null && kind === undefined) return decodeError(r, "unknown message kind");
  const sender = readNode(r, "sender");
  const ring = readRing(r);
  if (r.problem !== null || kind === undefined) return decodeError(r, "bad header");
  const msg = readBody(r, kind, sender, ring);
  if (r.problem === null && r.remaining > 0) r.fail(`${r.remaining} trailing bytes`);
  return r.problem === null ? ok(msg) : decodeError(r, "bad body");
}

function decodeError(r: ByteReader, fallback: string): { ok: false; error: DecodeError } {
  if (r.problem === null) r.fail(fallback);
  return err({ kind: "DecodeError", message: r.problem ?? fallback });
}

function readBody(r: ByteReader, kind: Kind, sender: NodeId, ring: RingId): TotemMessage {
  switch (kind) {
    case "mcast": return readMcast(r, sender, ring);
    case "token": return readToken(r, sender, ring);
    case "join": return readJoin(r, sender, ring);
    case "commit": return readCommit(r, sender, ring);
    case "merge_detect": return { kind, sender, ring };
    case "hold_cancel": return { kind, sender, ring };
  }
}

function mcastPayloadBytes(msg: McastMessage): number {
  let total = 0;
  for (const frame of msg.frames) {
    total += 48;
    for (const part of frame.parts) total += 5 + part.bytes.byteLength;
  }
  return total;
}

// --- shared pieces -----------------------------------------------------------

function writeRing(w: ByteWriter, ring: RingId): void {
  w.u32(ringRep(ring));
  w.u53(ringSeq(ring));
}

function readRing(r: ByteReader): RingId {
  const rep = readNode(r, "ring rep");
  const seq = r.u53("ring seq");
  return r.problem === null ? ringIdOf(rep, seq) : ("0.0" as RingId);
}

function readNode(r: ByteReader, what: string): NodeId {
  const id = r.u32(what);
  if (r.problem === null && id === 0) r.fail(`${what} is node id 0`);
  return id as NodeId;
}

function writeNodes(w: ByteWriter, nodes: readonly NodeId[]): void {
  w.u16(nodes.length);
  for (const node of nodes) w.u32(node);
}

/** A strictly ascending list of node ids (sets travel sorted, so equality is cheap). */
function readNodes(r: ByteReader, what: string): NodeId[] {
  const count = r.u16(`${what} count`);
  if (count > MEMBERS_MAX) {
    r.fail(`${what} lists ${count} nodes (max ${MEMBERS_MAX})`);
    return [];
  }
  const nodes: NodeId[] = [];
  for (let i = 0; i < count && r.problem === null; i++) {
    const node = readNode(r, what);
    if (r.problem === null && i > 0 && node <= nodes[i - 1]!) r.fail(`${what} is not strictly ascending`);
    nodes.push(node);
  }
  return nodes;
}

// --- mcast -------------------------------------------------------------------

function writeMcast(w: ByteWriter, msg: McastMessage): void {
  w.u16(msg.frames.length);
  for (const frame of msg.frames) {
    w.u53(frame.seq);
    w.u32(frame.origin);
    w.u8((frame.old === null ? 0 : FRAME_ENCAPSULATED) | (frame.safe ? FRAME_SAFE : 0));
    if (frame.old !== null) {
      writeRing(w, frame.old.ring);
      w.u53(frame.old.seq);
    }
    w.u16(frame.parts.length);
    for (const part of frame.parts) {
      w.u8(part.more ? 1 : 0);
      w.u32(part.bytes.byteLength);
      w.bytes(part.bytes);
    }
  }
}

function readMcast(r: ByteReader, sender: NodeId, ring: RingId): McastMessage {
  const count = r.u16("frame count");
  if (count === 0 || count > FRAMES_PER_MESSAGE_MAX) r.fail(`frame count ${count} out of range 1..${FRAMES_PER_MESSAGE_MAX}`);
  const frames: Frame[] = [];
  for (let i = 0; i < count && r.problem === null; i++) frames.push(readFrame(r));
  return { kind: "mcast", sender, ring, frames };
}

function readFrame(r: ByteReader): Frame {
  const seq = r.u53("frame seq");
  if (r.problem === null && seq === 0) r.fail("frame seq 0 (seqs start at 1)");
  const origin = readNode(r, "frame origin");
  const flags = r.u8("frame flags");
  if (r.problem === null && flags > (FRAME_ENCAPSULATED | FRAME_SAFE)) r.fail(`unknown frame flags ${flags}`);
  let old = null;
  if ((flags & FRAME_ENCAPSULATED) !== 0) {
    const oldRing = readRing(r);
    old = { ring: oldRing, seq: r.u53("encapsulated seq") };
  }
  const partCount = r.u16("part count");
  const parts: PayloadPart[] = [];
  for (let i = 0; i < partCount && r.problem === null; i++) {
    const more = r.u8("part flags");
    if (r.problem === null && more > 1) r.fail(`unknown part flags ${more}`);
    const length = r.u32("part length");
    parts.push({ more: more === 1, bytes: r.bytesView(length, "part bytes") });
  }
  return { seq, origin, old, safe: (flags & FRAME_SAFE) !== 0, parts };
}

// --- token -------------------------------------------------------------------

function writeToken(w: ByteWriter, t: TokenMessage): void {
  w.u53(t.tokenSeq);
  w.u53(t.seq);
  w.u53(t.aru);
  w.u32(t.aruId);
  w.u32(t.fcc);
  w.u32(t.backlog);
  w.u8(t.retransFlg ? 1 : 0);
  w.u16(t.rtr.length);
  for (const seq of t.rtr) w.u53(seq);
}

function readToken(r: ByteReader, sender: NodeId, ring: RingId): TokenMessage {
  const tokenSeq = r.u53("token seq");
  const seq = r.u53("seq");
  const aru = r.u53("aru");
  const aruId = r.u32("aru id");
  const fcc = r.u32("fcc");
  const backlog = r.u32("backlog");
  const flag = r.u8("retrans flag");
  if (r.problem === null && flag > 1) r.fail(`bad retrans flag ${flag}`);
  if (r.problem === null && aru > seq) r.fail(`aru ${aru} exceeds seq ${seq}`);
  const count = r.u16("rtr count");
  if (count > RTR_MAX) r.fail(`rtr lists ${count} seqs (max ${RTR_MAX})`);
  const rtr: number[] = [];
  for (let i = 0; i < count && r.problem === null; i++) rtr.push(r.u53("rtr seq"));
  return { kind: "token", sender, ring, tokenSeq, seq, aru, aruId, rtr, fcc, backlog, retransFlg: flag === 1 };
}

// --- join --------------------------------------------------------------------

function writeJoin(w: ByteWriter, j: JoinMessage): void {
  writeNodes(w, j.procSet);
  writeNodes(w, j.failSet);
  w.u53(j.ringSeq);
}

function readJoin(r: ByteReader, sender: NodeId, ring: RingId): JoinMessage {
  const procSet = readNodes(r, "proc set");
  const failSet = readNodes(r, "fail set");
  const ringSeq = r.u53("join ring seq");
  return { kind: "join", sender, ring, procSet, failSet, ringSeq };
}

// --- commit ------------------------------------------------------------------

function writeCommit(w: ByteWriter, c: CommitMessage): void {
  w.u53(c.tokenSeq);
  writeNodes(w, c.members);
  for (const entry of c.entries) {
    w.u8(entry === null ? 0 : 1);
    if (entry === null) continue;
    writeRing(w, entry.prevRing);
    w.u53(entry.aru);
    w.u53(entry.highDelivered);
    w.u53(entry.stable);
    w.u8(entry.receivedFlg ? 1 : 0);
  }
}

function readCommit(r: ByteReader, sender: NodeId, ring: RingId): CommitMessage {
  const tokenSeq = r.u53("commit token seq");
  const members = readNodes(r, "commit members");
  if (r.problem === null && members.length === 0) r.fail("commit token without members");
  const entries: (CommitEntry | null)[] = [];
  for (let i = 0; i < members.length && r.problem === null; i++) entries.push(readCommitEntry(r));
  return { kind: "commit", sender, ring, tokenSeq, members, entries };
}

function readCommitEntry(r: ByteReader): CommitEntry | null {
  const present = r.u8("entry flag");
  if (present === 0) return null;
  if (present !== 1) r.fail(`bad entry flag ${present}`);
  const prevRing = readRing(r);
  const aru = r.u53("entry aru");
  const highDelivered = r.u53("entry high delivered");
  const stable = r.u53("entry stable");
  const received = r.u8("entry received flag");
  if (r.problem === null && received > 1) r.fail(`bad received flag ${received}`);
  return { prevRing, aru, highDelivered, stable, receivedFlg: received === 1 };
}
