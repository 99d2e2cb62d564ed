import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteQueue } from "../../src/lib/byte-queue.js";
import { seededRng } from "../../src/lib/rng.js";

const bytes = (...values: number[]) => Uint8Array.from(values);

test("take returns a view when the bytes lie in one chunk and a copy when they span chunks", () => {
  const queue = new ByteQueue();
  const first = bytes(1, 2, 3, 4);
  queue.push(first);
  queue.push(bytes(5, 6));
  const view = queue.take(2);
  assert.deepEqual([...view], [1, 2]);
  assert.equal(view.buffer, first.buffer, "bytes inside one chunk are not copied");
  assert.deepEqual([...queue.take(3)], [3, 4, 5]);
  assert.equal(queue.length, 1);
  assert.equal(queue.skip(5), 1);
  assert.equal(queue.length, 0);
});

test("a reservation gathers the queued bytes, fills in place or from pushes, and is taken whole", () => {
  const queue = new ByteQueue();
  queue.push(bytes(1, 2));
  queue.reserve(6);
  assert.equal(queue.length, 2, "reserved bytes still count as received");
  const sink = queue.sink()!;
  assert.equal(sink.length, 4, "the sink is the unfilled rest");
  sink.set([3, 4]);
  queue.sunk(2);
  queue.push(bytes(5, 6, 7, 8)); // fills the reservation first; the rest stays queued
  assert.equal(queue.sink(), undefined, "a full reservation has no sink");
  assert.equal(queue.length, 8);
  assert.deepEqual([...queue.take(6)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...queue.take(2)], [7, 8]);
});

test("reserving bytes that have all arrived changes nothing", () => {
  const queue = new ByteQueue();
  const chunk = bytes(1, 2, 3);
  queue.push(chunk);
  queue.reserve(3);
  assert.equal(queue.sink(), undefined);
  assert.equal(queue.take(3).buffer, chunk.buffer);
});

test("taking other than the reserved size, or sinking past it, is a bug caught at once", () => {
  const queue = new ByteQueue();
  queue.push(bytes(1));
  queue.reserve(4);
  assert.throws(() => queue.sunk(4), /beyond its sink/);
  queue.sunk(3);
  assert.throws(() => queue.take(2), /reserved size/);
});

test("any mix of chunk sizes, reservations and in-place fills yields the stream's bytes in order", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rng = seededRng(seed);
    const stream = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + seed) & 0xff);
    const queue = new ByteQueue();
    let sent = 0;
    const out: number[] = [];
    while (out.length < stream.length) {
      const want = Math.min(1 + rng.int(300), stream.length - out.length);
      if (rng.next() < 0.5) queue.reserve(want);
      while (queue.length < want) {
        const sink = queue.sink();
        const size = Math.min(1 + rng.int(200), stream.length - sent);
        if (sink !== undefined && rng.next() < 0.7) {
          const part = Math.min(size, sink.length);
          sink.set(stream.subarray(sent, sent + part));
          queue.sunk(part);
          sent += part;
        } else {
          queue.push(stream.slice(sent, sent + size));
          sent += size;
        }
      }
      out.push(...queue.take(want));
    }
    assert.deepEqual(Uint8Array.from(out), stream, `seed ${seed}`);
  }
});
