/**
 * Executor benchmark (prints figures; not a test). Run: node dist/bench/executor/bench.js [runs]
 *  1. Overhead per action: ocf:heartbeat:Dummy monitor through Executor.run()
 *     against spawning the agent directly from Node with the same environment,
 *     a shell loop, and Pacemaker's crm_resource --force-check (incumbent).
 *  2. Throughput: 500 resources' recurring monitors all due at once, at several
 *     concurrency limits, against xargs -P running the same 500 monitors.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Executor, type AgentRef, type OpRequest } from "../../src/executor/index.js";
import { ocfEnvironment } from "../../src/executor/core/environment.js";

const AGENT_FILE = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
const agent: AgentRef = { class: "ocf", provider: "heartbeat", type: "Dummy" };
const runs = Number(process.argv[2] ?? 300);
const resources = 500;
const dir = mkdtempSync(join(tmpdir(), "quorate-bench-executor-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function request(rscId: string, action: OpRequest["action"], intervalMs = 0): OpRequest {
  return { rscId, agent, action, intervalMs, timeoutMs: 20_000, params: { state: join(dir, `${rscId}.state`) } };
}

/** Exactly the environment Executor gives the agent, so the direct runs pay the same agent work. */
function directEnv(rscId: string): Record<string, string> {
  return ocfEnvironment(request(rscId, "monitor"), "/usr/lib/ocf", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

function spawnDirect(env: Record<string, string>, detached: boolean): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(AGENT_FILE, ["monitor"], { env, detached, stdio: ["ignore", "pipe", "pipe"] });
    child.on("close", () => resolve(performance.now() - started));
  });
}

async function overhead(executor: Executor): Promise<void> {
  await executor.run(request("bench", "start"));
  const direct: number[] = [];
  const directSession: number[] = [];
  const viaExecutor: number[] = [];
  const agentOnly: number[] = [];
  for (let i = 0; i < runs; i++) {
    direct.push(await spawnDirect(directEnv("bench"), false));
    directSession.push(await spawnDirect(directEnv("bench"), true));
    const started = performance.now();
    const result = await executor.run(request("bench", "monitor"));
    viaExecutor.push(performance.now() - started);
    agentOnly.push(result.execMs);
    if (result.rc !== 0) throw new Error(`monitor returned ${result.rc}`);
  }
  const env = directEnv("bench");
  const shellStarted = performance.now();
  spawnSync("sh", ["-c", `i=0; while [ $i -lt ${runs} ]; do ${AGENT_FILE} monitor; i=$((i+1)); done`], { env });
  const shellPerRun = (performance.now() - shellStarted) / runs;
  console.log(`overhead per action (ocf:heartbeat:Dummy monitor, ${runs} runs, medians):`);
  console.log(`  direct spawn from node        ${median(direct).toFixed(2)} ms`);
  console.log(`  direct spawn, own session     ${median(directSession).toFixed(2)} ms  (detached: what lets a timeout kill the group)`);
  console.log(`  shell loop (mean)             ${shellPerRun.toFixed(2)} ms`);
  console.log(`  Executor.run()                ${median(viaExecutor).toFixed(2)} ms  (agent exec time ${median(agentOnly).toFixed(2)} ms)`);
  console.log(`  executor overhead             ${(median(viaExecutor) - median(direct)).toFixed(2)} ms over direct spawn, ${(median(viaExecutor) - median(directSession)).toFixed(2)} ms over a spawn in its own session`);
  crmResource();
  await executor.run(request("bench", "stop"));
}

/** Pacemaker's own path for one local action: crm_resource --force-check on a CIB file. */
function crmResource(): void {
  const probe = spawnSync("crm_resource", ["--version"]);
  if (probe.status !== 0) return console.log("  crm_resource                  not installed");
  const cib = join(dir, "cib.xml");
  writeFileSync(cib, `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/><resources>
<primitive id="bench" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="bench-ia"><nvpair id="bench-state" name="state" value="${join(dir, "bench.state")}"/></instance_attributes></primitive>
</resources><constraints/></configuration><status/></cib>`);
  const times: number[] = [];
  for (let i = 0; i < Math.min(runs, 100); i++) {
    const started = performance.now();
    spawnSync("crm_resource", ["--force-check", "-r", "bench"], { env: { ...process.env, CIB_file: cib } });
    times.push(performance.now() - started);
  }
  console.log(`  crm_resource --force-check    ${median(times).toFixed(2)} ms  (Pacemaker CLI, includes loading the CIB)`);
}

async function throughput(concurrencyMax: number): Promise<number> {
  const executor = new Executor({ concurrencyMax, validateBeforeStart: false });
  const ids = Array.from({ length: resources }, (_, i) => `r${i}`);
  await Promise.all(ids.map((id) => executor.run(request(id, "start"))));
  const started = performance.now();
  let reported = 0;
  const elapsedMs = await new Promise<number>((resolve) => {
    for (const id of ids) {
      executor.recurring(request(id, "monitor", 600_000), () => {
        if (++reported === resources) resolve(performance.now() - started);
      });
    }
  });
  await Promise.all(ids.map((id) => executor.run(request(id, "stop"))));
  await executor.dispose();
  return elapsedMs;
}

function xargsBaseline(parallel: number): number {
  const script = `seq 0 ${resources - 1} | xargs -P ${parallel} -I{} env OCF_RESKEY_state=${dir}/r{}.state OCF_RESOURCE_INSTANCE=r{} ${AGENT_FILE} monitor`;
  const env = directEnv("x");
  const started = performance.now();
  spawnSync("sh", ["-c", script], { env });
  return performance.now() - started;
}

async function main(): Promise<void> {
  console.log(`machine: ${availableParallelism()} cores, node ${process.version}, ${new Date().toISOString()}`);
  const executor = new Executor({ concurrencyMax: 8 });
  await overhead(executor);
  await executor.dispose();
  console.log(`throughput: ${resources} resources' monitors due at once (first results of all):`);
  for (const concurrency of [2, 4, 8, 16]) {
    const ms = await throughput(concurrency);
    console.log(`  Executor, ${String(concurrency).padStart(2)} at once          ${ms.toFixed(0).padStart(5)} ms  ${(resources / (ms / 1000)).toFixed(0)} monitors/s`);
  }
  for (const parallel of [2, 8]) {
    const ms = xargsBaseline(parallel);
    console.log(`  xargs -P ${parallel} (baseline)       ${ms.toFixed(0).padStart(5)} ms  ${(resources / (ms / 1000)).toFixed(0)} monitors/s`);
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
