import { err, ok, type Result } from "../../lib/result.js";
import { ByteReader, ByteWriter, MEMBERS_MAX, ringIdOf, ringRep, ringSeq, type NodeId, type RingId } from "../../totem/index.js";
import type { QuorumMessage } from "./types.js";

const NODEINFO = 1;
const SET_EXPECTED = 2;
const ADMIN_EXPECTED = 3;
const KIND_CODES = { nodeinfo: NODEINFO, set_expected: SET_EXPECTED, admin_expected: ADMIN_EXPECTED } as const;

/** `headroom` leading bytes are left free for the membership stack's service byte. */
export function encodeQuorumMessage(msg: QuorumMessage, headroom = 0): Uint8Array {
  const w = new ByteWriter(64, headroom);
  w.u8(KIND_CODES[msg.kind]);
  w.u32(ringRep(msg.ring));
  w.u53(ringSeq(msg.ring));
  w.u32(msg.expectedVotes);
  if (msg.kind === "nodeinfo") {
    w.u32(msg.votes);
    w.u8((msg.quorate ? 1 : 0) | (msg.waitingForAll ? 2 : 0));
    writeNodes(w, msg.seen);
    w.u8(msg.lms === null ? 0 : 1);
    if (msg.lms !== null) {
      w.u53(msg.lms.seq);
      writeNodes(w, msg.lms.members);
    }
  }
  return w.finish();
}

/** Never throws: a malformed message from a peer is an error value. */
export function decodeQuorumMessage(bytes: Uint8Array): Result<QuorumMessage, string> {
  const r = new ByteReader(bytes);
  const kind = r.u8("quorum kind");
  if (r.problem === null && kind !== NODEINFO && kind !== SET_EXPECTED && kind !== ADMIN_EXPECTED) r.fail(`unknown quorum message kind ${kind}`);
  const ring = readRing(r);
  const expectedVotes = r.u32("expected votes");
  let msg: QuorumMessage = { kind: kind === ADMIN_EXPECTED ? "admin_expected" : "set_expected", ring, expectedVotes };
  if (kind === NODEINFO) {
    const votes = r.u32("votes");
    const flags = r.u8("flags");
    const seen = readNodes(r, "seen");
    const hasLms = r.u8("lms flag");
    if (r.problem === null && hasLms > 1) r.fail(`bad lms flag ${hasLms}`);
    const lms = hasLms === 1 ? { seq: r.u53("lms seq"), members: readNodes(r, "lms members") } : null;
    msg = { kind: "nodeinfo", ring, expectedVotes, votes, quorate: (flags & 1) !== 0, waitingForAll: (flags & 2) !== 0, seen, lms };
  }
  if (r.problem === null && expectedVotes === 0) r.fail("expected votes of 0");
  if (r.problem === null && r.remaining > 0) r.fail(`${r.remaining} trailing bytes`);
  return r.problem === null ? ok(msg) : err(r.problem);
}

function writeNodes(w: ByteWriter, nodes: readonly NodeId[]): void {
  w.u16(nodes.length);
  for (const node of nodes) w.u32(node);
}

function readNodes(r: ByteReader, what: string): NodeId[] {
  const count = r.u16(`${what} count`);
  if (count > MEMBERS_MAX) r.fail(`${what} lists ${count} nodes`);
  const nodes: NodeId[] = [];
  for (let i = 0; i < count && r.problem === null; i++) {
    const node = r.u32(`${what} node`);
    if (r.problem === null && node === 0) r.fail(`${what} lists node 0`);
    nodes.push(node as NodeId);
  }
  return nodes;
}

function readRing(r: ByteReader): RingId {
  const rep = r.u32("ring rep");
  const seq = r.u53("ring seq");
  if (r.problem === null && rep === 0) r.fail("ring rep is node 0");
  return r.problem === null ? ringIdOf(rep as NodeId, seq) : ringIdOf(1 as NodeId, 0);
}
