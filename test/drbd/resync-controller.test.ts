import { test } from "node:test";
import assert from "node:assert/strict";
import { ResyncController, type ResyncControl } from "../../src/drbd/core/resync-controller.js";
import { connectedPair } from "./pair.js";

// The dynamic resync speed controller (drbd.conf(5): c-plan-ahead,
// c-fill-target, c-delay-target, c-max-rate, c-min-rate).
const MiB = 1024 * 1024;
const base: ResyncControl = { rateBytesPerSec: 10 * MiB, planAheadMs: 2000, fillTargetBytes: 0, delayTargetMs: 1000, maxRateBytesPerSec: 100 * MiB, minRateBytesPerSec: 0 };

function run(control: ResyncControl, steps: number, inFlight: (rate: number) => number, applicationIo = false): ResyncController {
  const c = new ResyncController(control);
  for (let i = 0; i < steps; i++) c.step(100, inFlight(c.rateBytesPerSec), applicationIo);
  return c;
}

test("c-plan-ahead 0: resync-rate is the fixed rate, whatever is in flight", () => {
  const c = new ResyncController({ ...base, planAheadMs: 0, maxRateBytesPerSec: MiB });
  assert.equal(c.step(100, 0, false), MiB);
  assert.equal(c.step(100, 500 * MiB, false), MiB);
  assert.equal(c.rateBytesPerSec, 10 * MiB, "c-max-rate does not bound a fixed rate");
});

test("an uncongested path: the rate rises from resync-rate to c-max-rate and stays there", () => {
  const c = run(base, 200, () => 0);
  assert.equal(c.rateBytesPerSec, 100 * MiB);
  const slowStart = run(base, 10, () => 0);
  assert.ok(slowStart.rateBytesPerSec > 10 * MiB && slowStart.rateBytesPerSec < 100 * MiB, "it takes about c-plan-ahead to adapt");
  assert.ok(new ResyncController({ ...base, rateBytesPerSec: 500 * MiB }).rateBytesPerSec <= 100 * MiB, "a resync-rate above c-max-rate starts at c-max-rate");
});

test("c-fill-target: more in flight than the target brings the rate down, toward the point where the fill matches", () => {
  const fill = { ...base, fillTargetBytes: 4 * MiB };
  const congested = run(fill, 100, () => 16 * MiB);
  assert.ok(congested.rateBytesPerSec < MiB, `congested: ${congested.rateBytesPerSec}`);
  // A path holding rate x 0.5 s in flight settles where that equals the 4 MiB target: 8 MiB/s.
  const settled = run(fill, 400, (rate) => rate * 0.5);
  assert.ok(Math.abs(settled.rateBytesPerSec - 8 * MiB) < 0.5 * MiB, `settled at ${settled.rateBytesPerSec}`);
});

test("c-delay-target (c-fill-target 0): the aim is what c-delay-target of the current rate amounts to", () => {
  // Requests that take 2 s to be acknowledged: twice the 1 s delay target; the rate falls.
  const slow = run(base, 100, (rate) => rate * 2);
  assert.ok(slow.rateBytesPerSec < 10 * MiB, `slow: ${slow.rateBytesPerSec}`);
  const fast = run(base, 100, (rate) => rate * 0.1);
  assert.ok(fast.rateBytesPerSec > 10 * MiB, `fast: ${fast.rateBytesPerSec}`);
});

test("c-min-rate: while application I/O runs the resync yields down to c-min-rate; 0 means it never yields", () => {
  const yielding = new ResyncController({ ...base, minRateBytesPerSec: MiB });
  assert.equal(yielding.step(100, 0, true), MiB / 10);
  assert.ok(yielding.step(100, 0, false) > MiB);
  const never = new ResyncController(base);
  assert.ok(never.step(100, 0, true) > MiB);
});

test("a full sync under the dynamic controller takes as long as c-max-rate says", () => {
  const size = 4 * MiB;
  const pair = connectedPair(size, { resyncRateBytesPerSec: 100 * MiB, rateController: { ...base, maxRateBytesPerSec: MiB } });
  pair.tick(100);
  assert.equal(pair.command(pair.a, { verb: "primary", force: true }), undefined);
  const start = pair.now;
  while (pair.b.replica.disk !== "UpToDate" && pair.now - start < 20_000) pair.tick(100);
  const seconds = (pair.now - start) / 1000;
  assert.ok(seconds >= 3.5 && seconds <= 5, `4 MiB at 1 MiB/s took ${seconds} s`);
});

test("a full sync yields to application writes down to c-min-rate", () => {
  const syncSeconds = (writing: boolean): number => {
    const pair = connectedPair(4 * MiB, { resyncRateBytesPerSec: 100 * MiB, rateController: { ...base, maxRateBytesPerSec: 4 * MiB, minRateBytesPerSec: 512 * 1024 } });
    pair.tick(100);
    assert.equal(pair.command(pair.a, { verb: "primary", force: true }), undefined);
    const start = pair.now;
    while (pair.b.replica.disk !== "UpToDate" && pair.now - start < 30_000) {
      if (writing) pair.write(pair.a, 0, new Uint8Array(4096)); // one small application write per tick
      pair.tick(100);
    }
    return (pair.now - start) / 1000;
  };
  const idle = syncSeconds(false);
  const busy = syncSeconds(true);
  assert.ok(idle <= 2, `4 MiB at 4 MiB/s: ${idle} s`);
  assert.ok(busy >= 7 && busy <= 10, `4 MiB at the 512 KiB/s c-min-rate: ${busy} s`);
});
