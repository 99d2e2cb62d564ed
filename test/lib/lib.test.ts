import { test } from "node:test";
import assert from "node:assert/strict";
import { BoundedQueue } from "../../src/lib/bounded-queue.js";
import { seededRng } from "../../src/lib/rng.js";
import { DisposableStore } from "../../src/lib/disposable.js";

test("a bounded queue never holds more than its capacity and counts what it drops", () => {
  const newest = new BoundedQueue<number>(2, "drop-newest");
  [1, 2, 3].forEach((n) => newest.push(n));
  assert.deepEqual([newest.shift(), newest.shift(), newest.shift()], [1, 2, undefined]);
  assert.equal(newest.dropped, 1);
  const oldest = new BoundedQueue<number>(2, "drop-oldest");
  [1, 2, 3].forEach((n) => oldest.push(n));
  assert.deepEqual([oldest.shift(), oldest.shift()], [2, 3]);
  assert.equal(oldest.dropped, 1);
});

test("a seeded rng replays the same sequence and differs across seeds", () => {
  const draw = (seed: number) => Array.from({ length: 8 }, ((rng) => () => rng.int(1000))(seededRng(seed)));
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  const rng = seededRng(7);
  for (let i = 0; i < 1000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
  }
});

test("a disposable store releases children in reverse order, once", async () => {
  const order: string[] = [];
  const store = new DisposableStore();
  store.defer(() => void order.push("first"));
  store.defer(() => void order.push("second"));
  await store.dispose();
  await store.dispose();
  assert.deepEqual(order, ["second", "first"]);
});
