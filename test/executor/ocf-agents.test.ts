import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Executor, OCF_RC, type AgentRef } from "../../src/executor/index.js";
import { missingAgent, op, tempDir } from "./helpers.js";

// OCF Resource Agent API §3.4/§3.5 and Pacemaker Explained "Resource Agents":
// start/stop succeed idempotently, a probe (monitor with interval 0) of a stopped
// resource answers 7, of a started one 0; a promoted instance answers 8.

const heartbeatDummy: AgentRef = { class: "ocf", provider: "heartbeat", type: "Dummy" };
const pacemakerDummy: AgentRef = { class: "ocf", provider: "pacemaker", type: "Dummy" };
const pacemakerStateful: AgentRef = { class: "ocf", provider: "pacemaker", type: "Stateful" };
const quorateDummy: AgentRef = { class: "ocf", provider: "quorate", type: "Dummy" };
const quorateStateful: AgentRef = { class: "ocf", provider: "quorate", type: "Stateful" };

let dir: { path: string; remove: () => Promise<void> };
const executor = new Executor({ concurrencyMax: 4 });
before(async () => {
  dir = await tempDir("ocf");
});
after(async () => {
  await executor.dispose();
  await dir.remove();
});

async function lifecycle(agent: AgentRef, rscId: string): Promise<void> {
  const params = { state: join(dir.path, `${rscId}.state`) };
  const probe = await executor.run(op(rscId, agent, "monitor", params));
  assert.equal(probe.status, "done");
  assert.equal(probe.rc, OCF_RC.notRunning, "a probe of a stopped resource answers OCF_NOT_RUNNING");
  assert.equal((await executor.run(op(rscId, agent, "start", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op(rscId, agent, "monitor", params))).rc, OCF_RC.success, "monitor of a started resource answers OCF_SUCCESS");
  assert.equal((await executor.run(op(rscId, agent, "start", params))).rc, OCF_RC.success, "start is idempotent");
  assert.equal((await executor.run(op(rscId, agent, "stop", params))).rc, OCF_RC.success);
  assert.equal((await executor.run(op(rscId, agent, "stop", params))).rc, OCF_RC.success, "stop is idempotent");
  assert.equal((await executor.run(op(rscId, agent, "monitor", params))).rc, OCF_RC.notRunning);
}

async function promotion(agent: AgentRef, rscId: string): Promise<void> {
  const params = { state: join(dir.path, `${rscId}.state`) };
  const meta = { promotable: "true", clone_max: "2", promoted_max: "1" };
  const run = (action: "start" | "stop" | "monitor" | "promote" | "demote") => executor.run(op(rscId, agent, action, params, { meta }));
  assert.equal((await run("start")).rc, OCF_RC.success);
  assert.equal((await run("monitor")).rc, OCF_RC.success, "an unpromoted instance answers OCF_SUCCESS");
  assert.equal((await run("promote")).rc, OCF_RC.success);
  const promoted = await run("monitor");
  assert.equal(promoted.rc, OCF_RC.runningPromoted, "a promoted instance answers OCF_RUNNING_PROMOTED (8)");
  assert.equal(promoted.status, "done");
  assert.equal((await run("demote")).rc, OCF_RC.success);
  assert.equal((await run("monitor")).rc, OCF_RC.success);
  assert.equal((await run("stop")).rc, OCF_RC.success);
  assert.equal((await run("monitor")).rc, OCF_RC.notRunning);
}

describe("OCF agents keep the API's exit codes through start, monitor, probe and stop", () => {
  test("ocf:heartbeat:Dummy", { skip: missingAgent("/usr/lib/ocf/resource.d/heartbeat/Dummy") }, () => lifecycle(heartbeatDummy, "hb-dummy"));
  test("ocf:pacemaker:Dummy", { skip: missingAgent("/usr/lib/ocf/resource.d/pacemaker/Dummy") }, () => lifecycle(pacemakerDummy, "pcmk-dummy"));
  test("ocf:quorate:Dummy (shipped in the package)", () => lifecycle(quorateDummy, "q-dummy"));
});

describe("promotable agents answer 8 when promoted", () => {
  test("ocf:pacemaker:Stateful", { skip: missingAgent("/usr/lib/ocf/resource.d/pacemaker/Stateful") }, () => promotion(pacemakerStateful, "pcmk-stateful"));
  test("ocf:quorate:Stateful (shipped in the package)", () => promotion(quorateStateful, "q-stateful"));
});

test("agents see the OCF environment Pacemaker sets: instance, type, provider, OCF_RESKEY_*, CRM_meta_* in ms", { skip: missingAgent("/usr/lib/ocf/resource.d/pacemaker/Dummy") }, async () => {
  const envfile = join(dir.path, "env");
  const params = { state: join(dir.path, "env.state"), envfile, fake: "a b&c" };
  const meta = { "clone-max": "3", notify_type: "pre", notify_operation: "start" };
  const result = await executor.run(op("env-rsc", pacemakerDummy, "monitor", params, { meta, timeoutMs: 15_000, checkLevel: 10 }));
  assert.equal(result.rc, OCF_RC.notRunning);
  const env = new Map(readFileSync(envfile, "utf8").split("\n").map((line) => {
    const eq = line.indexOf("=");
    return [line.slice(0, eq), line.slice(eq + 1)] as const;
  }));
  const expected: Record<string, string> = {
    OCF_ROOT: "/usr/lib/ocf", OCF_RA_VERSION_MAJOR: "1", OCF_RA_VERSION_MINOR: "1",
    OCF_RESOURCE_INSTANCE: "env-rsc", OCF_RESOURCE_TYPE: "Dummy", OCF_RESOURCE_PROVIDER: "pacemaker",
    OCF_RESKEY_fake: "a b&c", OCF_RESKEY_CRM_meta_clone_max: "3", OCF_RESKEY_CRM_meta_notify_type: "pre",
    OCF_RESKEY_CRM_meta_notify_operation: "start", OCF_RESKEY_CRM_meta_interval: "0", OCF_RESKEY_CRM_meta_timeout: "15000",
    OCF_CHECK_LEVEL: "10",
  };
  for (const [name, value] of Object.entries(expected)) assert.equal(env.get(name)?.replace(/^'|'$/g, ""), value, name);
});

test("an exit reason printed by the agent is carried in the result", async () => {
  const result = await executor.run(op("reason", quorateDummy, "start", { state: join(dir.path, "r.state"), op_sleep: "soon" }));
  assert.equal(result.rc, OCF_RC.errConfigured);
  assert.match(result.exitReason, /^validate-all: op_sleep must be a number of seconds/);
  assert.equal(existsSync(join(dir.path, "r.state")), false, "a start that fails validation never runs");
});

test("results carry what lrm_rsc_op records: call id, interval, op-digest of the parameters, timestamps", async () => {
  const params = { state: join(dir.path, "h.state") };
  const first = await executor.run(op("hist", quorateDummy, "start", params));
  const second = await executor.run(op("hist", quorateDummy, "monitor", { ...params }, { meta: { timeout: "99" } }));
  const changed = await executor.run(op("hist", quorateDummy, "monitor", { ...params, fake: "x" }));
  assert.ok(second.callId > first.callId, "call ids increase");
  assert.equal(second.intervalMs, 0);
  assert.equal(first.opDigest, second.opDigest, "meta attributes do not change the digest");
  assert.notEqual(first.opDigest, changed.opDigest, "a parameter change does");
  assert.match(first.opDigest, /^[0-9a-f]{32}$/);
  // ocf:quorate:Dummy has reload-agent and marks only "fake" reloadable.
  assert.deepEqual(first.forceRestart, ["state", "op_sleep"]);
  assert.equal(changed.opRestartDigest, first.opRestartDigest, "a reloadable parameter does not change the restart digest");
  assert.ok(first.finishedAtEpochMs >= first.startedAtEpochMs && first.startedAtEpochMs > 1.6e12);
  assert.ok(first.execMs >= 0 && first.queueMs >= 0);
  await executor.run(op("hist", quorateDummy, "stop", params));
});

// Differential: Pacemaker's own crm_resource --force-check runs the agent with
// the environment Pacemaker's executor library builds; ours must match it.
test("the OCF_* environment equals the one Pacemaker's crm_resource --force-check gives the same resource", { skip: missingAgent("/usr/sbin/crm_resource", "/usr/lib/ocf/resource.d/pacemaker/Dummy") }, async () => {
  const cib = join(dir.path, "cib.xml");
  const theirsFile = join(dir.path, "env.theirs");
  const oursFile = join(dir.path, "env.ours");
  const state = join(dir.path, "oracle.state");
  writeFileSync(cib, `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/><nodes/><resources>
    <primitive id="oracle" class="ocf" provider="pacemaker" type="Dummy">
      <instance_attributes id="oracle-ia"><nvpair id="oracle-state" name="state" value="${state}"/><nvpair id="oracle-env" name="envfile" value="${theirsFile}"/></instance_attributes>
      <meta_attributes id="oracle-ma"><nvpair id="oracle-tr" name="target-role" value="Started"/></meta_attributes>
    </primitive>
  </resources><constraints/></configuration><status/></cib>`);
  const theirs = spawnSync("crm_resource", ["--force-check", "-r", "oracle", "--timeout", "33s"], { env: { ...process.env, CIB_file: cib }, encoding: "utf8" });
  assert.equal(theirs.status, OCF_RC.notRunning, theirs.stderr);
  const meta = { "target-role": "Started", class: "ocf", provider: "pacemaker", type: "Dummy", id: "oracle" };
  const ours = await executor.run(op("oracle", pacemakerDummy, "monitor", { state, envfile: oursFile }, { meta, timeoutMs: 33_000 }));
  assert.equal(ours.rc, OCF_RC.notRunning);
  // Not compared: the envfile path itself, the feature set (the CLI's differs from the controller's),
  // trace settings, and the interval, which the CLI leaves out of a probe and Quorate always sets.
  const ignored = /^OCF_RESKEY_(envfile|crm_feature_set|CRM_meta_interval)=|^OCF_TRACE/;
  const ocfLines = (file: string) => readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith("OCF_") && !ignored.test(line)).sort();
  assert.deepEqual(ocfLines(oursFile), ocfLines(theirsFile));
});

test("migrate_to, migrate_from, reload-agent and notify reach the agent", async () => {
  const source = { state: join(dir.path, "mig-src.state") };
  const target = { state: join(dir.path, "mig-dst.state"), fake: "moved" };
  assert.equal((await executor.run(op("mig", quorateDummy, "start", source))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("mig", quorateDummy, "migrate_to", source, { meta: { migrate_target: "n2" } }))).rc, OCF_RC.success);
  assert.equal((await executor.run(op("mig", quorateDummy, "monitor", source))).rc, OCF_RC.notRunning, "migrate_to leaves the source stopped");
  assert.equal((await executor.run(op("mig", quorateDummy, "migrate_from", target, { meta: { migrate_source: "n1" } }))).rc, OCF_RC.success);
  assert.equal(readFileSync(target.state, "utf8").trim(), "moved");
  assert.equal((await executor.run(op("mig", quorateDummy, "reload-agent", { ...target, fake: "reloaded" }))).rc, OCF_RC.success);
  assert.equal(readFileSync(target.state, "utf8").trim(), "reloaded", "reload-agent applied the reloadable parameter");
  const notify = await executor.run(op("st", quorateStateful, "notify", { state: join(dir.path, "n.state") }, { meta: { notify_type: "post", notify_operation: "promote" } }));
  assert.equal(notify.rc, OCF_RC.success);
  const unsupported = await executor.run(op("mig", quorateDummy, "promote", target));
  assert.equal(unsupported.rc, OCF_RC.errUnimplemented);
  assert.equal(unsupported.exitReason, "unsupported action 'promote'");
});
