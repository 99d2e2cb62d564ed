import { test } from "node:test";
import assert from "node:assert/strict";
import { BufferPool } from "../../src/lib/buffer-pool.js";

test("a buffer given back is lent again for a request of its capacity class", () => {
  const pool = new BufferPool(1024, 1 << 20);
  const first = pool.take(3000);
  assert.equal(first.length, 3000);
  assert.equal(first.buffer.byteLength, 4096, "capacities are powers of two");
  pool.give(first);
  const second = pool.take(4096);
  assert.equal(second.buffer, first.buffer, "the same memory comes back");
  const third = pool.take(4000);
  assert.notEqual(third.buffer, first.buffer, "memory still lent is never lent twice");
});

test("giving back twice, or memory the pool never lent, changes nothing", () => {
  const pool = new BufferPool(1024, 1 << 20);
  const lent = pool.take(2048);
  pool.give(lent);
  pool.give(lent);
  pool.give(Buffer.allocUnsafeSlow(2048));
  const a = pool.take(2048);
  const b = pool.take(2048);
  assert.equal(a.buffer, lent.buffer);
  assert.notEqual(b.buffer, lent.buffer, "a double give must not make one buffer serve two requests");
});

test("small requests are plain allocations and idle memory is capped", () => {
  const pool = new BufferPool(1024, 4096);
  const small = pool.take(100);
  pool.give(small);
  const next = pool.take(100);
  assert.ok(next.buffer !== small.buffer || next.byteOffset !== small.byteOffset, "small memory is not pooled");
  const [x, y] = [pool.take(4096), pool.take(4096)];
  pool.give(x);
  pool.give(y); // beyond the 4 KiB of idle memory: left to the garbage collector
  assert.equal(pool.take(4096).buffer, x.buffer);
  assert.notEqual(pool.take(4096).buffer, y.buffer);
});
