import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng } from "../../src/lib/rng.js";
import { UnplacedWrites } from "../../src/drbd/core/write-conflicts.js";
import { pattern, syncedPair, type Pair, type SimNode } from "./pair.js";

// allow-two-primaries in the pure core: both nodes Primary, overlapping writes
// crossing on the virtual link in random interleavings; both disks must end equal.
const SIZE = 1024 * 1024; // 256 blocks

function twoPrimaries(): Pair {
  const pair = syncedPair(SIZE, { allowTwoPrimaries: true });
  assert.equal(pair.command(pair.b, { verb: "primary", force: false }), undefined, "allow-two-primaries lets the second node promote");
  assert.equal(pair.b.replica.role, "Primary");
  assert.equal(pair.a.replica.peer?.role, "Primary");
  return pair;
}

function firstDifference(a: SimNode, b: SimNode): number {
  for (let i = 0; i < SIZE; i++) if (a.data[i] !== b.data[i]) return i;
  return -1;
}

test("without allow-two-primaries a second primary is refused while the peer is Primary", () => {
  const pair = syncedPair(SIZE);
  assert.match(pair.command(pair.b, { verb: "primary", force: false }) ?? "", /alpha is Primary and allow-two-primaries is off/);
  assert.equal(pair.b.replica.role, "Secondary");
});

test("two Primaries writing overlapping blocks at random moments end with identical disks", () => {
  let conflicts = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const pair = twoPrimaries();
    const rng = seededRng(seed);
    const reqs: Array<[SimNode, number]> = [];
    for (let i = 0; i < 60; i++) {
      const n = rng.int(2) === 0 ? pair.a : pair.b;
      // Writes of 1-4 blocks, unaligned starts inside a 16-block window: most of them overlap.
      const off = rng.int(16 * 4096 - 512);
      const len = Math.min(SIZE - off, 512 + rng.int(4 * 4096));
      reqs.push([n, pair.write(n, off, pattern(seed * 1000 + i, len))]);
      pair.runSome(rng, rng.int(6));
    }
    pair.run();
    for (const [n, reqId] of reqs) assert.equal(n.completions.get(reqId)?.error, undefined, `seed ${seed}: request ${reqId} on ${n.name}`);
    assert.equal(firstDifference(pair.a, pair.b), -1, `seed ${seed}: the two disks differ`);
    conflicts += pair.b.replica.writeConflicts;
    assert.equal(pair.a.replica.writeConflicts, 0, "the arbiter (lower name) never rewrites");
  }
  assert.ok(conflicts > 20, `the interleavings produced crossing writes (${conflicts})`);
});

test("the non-arbiter lays its unplaced writes over an incoming write, in issue order", () => {
  const w = new UnplacedWrites();
  w.track(1, 4, new Uint8Array([1, 1, 1, 1]));
  w.track(2, 6, new Uint8Array([2, 2, 2, 2]));
  const incoming = new Uint8Array(12).fill(9);
  assert.deepEqual([...w.overlay(0, incoming)], [9, 9, 9, 9, 1, 1, 2, 2, 2, 2, 9, 9]);
  assert.deepEqual([...incoming], Array(12).fill(9), "the incoming buffer is not modified");
  w.placed(1);
  assert.deepEqual([...w.overlay(0, incoming)], [9, 9, 9, 9, 9, 9, 2, 2, 2, 2, 9, 9]);
  const apart = new Uint8Array(2);
  assert.equal(w.overlay(20, apart), apart, "nothing overlaps: the same buffer");
  assert.equal(w.conflicts, 2);
});
