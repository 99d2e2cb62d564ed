import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng, type Rng } from "../../src/lib/rng.js";
import { BLOCK_BYTES } from "../../src/drbd/core/bitmap.js";
import type { ReplicaSettings } from "../../src/drbd/core/replica.js";
import { connectedPair, pattern, syncedPair, type Pair, type SimNode } from "./pair.js";

// A Primary whose disk is resyncing from its peer (SyncTarget) keeps serving
// I/O. DRBD's rule: application writes always win over resync data; blocks
// not resynced yet are read from the peer (drbd.conf(5), DRBD User's Guide,
// "Resynchronization"). Here the races are forced step by step in the pure core.
const SIZE = 1024 * 1024; // 256 blocks
const DIRTY = [0, 1, 2, 3, 4, 5, 6, 7];

/** alpha, Primary, detaches; it writes through beta, attaches again and is now SyncTarget while Primary. */
function primaryAsSyncTarget(overrides: Partial<ReplicaSettings> = {}): Pair {
  const pair = syncedPair(SIZE, overrides);
  assert.equal(pair.command(pair.a, { verb: "detach" }), undefined);
  for (const block of DIRTY) done(pair, pair.a, pair.write(pair.a, block * BLOCK_BYTES, pattern(100 + block, BLOCK_BYTES)));
  pair.attach(pair.a);
  // Stop once the resync has started: the SyncSource's first reads are issued, not yet done.
  pair.runUntil(() => pair.a.replica.repl === "SyncTarget" && pair.b.replica.repl === "SyncSource");
  assert.ok(pair.b.diskQueue.length > 0, "the SyncSource read the dirty blocks");
  assert.equal(pair.a.replica.role, "Primary");
  assert.equal(pair.a.replica.repl, "SyncTarget");
  assert.equal(pair.b.replica.repl, "SyncSource");
  assert.equal(pair.a.replica.bitmap?.count, DIRTY.length);
  return pair;
}

function done(pair: Pair, n: SimNode, reqId: number): Uint8Array | undefined {
  pair.run();
  const c = n.completions.get(reqId);
  assert.ok(c !== undefined, `request ${reqId} did not complete`);
  assert.equal(c.error, undefined);
  return c.data;
}

function finishAndCompare(pair: Pair, expected: Map<number, Uint8Array>): void {
  for (let i = 0; i < 20 && pair.a.replica.disk !== "UpToDate"; i++) pair.tick(100);
  assert.equal(pair.a.replica.disk, "UpToDate");
  assert.ok(Buffer.from(pair.a.data).equals(Buffer.from(pair.b.data)), "both copies hold the same bytes");
  for (const [off, bytes] of expected) assert.ok(sameBytes(pair.a.data.subarray(off, off + bytes.length), bytes), `the write at ${off} survived`);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

test("resync data read before the Primary's own partial write arrives after it: the write wins on both copies", () => {
  const pair = primaryAsSyncTarget();
  pair.step(pair.b, pair.b.diskQueue.shift()!()); // the old blocks are read and on their way to alpha
  const off = 3 * BLOCK_BYTES + 1024;
  const mine = pattern(7, 512);
  const reqId = pair.write(pair.a, off, mine); // alpha writes locally at once; the resync data lands after it
  done(pair, pair.a, reqId);
  assert.ok(sameBytes(done(pair, pair.a, pair.read(pair.a, off, 512)), mine), "a read right after the write returns it");
  assert.equal(pair.a.replica.resyncConflicts, 1, "the resync data was laid under the write");
  finishAndCompare(pair, new Map([[off, mine]]));
});

test("a resync read that completes only after the Primary's write was written on the SyncSource is not sent", () => {
  const pair = primaryAsSyncTarget();
  const off = 5 * BLOCK_BYTES + 4000; // spans blocks 5 and 6
  const mine = pattern(8, 300);
  const reqId = pair.write(pair.a, off, mine);
  deliverAll(pair, pair.b); // beta queues the write behind its resync read
  const staleRead = pair.b.diskQueue.shift()!(); // the read took the old bytes ...
  pair.step(pair.b, pair.b.diskQueue.shift()!()); // ... but the write's completion is reported first
  pair.step(pair.a, pair.a.diskQueue.shift()!());
  deliverAll(pair, pair.a); // alpha has the write-ack: its write is complete on both copies
  assert.equal(pair.a.completions.get(reqId)?.error, undefined);
  pair.step(pair.b, staleRead);
  finishAndCompare(pair, new Map([[off, mine]]));
});

function deliverAll(pair: Pair, n: SimNode): void {
  while (n.inbox.length > 0) {
    const msg = n.inbox.shift()!;
    assert.notEqual(msg, "down");
    if (msg !== "down") pair.step(n, { kind: "recv", msg });
  }
}

test("attaching the disk of a connected Primary keeps the connection; writes before the resync starts reach both copies", () => {
  const pair = syncedPair(SIZE);
  assert.equal(pair.command(pair.a, { verb: "detach" }), undefined);
  done(pair, pair.a, pair.write(pair.a, 9 * BLOCK_BYTES, pattern(9, BLOCK_BYTES)));
  pair.attach(pair.a); // alpha's handshake state is on its way; beta has not answered yet
  assert.equal(pair.a.replica.conn, "Connected");
  const early = pattern(10, 700);
  const reqId = pair.write(pair.a, 9 * BLOCK_BYTES + 100, early);
  assert.equal(pair.a.diskQueue.length, 1, "the write goes to alpha's own disk too");
  done(pair, pair.a, reqId);
  assert.equal(pair.a.replica.conn, "Connected");
  assert.ok(pair.a.logs.every((line) => !line.includes("connection lost")), "no reconnection");
  finishAndCompare(pair, new Map([[9 * BLOCK_BYTES + 100, early]]));
  assert.deepEqual(pair.a.replica.lastSync, { direction: "target", full: false, blocks: 1 });
});

/**
 * Seeded random runs: while the resync runs slowly (a few blocks per tick),
 * the Primary writes byte ranges of any size and alignment, the queues run in
 * random interleavings, and reads of quiet ranges must return what was last
 * written. At the end both copies equal the client's view and online verify
 * finds nothing.
 */
class ResyncUnderLoad {
  /** Larger than the 1 MiB a resync may send at once after an idle spell, so it takes seconds. */
  static readonly SIZE = 2 * 1024 * 1024;
  readonly pair: Pair;
  readonly expected: Uint8Array;
  /** Writes issued while the resync ran: the races under test need them. */
  writesDuringResync = 0;
  private seq = 0;

  constructor(readonly rng: Rng, readonly seed: number, overrides: Partial<ReplicaSettings> = {}) {
    this.pair = connectedPair(ResyncUnderLoad.SIZE, { resyncRateBytesPerSec: 256 * 1024, ...overrides });
    assert.equal(this.pair.command(this.pair.a, { verb: "primary", force: true }), undefined);
    for (let i = 0; i < 100 && this.pair.b.replica.disk !== "UpToDate"; i++) this.pair.tick(100);
    this.expected = this.pair.a.data.slice();
  }

  write(): void {
    const len = 1 + this.rng.int(3 * BLOCK_BYTES);
    this.writeAt(this.rng.int(ResyncUnderLoad.SIZE - len), len);
  }

  writeAt(off: number, len: number): void {
    const data = pattern(this.seed * 1_000_000 + ++this.seq, len);
    this.expected.set(data, off);
    if (this.pair.a.replica.repl !== "Established") this.writesDuringResync++;
    this.pair.write(this.pair.a, off, data);
  }

  /** Blocks of `n`'s copy change behind the replication's back (as online verify would find), so a checksum-based resync has data to send. */
  drift(n: SimNode, blocks: number): void {
    for (let i = 0; i < blocks; i++) n.data.set(pattern(this.seed * 1000 + i, BLOCK_BYTES), this.rng.int(ResyncUnderLoad.SIZE / BLOCK_BYTES) * BLOCK_BYTES);
  }

  /** With nothing in flight every read sees the last write, resynced yet or not. */
  readQuiet(): void {
    const len = 1 + this.rng.int(4 * BLOCK_BYTES);
    const off = this.rng.int(ResyncUnderLoad.SIZE - len);
    this.pair.run();
    const got = done(this.pair, this.pair.a, this.pair.read(this.pair.a, off, len));
    assert.ok(sameBytes(got, this.expected.subarray(off, off + len)), `seed=${this.seed}: read of ${len} bytes at ${off} is stale (repl ${this.pair.a.replica.repl})`);
  }

  /** Random steps while the resync runs (bounded). */
  drive(): void {
    const { a, b } = this.pair;
    for (let i = 0; i < 400 && (a.replica.disk !== "UpToDate" || b.replica.disk !== "UpToDate"); i++) {
      const r = this.rng.int(100);
      if (r < 45) this.write();
      else if (r < 55) this.readQuiet();
      else if (r < 85) this.pair.runSome(this.rng, 1 + this.rng.int(10));
      else this.pair.tick(100);
    }
  }

  check(): void {
    const { a, b } = this.pair;
    assert.ok(this.writesDuringResync >= 20, `seed=${this.seed}: only ${this.writesDuringResync} writes during the resync`);
    for (let i = 0; i < 100 && (a.replica.disk !== "UpToDate" || b.replica.disk !== "UpToDate"); i++) this.pair.tick(100);
    assert.equal(a.replica.repl, "Established", `seed=${this.seed}`);
    assert.ok(sameBytes(a.data, this.expected), `seed=${this.seed}: the Primary's copy differs from what the client wrote`);
    assert.ok(sameBytes(b.data, this.expected), `seed=${this.seed}: the peer's copy differs from what the client wrote`);
    assert.equal(this.pair.command(a, { verb: "verify" }), undefined);
    for (let i = 0; i < 50 && a.replica.repl !== "Established"; i++) this.pair.tick(100);
    assert.equal(a.replica.verifyDiffering, 0, `seed=${this.seed}: online verify`);
  }
}

const SEEDS = 40;

test(`a Primary resyncing as SyncTarget under random partial writes and reads ends with both copies as written (${SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const run = new ResyncUnderLoad(seededRng(seed), seed);
    const { pair } = run;
    assert.equal(pair.command(pair.a, { verb: "detach" }), undefined);
    // Through beta: about 1.6 MiB that alpha will resync.
    for (let i = 0; i < 24; i++) run.writeAt(i * 80 * 1024 + run.rng.int(16 * 1024), 64 * 1024);
    pair.run();
    pair.attach(pair.a);
    for (let i = 0; i < 3; i++) run.write(); // before beta has answered alpha's handshake
    pair.runUntil(() => pair.a.replica.repl === "SyncTarget");
    assert.equal(pair.a.replica.role, "Primary");
    run.drive();
    run.check();
  }
});

test(`a Primary that invalidates its disk resyncs it fully from its peer under random partial writes and reads (${SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const run = new ResyncUnderLoad(seededRng(seed), seed);
    const { pair } = run;
    const reqId = pair.a.nextReq++;
    pair.step(pair.a, { kind: "command", reqId, command: { verb: "invalidate" } });
    assert.ok(pair.a.replies.has(reqId) && pair.a.replies.get(reqId) === undefined, "invalidate accepted");
    for (let i = 0; i < 3; i++) run.write(); // before beta's answer (the start of the full sync) arrives
    pair.runUntil(() => pair.a.replica.repl === "SyncTarget");
    assert.equal(pair.a.replica.role, "Primary");
    run.drive();
    run.check();
    assert.equal(pair.a.replica.lastSync?.full, true);
  }
});

test("invalidate on a Primary needs a connected UpToDate peer", () => {
  const pair = syncedPair(SIZE);
  pair.cut();
  pair.a.wantLink = false;
  assert.match(pair.command(pair.a, { verb: "invalidate" }) ?? "", /cannot invalidate a Primary without a connected UpToDate peer/);
  assert.equal(pair.a.replica.disk, "UpToDate");
});

test(`a Primary resyncing its peer as SyncSource under random partial writes and reads ends with both copies as written (${SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const run = new ResyncUnderLoad(seededRng(seed), seed);
    const { pair } = run;
    assert.equal(pair.command(pair.b, { verb: "invalidate" }), undefined); // a full sync from alpha
    assert.equal(pair.a.replica.repl, "SyncSource");
    run.drive();
    run.check();
  }
});

// csums-alg: the same races while the resync compares digests first; some blocks
// of the SyncTarget drifted, so both identical runs and data pieces are in flight.
const CSUMS_SEEDS = 20;

test(`csums-alg: a Primary that invalidates its disk resyncs by checksum under random partial writes and reads (${CSUMS_SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= CSUMS_SEEDS; seed++) {
    const run = new ResyncUnderLoad(seededRng(seed), seed, { csumsAlg: "sha256" });
    const { pair } = run;
    run.drift(pair.a, 40);
    const reqId = pair.a.nextReq++;
    pair.step(pair.a, { kind: "command", reqId, command: { verb: "invalidate" } });
    for (let i = 0; i < 3; i++) run.write();
    pair.runUntil(() => pair.a.replica.repl === "SyncTarget");
    run.drive();
    run.check();
    assert.ok((pair.a.replica.lastSync?.identical ?? 0) > 0, `seed=${seed}: blocks were skipped as identical`);
  }
});

test(`csums-alg: a Primary resyncing its invalidated peer by checksum under random partial writes and reads (${CSUMS_SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= CSUMS_SEEDS; seed++) {
    const run = new ResyncUnderLoad(seededRng(seed), seed, { csumsAlg: "sha256" });
    const { pair } = run;
    run.drift(pair.b, 40);
    assert.equal(pair.command(pair.b, { verb: "invalidate" }), undefined);
    assert.equal(pair.a.replica.repl, "SyncSource");
    run.drive();
    run.check();
    assert.ok((pair.a.replica.lastSync?.identical ?? 0) > 0, `seed=${seed}: blocks were skipped as identical`);
  }
});

/** alpha writes a whole block; beta, the SyncSource, fails to store it (its disk passes the error on). */
function writeFailedOnSource(pair: Pair, block: number, bytes: Uint8Array): number {
  const reqId = pair.write(pair.a, block * BLOCK_BYTES, bytes);
  deliverAll(pair, pair.b);
  const peerWrite = pair.b.diskQueue.pop()!; // queued last, behind the resync's reads
  pair.b.failDisk = true;
  pair.step(pair.b, peerWrite());
  pair.b.failDisk = false;
  pair.run();
  return reqId;
}

function settleBoth(pair: Pair): void {
  const settled = () => [pair.a, pair.b].every((n) => n.replica.repl === "Established" && n.replica.disk === "UpToDate" && n.replica.bitmap?.count === 0);
  for (let i = 0; i < 40 && !settled(); i++) pair.tick(100);
  assert.ok(settled(), `a: ${pair.a.replica.repl}/${pair.a.replica.disk}, b: ${pair.b.replica.repl}/${pair.b.replica.disk}`);
}

for (const [where, block] of [["a block already resynced", 20], ["a block the resync has yet to copy", DIRTY[3]!]] as const) {
  test(`a write the SyncSource fails to store (${where}) fails on the SyncTarget Primary; the copies end equal, with this copy's bytes`, () => {
    const pair = primaryAsSyncTarget({ onIoError: "pass_on" });
    const mine = pattern(40 + block, BLOCK_BYTES);
    const reqId = writeFailedOnSource(pair, block, mine);
    // Only alpha's disk, Inconsistent while it resyncs, holds the write: were alpha to fail now, beta
    // (UpToDate, promotable) has the old bytes, so the write is not acknowledged as done.
    assert.equal(pair.a.completions.get(reqId)?.error, "EIO");
    settleBoth(pair);
    assert.ok(Buffer.from(pair.a.data).equals(Buffer.from(pair.b.data)), "both copies hold the same bytes");
    const off = block * BLOCK_BYTES;
    assert.ok(sameBytes(pair.b.data.subarray(off, off + BLOCK_BYTES), mine), "the block went to the peer after the resync");
  });
}
