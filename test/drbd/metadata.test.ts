import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng } from "../../src/lib/rng.js";
import { ActivityLog } from "../../src/drbd/core/activity-log.js";
import { AL_EXTENTS_MAX, encodeSlot, freshSuperblock, metaLayout, pickSlot, SLOT_BYTES } from "../../src/drbd/core/metadata.js";
import { decideSync, mirrorDecision, type HandshakeView } from "../../src/drbd/core/handshake.js";
import { AFTER_SB_0PRI, AFTER_SB_1PRI, AFTER_SB_2PRI } from "../../src/drbd/config/model.js";

test("internal metadata sits at the end of the backing store and the usable size shrinks by its size", () => {
  const backing = 64 * 1024 * 1024;
  const layout = metaLayout(backing, true);
  assert.equal(layout.dataSizeBytes, layout.metaOffsetBytes);
  assert.ok(layout.dataSizeBytes < backing);
  assert.ok(layout.bitmapOffsetBytes + layout.bitmapBytes <= backing);
  assert.equal(layout.dataSizeBytes % 4096, 0);
  assert.equal(layout.bitmapBytes, Math.ceil(layout.dataSizeBytes / 4096 / 8));
  const external = metaLayout(backing, false);
  assert.equal(external.dataSizeBytes, backing);
  assert.equal(external.metaOffsetBytes, 0);
});

test("a torn superblock write leaves the previous slot in force", () => {
  const first = freshSuperblock(1 << 20);
  const second = { ...first, seq: 2, disk: "UpToDate" as const };
  const slotA = encodeSlot(second);
  const slotB = encodeSlot(first);
  assert.equal(pickSlot(slotA, slotB)?.seq, 2);
  const torn = slotA.slice();
  torn.fill(0, 100, SLOT_BYTES);
  assert.equal(pickSlot(torn, slotB)?.seq, 1, "the checksum rejects the torn slot");
  assert.equal(pickSlot(new Uint8Array(SLOT_BYTES), new Uint8Array(SLOT_BYTES)), undefined);
});

test("both sides reach mirrored sync decisions for any pair of generation states", () => {
  const rng = seededRng(0x5eed);
  const ids = ["0000000000000000", "0000000000000004", "aaaa000000000100", "bbbb000000000100", "cccc000000000100"];
  const pick = () => ids[rng.int(ids.length)]!;
  const view = (node: string): HandshakeView => ({
    node, primary: rng.int(2) === 1, uuids: { current: pick(), bitmap: pick(), history: [pick(), pick()] },
    upToDate: rng.int(2) === 1, changes: rng.int(3), crashedPrimary: rng.int(2) === 1, primarySinceMs: rng.int(3), discardMyData: rng.int(4) === 0,
  });
  // discard-local / discard-remote are meant to be configured differently on the two nodes: not symmetric by design.
  const symmetric0pri = AFTER_SB_0PRI.filter((p) => p !== "discard-local" && p !== "discard-remote");
  for (let i = 0; i < 20_000; i++) {
    const a = view("alpha");
    const b = view("beta");
    const policies = { afterSb0pri: symmetric0pri[rng.int(symmetric0pri.length)]!, afterSb1pri: AFTER_SB_1PRI[rng.int(AFTER_SB_1PRI.length)]!, afterSb2pri: AFTER_SB_2PRI[rng.int(AFTER_SB_2PRI.length)]! };
    const strip = (d: ReturnType<typeof decideSync>) => ("why" in d ? { ...d, why: "" } : d);
    assert.deepEqual(strip(decideSync(a, b, policies)), strip(mirrorDecision(decideSync(b, a, policies))), `case ${i}: ${JSON.stringify([a, b, policies])}`);
  }
});

test("generation rules: bitmap UUID equal to the peer's current means sync from this side; equal bitmap UUIDs are split brain", () => {
  const base = { primary: false, upToDate: true, changes: 3, crashedPrimary: false, primarySinceMs: 0, discardMyData: false };
  const policies = { afterSb0pri: "disconnect", afterSb1pri: "disconnect", afterSb2pri: "disconnect" } as const;
  const a: HandshakeView = { ...base, node: "alpha", uuids: { current: "bbbb000000000100", bitmap: "aaaa000000000100", history: ["0000000000000000", "0000000000000000"] } };
  const b: HandshakeView = { ...base, node: "beta", changes: 0, uuids: { current: "aaaa000000000100", bitmap: "0000000000000000", history: ["0000000000000000", "0000000000000000"] } };
  assert.deepEqual(decideSync(a, b, policies), { kind: "sync", direction: "source", full: false, splitBrain: undefined });
  const c: HandshakeView = { ...b, uuids: { ...b.uuids, current: "cccc000000000100", bitmap: "aaaa000000000100" } };
  assert.equal(decideSync(a, c, policies).kind, "split-brain");
  assert.deepEqual(decideSync(a, { ...c, changes: 0 }, { ...policies, afterSb0pri: "discard-zero-changes" }), { kind: "sync", direction: "source", full: false, splitBrain: "after-sb-0pri discard-zero-changes" });
  assert.equal(decideSync(a, { ...c, primary: true, changes: 0 }, { ...policies, afterSb0pri: "discard-zero-changes", afterSb1pri: "consensus" }).kind, "split-brain",
    "consensus: 0pri would discard the Primary, so no agreement");
});

test("the largest activity log fits its superblock slot", () => {
  const sb = { ...freshSuperblock(1 << 30), activityLog: Array.from({ length: AL_EXTENTS_MAX }, (_, i) => 9_999_999 - i) };
  assert.equal(pickSlot(encodeSlot(sb), new Uint8Array(SLOT_BYTES))?.activityLog.length, AL_EXTENTS_MAX);
});

test("the activity log changes only when a write reaches a new extent, and evicts the least recently used", () => {
  const log = new ActivityLog(2);
  const MiB4 = 4 * 1024 * 1024;
  assert.equal(log.touch(0, 4096), true);
  assert.equal(log.touch(100, 4096), false, "same extent: no metadata write");
  assert.equal(log.touch(MiB4 - 10, 20), true, "a write across two extents brings in the second");
  assert.deepEqual(log.snapshot(), [0, 1]);
  log.touch(0, 1);
  assert.equal(log.touch(2 * MiB4, 1), true);
  assert.deepEqual(log.snapshot(), [0, 2], "extent 1 was the least recently used");
});

test("a sequential writer changes the activity log once per four extents; a random one brings in only its own extent", () => {
  const MiB = 1024 * 1024;
  const log = new ActivityLog(64);
  const changes = Array.from({ length: 64 }, (_, i) => log.touch(i * MiB, MiB)).filter(Boolean).length;
  assert.equal(changes, 5, "extent 0, extent 1 (+2, 3, 4), extent 5 (+6, 7, 8), 9 (+10, 11, 12), 13 (+14, 15, 16)");
  assert.deepEqual(log.snapshot().sort((a, b) => a - b), Array.from({ length: 17 }, (_, e) => e), "the look-ahead reaches one stride past the writer");
  const random = new ActivityLog(64);
  random.touch(40 * 4 * MiB, 4096);
  random.touch(7 * 4 * MiB, 4096);
  assert.deepEqual(random.snapshot(), [40, 7]);
  const full = new ActivityLog(3);
  full.touch(0, 1);
  full.touch(4 * MiB, 1);
  assert.deepEqual(full.snapshot(), [0, 1, 2], "look-ahead fills free places only, evicting nothing");
});
