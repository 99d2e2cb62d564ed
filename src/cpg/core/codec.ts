import { err, ok, type Result } from "../../lib/result.js";
import { ByteReader, ByteWriter, ringIdOf, ringRep, ringSeq, type NodeId } from "../../totem/index.js";
import { CPG_GROUP_NAME_BYTES_MAX, type CpgMessage } from "./types.js";

const KIND = { join: 1, leave: 2, mcast: 3, sync: 4 } as const;
const GROUPS_PER_SYNC_MAX = 65535;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });
/** Encoded group names: groups are few and named on every message. */
const encodedNames = new Map<string, Uint8Array>();
const ENCODED_NAMES_MAX = 4096;

/**
 * `headroom` leading bytes are left free for the membership stack's service
 * byte, so framing costs no copy.
 */
export function encodeCpgMessage(msg: CpgMessage, headroom = 0): Uint8Array {
  const nameBytes = msg.kind === "sync" ? 0 : 1 + (encodedNames.get(msg.group)?.byteLength ?? CPG_GROUP_NAME_BYTES_MAX);
  const size = headroom + 10 + nameBytes + (msg.kind === "mcast" ? msg.payload.byteLength : msg.kind === "sync" ? 256 : 0);
  const w = new ByteWriter(size, headroom);
  w.u8(KIND[msg.kind]);
  switch (msg.kind) {
    case "join": writeGroup(w, msg.group); w.u32(msg.pid); break;
    case "leave": writeGroup(w, msg.group); w.u32(msg.pid); w.u8(msg.reason === "leave" ? 0 : 1); break;
    case "mcast": writeGroup(w, msg.group); w.u32(msg.pid); w.u32(msg.payload.byteLength); w.bytes(msg.payload); break;
    case "sync":
      w.u32(ringRep(msg.ring));
      w.u53(ringSeq(msg.ring));
      w.u16(msg.groups.length);
      for (const entry of msg.groups) {
        writeGroup(w, entry.group);
        w.u16(entry.pids.length);
        for (const pid of entry.pids) w.u32(pid);
      }
      break;
  }
  return w.finish();
}

/** Never throws: a malformed message from a peer is an error value. Decoding starts at `offset`. */
export function decodeCpgMessage(bytes: Uint8Array, offset = 0): Result<CpgMessage, string> {
  const r = new ByteReader(bytes, offset);
  const kind = r.u8("cpg kind");
  let msg: CpgMessage | null = null;
  if (kind === KIND.join) msg = { kind: "join", group: readGroup(r), pid: r.u32("pid") };
  else if (kind === KIND.leave) msg = { kind: "leave", group: readGroup(r), pid: r.u32("pid"), reason: readLeaveReason(r) };
  else if (kind === KIND.mcast) msg = { kind: "mcast", group: readGroup(r), pid: r.u32("pid"), payload: r.bytesView(r.u32("payload length"), "payload") };
  else if (kind === KIND.sync) msg = readSync(r);
  else r.fail(`unknown cpg message kind ${kind}`);
  if (r.problem === null && r.remaining > 0) r.fail(`${r.remaining} trailing bytes`);
  return r.problem === null && msg !== null ? ok(msg) : err(r.problem ?? "bad cpg message");
}

function readLeaveReason(r: ByteReader): "leave" | "procdown" {
  const reason = r.u8("leave reason");
  if (reason > 1) r.fail(`unknown leave reason ${reason}`);
  return reason === 0 ? "leave" : "procdown";
}

function readSync(r: ByteReader): CpgMessage {
  const rep = r.u32("ring rep");
  const seq = r.u53("ring seq");
  if (r.problem === null && rep === 0) r.fail("ring rep is node 0");
  const count = r.u16("group count");
  const groups: Array<{ group: string; pids: number[] }> = [];
  for (let i = 0; i < count && i < GROUPS_PER_SYNC_MAX && r.problem === null; i++) {
    const group = readGroup(r);
    const pidCount = r.u16("pid count");
    const pids: number[] = [];
    for (let j = 0; j < pidCount && r.problem === null; j++) pids.push(r.u32("pid"));
    groups.push({ group, pids });
  }
  return { kind: "sync", ring: r.problem === null ? ringIdOf(rep as NodeId, seq) : ringIdOf(1 as NodeId, 0), groups };
}

function writeGroup(w: ByteWriter, group: string): void {
  let bytes = encodedNames.get(group);
  if (bytes === undefined) {
    bytes = utf8.encode(group);
    if (encodedNames.size >= ENCODED_NAMES_MAX) encodedNames.clear();
    encodedNames.set(group, bytes);
  }
  w.u8(bytes.byteLength);
  w.bytes(bytes);
}

function readGroup(r: ByteReader): string {
  const length = r.u8("group name length");
  const bytes = r.bytesView(length, "group name");
  if (r.problem !== null) return "";
  if (length === 0 || length > CPG_GROUP_NAME_BYTES_MAX) {
    r.fail(`group name of ${length} bytes (1..${CPG_GROUP_NAME_BYTES_MAX})`);
    return "";
  }
  if (sameBytes(bytes, lastName.bytes)) return lastName.text; // traffic mostly goes to one group
  try {
    const text = fromUtf8.decode(bytes);
    lastName = { bytes: bytes.slice(), text };
    return text;
  } catch {
    r.fail("group name is not UTF-8"); // an operating error from a peer, reported as a value
    return "";
  }
}

let lastName = { bytes: new Uint8Array(0), text: "" };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength || a.byteLength === 0) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function groupNameProblem(group: string): string | null {
  const length = utf8.encode(group).byteLength;
  return length === 0 || length > CPG_GROUP_NAME_BYTES_MAX ? `group name must be 1..${CPG_GROUP_NAME_BYTES_MAX} bytes (got ${length})` : null;
}
