import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeMessage, encodeMessage, nodeId, ringIdOf, type TotemMessage } from "../../src/totem/index.js";
import { seededRng, type Rng } from "../../src/lib/rng.js";

const n = nodeId;
const ring = ringIdOf(n(1), 8);
const samples: TotemMessage[] = [
  {
    kind: "mcast", sender: n(2), ring, frames: [
      { seq: 1, origin: n(2), old: null, safe: true, parts: [{ more: false, bytes: new Uint8Array([1, 2, 3]) }, { more: true, bytes: new Uint8Array(0) }] },
      { seq: 2 ** 40, origin: n(3), old: { ring: ringIdOf(n(3), 4), seq: 17 }, safe: false, parts: [] },
    ],
  },
  { kind: "token", sender: n(1), ring, tokenSeq: 99, seq: 12, aru: 10, aruId: 3, rtr: [11, 12], fcc: 4, backlog: 7, retransFlg: true },
  { kind: "join", sender: n(0xffff_ffff), ring, procSet: [n(1), n(2), n(0xffff_ffff)], failSet: [n(2)], ringSeq: 2 ** 53 - 1 },
  {
    kind: "commit", sender: n(1), ring: ringIdOf(n(1), 12), tokenSeq: 3, members: [n(1), n(5)],
    entries: [{ prevRing: ring, aru: 5, highDelivered: 4, stable: 3, receivedFlg: false }, null],
  },
  { kind: "merge_detect", sender: n(4), ring },
  { kind: "hold_cancel", sender: n(4), ring },
];

function normalize(msg: TotemMessage): unknown {
  return JSON.parse(JSON.stringify(msg, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)));
}

test("every message kind survives encode then decode unchanged", () => {
  for (const msg of samples) {
    const decoded = decodeMessage(encodeMessage(msg));
    assert.ok(decoded.ok, `${msg.kind}: ${decoded.ok ? "" : decoded.error.message}`);
    assert.deepEqual(normalize(decoded.value), normalize(msg));
  }
});

test("truncated messages are rejected with the offset, never thrown", () => {
  for (const msg of samples) {
    const bytes = encodeMessage(msg);
    for (let cut = 0; cut < bytes.byteLength; cut++) {
      const decoded = decodeMessage(bytes.subarray(0, cut));
      assert.equal(decoded.ok, false, `${msg.kind} cut at ${cut} decoded`);
      if (!decoded.ok) assert.match(decoded.error.message, /^offset \d+: /);
    }
  }
});

test("trailing bytes, bad magic, unknown kinds and node id 0 are clear errors", () => {
  const token = encodeMessage(samples[1]!);
  const cases: Array<[Uint8Array, RegExp]> = [
    [Uint8Array.from([...token, 0]), /trailing/],
    [Uint8Array.from([0x00, ...token.subarray(1)]), /bad magic/],
    [Uint8Array.from([...token.subarray(0, 3), 99, ...token.subarray(4)]), /unknown message kind/],
    [Uint8Array.from([...token.subarray(0, 4), 0, 0, 0, 0, ...token.subarray(8)]), /sender is node id 0/],
  ];
  for (const [bytes, why] of cases) {
    const decoded = decodeMessage(bytes);
    assert.equal(decoded.ok, false);
    if (!decoded.ok) assert.match(decoded.error.message, why);
  }
});

function mutate(bytes: Uint8Array, rng: Rng): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits; i++) copy[rng.int(copy.length)] = rng.int(256);
  return rng.int(4) === 0 ? copy.subarray(0, rng.int(copy.length + 1)) : copy;
}

test("fuzz: random and mutated bytes never throw; anything accepted re-encodes identically", () => {
  const seed = 0x7073;
  const rng = seededRng(seed);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const bytes = i % 2 === 0
      ? mutate(encodeMessage(samples[rng.int(samples.length)]!), rng)
      : Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      assert.match(decoded.error.message, /^offset \d+: /, `seed=${seed} iteration ${i}`);
      continue;
    }
    accepted++;
    assert.deepEqual(encodeMessage(decoded.value), bytes, `seed=${seed} iteration ${i}: accepted bytes re-encode differently`);
  }
  assert.ok(accepted > 0, "some mutations (payload bytes) stay valid");
});
