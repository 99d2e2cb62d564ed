import { test } from "node:test";
import assert from "node:assert/strict";
import { BLOCK_BYTES } from "../../src/drbd/core/bitmap.js";
import { Pair, pattern, syncedPair, type SimNode } from "./pair.js";

// csums-alg (drbd.conf(5), net section): checksum-based resync. For each run of
// out-of-sync blocks the SyncSource sends digests first; blocks whose digests
// match the SyncTarget's copy are marked in sync without their data, and only
// the differing blocks carry data. Integrity is unchanged: both copies end identical.
const SIZE = 1024 * 1024; // 256 blocks
const BLOCKS = SIZE / BLOCK_BYTES;

/** The resync data that crossed the link: each rs-data piece as [first block, blocks]. */
function recordResyncData(pair: Pair): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  pair.onSend = (_from, msg) => {
    if (msg.t === "rs-data") pieces.push([msg.block, msg.data.length / BLOCK_BYTES]);
    return msg;
  };
  return pieces;
}

/** A synced pair holding distinct data in every block (so a resync of zeros would not pass for one). */
function filledPair(overrides = {}): Pair {
  const pair = syncedPair(SIZE, { csumsAlg: "sha256", ...overrides });
  const reqId = pair.write(pair.a, 0, pattern(1, SIZE));
  pair.run();
  assert.equal(pair.a.completions.get(reqId)?.error, undefined);
  assert.ok(same(pair.a, pair.b), "both copies written");
  return pair;
}

function same(a: SimNode, b: SimNode): boolean {
  return Buffer.from(a.data).equals(Buffer.from(b.data));
}

function resync(pair: Pair, target: SimNode): void {
  assert.equal(pair.command(target, { verb: "invalidate" }), undefined);
  for (let i = 0; i < 50 && (pair.a.replica.repl !== "Established" || pair.b.replica.repl !== "Established"); i++) pair.tick(100);
  assert.equal(target.replica.disk, "UpToDate");
  assert.equal(pair.peerOf(target).replica.peer?.disk, "UpToDate");
}

test("csums-alg: invalidate of a Secondary whose data is identical transfers no data block", () => {
  const pair = filledPair();
  const pieces = recordResyncData(pair);
  resync(pair, pair.b);
  assert.deepEqual(pieces, []);
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: true, blocks: BLOCKS, identical: BLOCKS });
  assert.deepEqual(pair.a.replica.lastSync, { direction: "source", full: true, blocks: BLOCKS, identical: BLOCKS });
  assert.ok(same(pair.a, pair.b));
  assert.ok(pair.a.logs.some((line) => line.includes(`${BLOCKS} blocks identical by sha256 checksum, not sent`)), pair.a.logs.join("\n"));
});

test("csums-alg: invalidate of a Primary (SyncTarget while serving I/O) whose data is identical transfers no data block", () => {
  const pair = filledPair();
  const pieces = recordResyncData(pair);
  resync(pair, pair.a);
  assert.equal(pair.a.replica.role, "Primary");
  assert.deepEqual(pieces, []);
  assert.equal(pair.a.replica.lastSync?.identical, BLOCKS);
});

test("csums-alg: a resync sends exactly the blocks whose data differs, as contiguous pieces", () => {
  const pair = filledPair();
  // Beta's copy drifted behind the replication's back (what online verify would find).
  for (const block of [3, 4, 10, 200, 255]) pair.b.data.set(pattern(50 + block, BLOCK_BYTES), block * BLOCK_BYTES);
  assert.ok(!same(pair.a, pair.b));
  const pieces = recordResyncData(pair);
  resync(pair, pair.b);
  assert.deepEqual(pieces.sort((x, y) => x[0] - y[0]), [[3, 2], [10, 1], [200, 1], [255, 1]]);
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: true, blocks: BLOCKS, identical: BLOCKS - 5 });
  assert.ok(same(pair.a, pair.b), "the differing blocks were copied");
});

test("without csums-alg the same resync sends every block", () => {
  const pair = filledPair({ csumsAlg: undefined });
  const pieces = recordResyncData(pair);
  resync(pair, pair.b);
  assert.equal(pieces.reduce((sum, [, count]) => sum + count, 0), BLOCKS);
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: true, blocks: BLOCKS });
});

test("csums-alg: a bitmap-based resync after a disconnect sends the blocks written meanwhile, not the rewritten-identical ones", () => {
  const pair = filledPair();
  assert.equal(pair.command(pair.a, { verb: "disconnect" }), undefined);
  // Block 7 gets new bytes; block 20 is written with the bytes it already holds.
  pair.write(pair.a, 7 * BLOCK_BYTES, pattern(99, BLOCK_BYTES));
  pair.write(pair.a, 20 * BLOCK_BYTES, pair.a.data.slice(20 * BLOCK_BYTES, 21 * BLOCK_BYTES));
  pair.run();
  const pieces = recordResyncData(pair);
  pair.command(pair.a, { verb: "connect", discardMyData: false });
  pair.command(pair.b, { verb: "connect", discardMyData: false });
  pair.tick(500);
  assert.deepEqual(pieces, [[7, 1]]);
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: false, blocks: 2, identical: 1 });
  assert.ok(same(pair.a, pair.b));
});

test("csums-alg: a write crossing the digests of its run is on both copies afterwards, whichever way the digests compared", () => {
  for (const drift of [false, true]) {
    const pair = filledPair();
    if (drift) pair.b.data.set(pattern(77, BLOCK_BYTES), 5 * BLOCK_BYTES);
    pair.step(pair.b, { kind: "command", reqId: pair.b.nextReq++, command: { verb: "invalidate" } });
    // Alpha reads its first run; beta gets its digests; alpha's client writes block 5 meanwhile.
    pair.runUntil(() => pair.b.inbox.some((m) => m !== "down" && m.t === "rs-digests"));
    const mine = pattern(78, 100);
    const reqId = pair.write(pair.a, 5 * BLOCK_BYTES + 300, mine);
    for (let i = 0; i < 50 && pair.b.replica.disk !== "UpToDate"; i++) pair.tick(100);
    assert.equal(pair.a.completions.get(reqId)?.error, undefined);
    assert.equal(pair.b.replica.disk, "UpToDate");
    assert.ok(same(pair.a, pair.b), `drift=${drift}: both copies hold the same bytes`);
    assert.ok(Buffer.from(pair.b.data.subarray(5 * BLOCK_BYTES + 300, 5 * BLOCK_BYTES + 400)).equals(Buffer.from(mine)));
  }
});

test("both nodes must agree on csums-alg and data-integrity-alg: a mismatch leaves them StandAlone", () => {
  for (const [field, option] of [["csumsAlg", "csums-alg"], ["integrityAlg", "data-integrity-alg"]] as const) {
    const pair = new Pair(SIZE);
    pair.b.replica.adjust({ ...pair.b.replica.settings, [field]: "md5" });
    pair.connectBoth();
    assert.equal(pair.a.replica.conn, "StandAlone");
    assert.ok(pair.a.logs.some((line) => line.includes(`incompatible ${option} (alpha: none, beta: md5)`)), pair.a.logs.join("\n"));
  }
});
