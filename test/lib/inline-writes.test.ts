import { test } from "node:test";
import assert from "node:assert/strict";
import { InlineWrites } from "../../src/lib/inline-writes.js";

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 1_000;
  return { now: () => ms, advance: (by) => (ms += by) };
}

test("inline writes: up to the size limit while the store answers quickly; larger ones go to the pool", () => {
  const clock = manualClock();
  const gate = new InlineWrites({ bytesMax: 1024, slowMs: 20, poolForMs: 30_000, now: clock.now });
  assert.equal(gate.allows(1024), true);
  assert.equal(gate.run(() => "written"), "written");
  assert.equal(gate.allows(1025), false);
  assert.deepEqual([gate.inline, gate.pooled], [1, 1]);
});

test("inline writes: one slow write sends every write to the pool for poolForMs, then inline again", () => {
  const clock = manualClock();
  const gate = new InlineWrites({ bytesMax: 1024, slowMs: 20, poolForMs: 30_000, now: clock.now });
  gate.run(() => clock.advance(19)); // not slow: at most slowMs
  assert.equal(gate.allows(4), true);
  gate.run(() => clock.advance(21));
  assert.equal(gate.allows(4), false);
  clock.advance(29_999);
  assert.equal(gate.allows(4), false);
  clock.advance(1);
  assert.equal(gate.allows(4), true);
});

test("inline writes: a write that throws is counted and timed too", () => {
  const clock = manualClock();
  const gate = new InlineWrites({ bytesMax: 1024, slowMs: 20, poolForMs: 30_000, now: clock.now });
  assert.throws(() => gate.run(() => {
    clock.advance(50);
    throw new Error("EIO");
  }), /EIO/);
  assert.equal(gate.inline, 1);
  assert.equal(gate.allows(4), false);
});
