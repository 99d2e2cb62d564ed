import { test } from "node:test";
import assert from "node:assert/strict";
import { OpScheduler, type OpRequest, type SchedulerEffect } from "../../src/executor/index.js";

// The executor's queueing rules (issue: "one queue per resource", "recurring
// monitors … reporting only changes and every failure; cancellation on stop"),
// checked on the pure core with a virtual clock.

const agent = { class: "ocf", provider: "quorate", type: "Dummy" } as const;
function req(rscId: string, action: OpRequest["action"], intervalMs = 0, startDelayMs?: number): OpRequest {
  return { rscId, agent, action, intervalMs, timeoutMs: 1000, params: {}, ...(startDelayMs === undefined ? {} : { startDelayMs }) };
}
const spawned = (effects: SchedulerEffect[]) => effects.flatMap((e) => (e.kind === "spawn" ? [e.op.callId] : []));
const reported = (effects: SchedulerEffect[]) => effects.flatMap((e) => (e.kind === "report" ? [e.callId] : []));
const ok = { rc: 0, status: "done" } as const;

test("a resource runs one action at a time, in submission order", () => {
  const core = new OpScheduler({ concurrencyMax: 4, queueCapacityPerResource: 8 });
  const start = core.submit(req("r1", "start"), 0);
  const monitor = core.submit(req("r1", "monitor"), 1);
  const stop = core.submit(req("r1", "stop"), 2);
  assert.deepEqual(spawned(start.effects), [start.callId]);
  assert.deepEqual(spawned(monitor.effects), [], "the monitor waits for the start");
  const afterStart = core.complete(start.callId, ok, 10);
  assert.deepEqual(reported(afterStart), [start.callId]);
  const spawnMonitor = afterStart.find((e) => e.kind === "spawn");
  assert.equal(spawnMonitor?.kind === "spawn" && spawnMonitor.queueMs, 9, "queue time is measured from submission");
  assert.deepEqual(spawned(afterStart), [monitor.callId]);
  assert.deepEqual(spawned(core.complete(monitor.callId, ok, 11)), [stop.callId]);
});

test("resources run in parallel up to the concurrency limit, first come first served", () => {
  const core = new OpScheduler({ concurrencyMax: 2, queueCapacityPerResource: 8 });
  const calls = ["a", "b", "c", "d"].map((rsc) => core.submit(req(rsc, "start"), 0));
  assert.deepEqual(calls.flatMap((c) => spawned(c.effects)), [calls[0]?.callId, calls[1]?.callId]);
  assert.equal(core.runningCount, 2);
  assert.deepEqual(spawned(core.complete(calls[1]!.callId, ok, 1)), [calls[2]?.callId]);
  assert.deepEqual(spawned(core.complete(calls[0]!.callId, ok, 2)), [calls[3]?.callId]);
});

test("a recurring monitor first runs after its start delay, then every interval after the previous run ends", () => {
  const core = new OpScheduler({ concurrencyMax: 4, queueCapacityPerResource: 8 });
  const mon = core.submit(req("r", "monitor", 1000, 500), 0);
  assert.deepEqual(spawned(mon.effects), []);
  assert.equal(core.nextWakeMs(), 500);
  assert.deepEqual(spawned(core.tick(499)), []);
  assert.deepEqual(spawned(core.tick(500)), [mon.callId]);
  assert.equal(core.nextWakeMs(), undefined, "no second run while one is in flight");
  core.complete(mon.callId, ok, 600);
  assert.equal(core.nextWakeMs(), 1600);
  assert.deepEqual(spawned(core.tick(1600)), [mon.callId], "a recurring op keeps its call id");
});

test("recurring results are reported on the first run, on a change and on every failure, not when unchanged", () => {
  const core = new OpScheduler({ concurrencyMax: 4, queueCapacityPerResource: 8 });
  const { callId } = core.submit(req("r", "monitor", 100, 1), 0);
  const outcomes = [ok, ok, ok, { rc: 7, status: "done" }, { rc: 7, status: "done" }, ok, { rc: 1, status: "timeout" }] as const;
  const reports: boolean[] = [];
  let now = 1;
  for (const outcome of outcomes) {
    assert.deepEqual(spawned(core.tick(now)), [callId]);
    reports.push(reported(core.complete(callId, outcome, now + 1)).length === 1);
    now += 101;
  }
  assert.deepEqual(reports, [true, false, false, true, true, true, true]);
});

test("a stop cancels the resource's recurring monitors, queued or not, and only that resource's", () => {
  const core = new OpScheduler({ concurrencyMax: 4, queueCapacityPerResource: 8 });
  const start = core.submit(req("r", "start"), 0);
  const monitor = core.submit(req("r", "monitor", 100), 0);
  const other = core.submit(req("s", "monitor", 100), 0);
  const queued = core.tick(0);
  assert.deepEqual(spawned(queued), [], "r's monitor waits behind the start; s's already ran");
  const stop = core.submit(req("r", "stop"), 5);
  assert.ok(stop.effects.some((e) => e.kind === "cancelled" && e.callId === monitor.callId));
  assert.ok(stop.effects.some((e) => e.kind === "drop" && e.op.callId === monitor.callId && e.why === "cancelled"));
  assert.deepEqual(spawned(core.complete(start.callId, ok, 6)), [stop.callId], "the stop runs next, not the monitor");
  assert.ok(!stop.effects.some((e) => e.kind === "cancelled" && e.callId === other.callId));
});

test("a full resource queue drops the newest operation and says so", () => {
  const core = new OpScheduler({ concurrencyMax: 1, queueCapacityPerResource: 1 });
  core.submit(req("r", "start"), 0);
  core.submit(req("r", "monitor"), 0);
  const third = core.submit(req("r", "stop"), 0);
  assert.deepEqual(third.effects.map((e) => e.kind), ["drop"]);
});

test("completing a call that is not running is a bug, not a silent no-op", () => {
  const core = new OpScheduler({ concurrencyMax: 1, queueCapacityPerResource: 1 });
  assert.throws(() => core.complete(42, ok, 0), /not running/);
});

test("with an expected rc, a recurring result is a failure only when it differs (a Stopped-role monitor expects 7)", () => {
  const core = new OpScheduler({ concurrencyMax: 4, queueCapacityPerResource: 8 });
  const { callId } = core.submit({ ...req("r", "monitor", 100, 1), expectedRc: 7 }, 0);
  const reports: boolean[] = [];
  let now = 1;
  for (const rc of [7, 7, 7, 0, 0] as const) {
    core.tick(now);
    reports.push(reported(core.complete(callId, { rc, status: "done" }, now + 1)).length === 1);
    now += 101;
  }
  assert.deepEqual(reports, [true, false, false, true, true]);
});
