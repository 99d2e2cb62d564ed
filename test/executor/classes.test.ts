import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Executor, OCF_RC, PACKAGED_AGENTS, describeAgentSync, type AgentDirectories, type AgentRef, type OpResult } from "../../src/executor/index.js";
import { missingAgent, op, tempDir, waitFor } from "./helpers.js";

// The non-OCF classes (Pacemaker Explained, "Resource Classes": lsb, systemd,
// service, stonith) and recurring monitors through the real driver.

let dir: { path: string; remove: () => Promise<void> };
let dirs: AgentDirectories;
let executor: Executor;

const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          qe-daemon
# Short-Description: A test service
# Description:       Remembers whether it runs.
### END INIT INFO
state="$(dirname "$0")/../qe-daemon.running"
case "$1" in
  start) touch "$state" ;;
  stop) rm -f "$state" ;;
  status) [ -f "$state" ] && exit 0; exit 3 ;;
  *) exit 3 ;;
esac
`;

before(async () => {
  dir = await tempDir("classes");
  await mkdir(join(dir.path, "init.d"));
  await writeFile(join(dir.path, "init.d", "qe-daemon"), INIT_SCRIPT);
  await chmod(join(dir.path, "init.d", "qe-daemon"), 0o755);
  dirs = {
    ocfRoots: [join(PACKAGED_AGENTS, "ocf")],
    lsbDir: join(dir.path, "init.d"),
    fenceDirs: ["/usr/sbin", join(PACKAGED_AGENTS, "stonith")],
    systemdRunning: false,
  };
  executor = new Executor({ directories: dirs });
});
after(async () => {
  await executor.dispose();
  await dir.remove();
});

test("lsb: an init script is started, probed through `status` (3 → not running) and stopped", async () => {
  const lsb: AgentRef = { class: "lsb", type: "qe-daemon" };
  assert.equal((await executor.run(op("d", lsb, "monitor", {}))).rc, OCF_RC.notRunning);
  assert.equal((await executor.run(op("d", lsb, "start", {}))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("d", lsb, "monitor", {}))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("d", lsb, "stop", {}))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("d", lsb, "monitor", {}))).rc, OCF_RC.notRunning);
  const metadata = await executor.metadata(lsb);
  assert.ok(metadata.ok);
  assert.equal(metadata.value.shortdesc, "A test service");
});

test("service: falls back to the init script where systemd does not run", async () => {
  const result = await executor.run(op("svc", { class: "service", type: "qe-daemon" }, "monitor", {}));
  assert.equal(result.status, "done");
  assert.equal(result.rc, OCF_RC.notRunning);
});

test("systemd: where systemd is not the init, a clear 'not available' result", async () => {
  const result = await executor.run(op("unit", { class: "systemd", type: "nginx" }, "start", {}));
  assert.equal(result.status, "not-connected");
  assert.match(result.exitReason, /systemd is not available/);
});

test("stonith: Quorate's test fence agent powers a plug off and on over the stdin protocol", async () => {
  const fence: AgentRef = { class: "stonith", type: "fence_quorate" };
  const params = { state_dir: join(dir.path, "plugs"), plug: "node2", pcmk_host_list: "node2" };
  assert.equal((await executor.run(op("fence", fence, "start", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fence", fence, "monitor", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fence", fence, "off", params))).rc, OCF_RC.success);
  const off = await executor.run(op("fence", fence, "status", params));
  assert.equal(off.rc, OCF_RC.notRunning, "status exit 2 (off) reads as not running");
  assert.match(off.stdout, /Status: OFF/);
  assert.equal((await executor.run(op("fence", fence, "reboot", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fence", fence, "status", params))).rc, OCF_RC.success);
  assert.match((await executor.run(op("fence", fence, "list", params))).stdout, /^node2,$/m);
  const metadata = await executor.metadata(fence);
  assert.ok(metadata.ok);
  assert.equal(metadata.value.shortdesc, "Test fence agent (Quorate)");
});

test("stonith: fence_dummy from fence-agents, through the same protocol", { skip: missingAgent("/usr/sbin/fence_dummy") }, async () => {
  const fence: AgentRef = { class: "stonith", type: "fence_dummy" };
  const params = { status_file: join(dir.path, "fence_dummy.status"), type: "file" };
  assert.equal((await executor.run(op("fd", fence, "monitor", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fd", fence, "on", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fd", fence, "status", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fd", fence, "off", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("fd", fence, "status", params))).rc, OCF_RC.notRunning);
  const metadata = await executor.metadata(fence);
  assert.ok(metadata.ok && metadata.value.parameters.some((p) => p.name === "status_file"));
});

test("a recurring monitor reports its first result and the change when the resource dies; stop cancels it", async () => {
  const dummy: AgentRef = { class: "ocf", provider: "quorate", type: "Dummy" };
  const state = join(dir.path, "rec.state");
  assert.equal((await executor.run(op("rec", dummy, "start", { state }))).rc, OCF_RC.success);
  const seen: OpResult[] = [];
  const handle = executor.recurring(op("rec", dummy, "monitor", { state }, { intervalMs: 20 }), (r) => seen.push(r));
  await waitFor(() => seen.length === 1, "the first monitor result");
  assert.equal(seen[0]?.rc, OCF_RC.success);
  assert.equal(seen[0]?.callId, handle.callId);
  assert.equal(seen[0]?.intervalMs, 20);
  // Unchanged successes stay silent: probes take longer than several intervals.
  for (let i = 0; i < 5; i++) await executor.run(op("rec", dummy, "monitor", { state }));
  assert.equal(seen.length, 1, "unchanged results are not reported");
  await rm(state);
  await waitFor(() => seen.length >= 3, "failure reports (every failure is reported)");
  assert.equal(seen[1]?.rc, OCF_RC.notRunning);
  assert.equal((await executor.run(op("rec", dummy, "stop", { state }))).rc, OCF_RC.success);
  assert.equal(seen.at(-1)?.status, "cancelled", "the listener hears that the stop cancelled its monitor");
  const count = seen.length;
  for (let i = 0; i < 5; i++) await executor.run(op("rec", dummy, "monitor", { state }));
  assert.equal(seen.length, count, "the stop cancelled the recurring monitor");
});

test("the driver keeps the limits: a resource's actions wait for each other, resources beyond the limit wait their turn", async () => {
  const limited = new Executor({ directories: dirs, concurrencyMax: 2, validateBeforeStart: false });
  const dummy: AgentRef = { class: "ocf", provider: "quorate", type: "Dummy" };
  const slow = (rscId: string, action: "start" | "monitor") => limited.run(op(rscId, dummy, action, { state: join(dir.path, `lim-${rscId}.state`), op_sleep: "0.2" }));
  try {
    const started = performance.now();
    const results = await Promise.all([slow("a", "start"), slow("a", "monitor"), slow("b", "start"), slow("c", "start")]);
    const elapsedMs = performance.now() - started;
    assert.deepEqual(results.map((r) => r.rc), [0, 0, 0, 0]);
    assert.ok(results[1]!.queueMs >= 150, `a's monitor waited for a's start (queued ${results[1]!.queueMs} ms)`);
    assert.ok(results.filter((r) => r.queueMs >= 150).length >= 2, "two of four waited for a free slot");
    assert.ok(elapsedMs >= 400, "four 0.2 s actions, two at a time, take at least 0.4 s");
  } finally {
    await limited.dispose();
  }
});

test("describeAgentSync reads meta-data where the executor finds agents, Quorate's own included", () => {
  const stateful = describeAgentSync({ class: "ocf", provider: "quorate", type: "Stateful" }, dirs);
  assert.ok(stateful.ok);
  assert.deepEqual(stateful.value.parameters.map((p) => p.name), ["state"]);
  const fence = describeAgentSync({ class: "stonith", type: "fence_quorate" }, dirs);
  assert.ok(fence.ok && fence.value.parameters.some((p) => p.name === "plug"));
  const lsb = describeAgentSync({ class: "lsb", type: "qe-daemon" }, dirs);
  assert.ok(lsb.ok && lsb.value.shortdesc === "A test service");
  const missing = describeAgentSync({ class: "ocf", provider: "quorate", type: "Nope" }, dirs);
  assert.ok(!missing.ok && /not installed/.test(missing.error));
});
