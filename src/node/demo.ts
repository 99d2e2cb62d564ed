import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { UsageError, type CliCommand } from "../cli/command.js";
import { LocalCluster } from "./local-cluster.js";
import type { NodeStatus } from "./daemon/status.js";

const say = (line: string) => process.stdout.write(`${line}\n`);
const pollMs = 100;
const stepDeadlineMs = 20_000;

function intOption(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer in ${min}..${max} (got "${value}")`);
  return n;
}

function describe(nodeid: number, s: NodeStatus | undefined): string {
  if (s === undefined) return `node${nodeid}: down`;
  return `node${nodeid}: ${s.state.padEnd(11)} ring ${s.ring_id.padEnd(6)} members [${s.members.join(" ")}]  ${s.quorate ? "quorate" : "NOT quorate"}`;
}

/** Polls until `done` holds or the deadline passes, printing each node's view whenever it changes. */
async function watch(cluster: LocalCluster, seen: Map<number, string>, done: (all: Map<number, NodeStatus | undefined>) => boolean, deadlineMs: number, stop: { requested: boolean }): Promise<boolean> {
  const end = performance.now() + deadlineMs;
  while (!stop.requested && performance.now() < end) {
    const all = new Map(await Promise.all(cluster.nodeids.map(async (n) => [n, await cluster.status(n)] as const)));
    for (const [n, s] of all) {
      const line = describe(n, s);
      if (seen.get(n) !== line) say(`  ${line}`);
      seen.set(n, line);
    }
    if (done(all)) return true;
    if (cluster.crashed.size > 0) {
      for (const [n, how] of cluster.crashed) say(`  node${n} stopped unexpectedly (${how}); its log: ${cluster.logFile(n)}`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}

const oneRing = (nodes: number[]) => (all: Map<number, NodeStatus | undefined>) => {
  const views = nodes.map((n) => all.get(n));
  return views.every((s) => s !== undefined && s.state === "operational" && s.quorate && s.quorum.ring_id === s.ring_id && s.members.join() === nodes.join() && s.ring_id === views[0]!.ring_id);
};

/** `quorate demo [--nodes N] [--duration S] [--port P] [--no-failover] [--keep]` */
export const demo: CliCommand = async (args) => {
  const { values } = parseArgs({ args, options: {
    nodes: { type: "string" }, duration: { type: "string" }, port: { type: "string" }, "no-failover": { type: "boolean" }, keep: { type: "boolean" },
  } });
  const size = intOption(values.nodes, "--nodes", 2, 9) ?? 3;
  const durationS = intOption(values.duration, "--duration", 0, 86_400);
  const port = intOption(values.port, "--port", 1024, 65_000) ?? 15405;
  const dir = await mkdtemp(join(tmpdir(), "quorate-demo-"));
  const cluster = await LocalCluster.create({ dir, size, addressPrefix: "127.0.9.", port, clusterName: "demo", totem: { token: 1000 } });
  const stop = { requested: false };
  const onSignal = () => {
    stop.requested = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const seen = new Map<number, string>();
  let ok = true;
  try {
    say(`Starting a ${size}-node Quorate cluster on 127.0.9.1-${size}, port ${port} (encrypted, token 1000 ms).`);
    say(`  configuration: ${cluster.configFile}`);
    const began = performance.now();
    for (const n of cluster.nodeids) await cluster.start(n);
    ok = await watch(cluster, seen, oneRing(cluster.nodeids), stepDeadlineMs, stop);
    if (ok) say(`One ring of ${size} nodes, quorate, ${Math.round(performance.now() - began)} ms after start.`);
    if (ok && !values["no-failover"] && !stop.requested) ok = await failover(cluster, seen, stop);
    if (ok && !stop.requested) {
      say(durationS === undefined ? "The cluster is running. Try `quorate status --run-dir " + cluster.runDir(1) + "`. Ctrl-C stops it." : `Running for ${durationS} s more.`);
      await watch(cluster, seen, () => false, (durationS ?? 86_400) * 1000, stop);
    }
    if (!ok && !stop.requested) say(`The cluster did not reach the expected state; logs are in ${dir}`);
  } finally {
    say("Stopping the cluster (SIGTERM: each node leaves the ring cleanly).");
    await cluster.stopAll("SIGTERM");
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (values.keep || (!ok && !stop.requested)) say(`Kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
  return ok || stop.requested ? 0 : 1;
};

async function failover(cluster: LocalCluster, seen: Map<number, string>, stop: { requested: boolean }): Promise<boolean> {
  const victim = cluster.options.size;
  const survivors = cluster.nodeids.filter((n) => n !== victim);
  say(`Killing node${victim} (SIGKILL, no goodbye): the others must notice the silence and form a new ring.`);
  const killed = performance.now();
  await cluster.kill(victim, "SIGKILL");
  if (!(await watch(cluster, seen, oneRing(survivors), stepDeadlineMs, stop))) return false;
  say(`New ring of ${survivors.length} nodes, still quorate, ${Math.round(performance.now() - killed)} ms after the kill.`);
  say(`Restarting node${victim}.`);
  const restarted = performance.now();
  await cluster.start(victim);
  if (!(await watch(cluster, seen, oneRing(cluster.nodeids), stepDeadlineMs, stop))) return false;
  say(`node${victim} rejoined: one ring of ${cluster.options.size} again, ${Math.round(performance.now() - restarted)} ms after the restart.`);
  return true;
}
