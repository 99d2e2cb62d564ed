import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildCpgload, CorosyncCluster, corosyncUnavailable } from "./corosync.js";
import { failureDetection, formation, idleRss, scale } from "./quorate.js";
import { cpgThroughput } from "./throughput.js";
import { median, ms } from "./stats.js";

/**
 * `npm run bench:membership`: Quorate's membership figures on real processes on
 * loopback, and the real corosync side by side (network namespaces, root).
 * Options: --runs N (default 3), --quick (1 run, no 32-node minute), --only quorate|corosync, --no-scale,
 * --only-scale (just the 32-node ring), --scale-stable SECONDS (default 60).
 */
const { values } = parseArgs({ options: {
  runs: { type: "string", default: "3" }, quick: { type: "boolean" }, only: { type: "string" }, "no-scale": { type: "boolean" },
  "scale-stable": { type: "string", default: "60" }, "only-scale": { type: "boolean" },
} });
const runs = values.quick ? 1 : Number(values.runs);
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const fast = { token: 1000, token_coefficient: 0, consensus: 1200 };

async function corosyncSection(): Promise<void> {
  const why = corosyncUnavailable();
  if (why !== undefined) return print(`corosync: not measured (${why})`);
  for (const size of [3, 5]) {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const c = await CorosyncCluster.create(size, {});
      try {
        const began = performance.now();
        const nodes = await Promise.all(Array.from({ length: size }, (_, i) => c.start(i + 1)));
        times.push((await nodes[0]!.waitLine(new RegExp(`Members\\[${size}\\]:`), 60_000)) - began);
      } finally {
        await c.dispose();
      }
    }
    print(`corosync  ${size} nodes  start to one ring           ${ms(median(times))}`);
  }
  for (const [label, totem] of [["token 1000, coefficient 0, consensus 1200", fast], ["defaults", {}]] as const) {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const c = await CorosyncCluster.create(3, totem);
      try {
        const nodes = await Promise.all([1, 2, 3].map((i) => c.start(i)));
        await nodes[0]!.waitLine(/Members\[3\]:/, 60_000);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const gone = nodes[0]!.waitLine(/Members\[2\]:/, 60_000);
        const killed = performance.now();
        await c.kill(3, "SIGKILL");
        times.push((await gone) - killed);
      } finally {
        await c.dispose();
      }
    }
    print(`corosync  3 nodes  SIGKILL to new ring (${label})  ${ms(median(times))}`);
  }
  await corosyncThroughputAndRss();
}

async function corosyncThroughputAndRss(): Promise<void> {
  const tools = await mkdtemp(join(tmpdir(), "quorate-cpgload-"));
  const c = await CorosyncCluster.create(3, {});
  try {
    const nodes = await Promise.all([1, 2, 3].map((i) => c.start(i)));
    await nodes[0]!.waitLine(/Members\[3\]:/, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    print(`corosync  3 nodes  idle RSS per node             ${[1, 2, 3].map((i) => c.rss(i).toFixed(1)).join(" / ")} MiB`);
    const cpgload = buildCpgload(tools);
    if (typeof cpgload !== "string") return print(`corosync  CPG throughput: not measured (${cpgload.unavailable})`);
    for (const size of [64, 1024]) {
      const results = await Promise.all([1, 2, 3].map((i) => runJson(c.command(i, `${cpgload} 3 ${size} 5`))));
      const perNode = results.map((r) => r.deliveries_per_s);
      print(`corosync  3 nodes  CPG ${String(size).padStart(4)} B, all sending   ${Math.round(median(perNode))} deliveries/s per node (p50 latency ${median(results.map((r) => r.latency_p50_us))} µs)`);
    }
  } finally {
    await c.dispose();
    await rm(tools, { recursive: true, force: true });
  }
}

function runJson(argv: string[]): Promise<{ deliveries_per_s: number; latency_p50_us: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`${argv.join(" ")} exited ${code}`))));
  });
}

async function quorateSection(): Promise<void> {
  for (const size of [3, 5]) print(`quorate   ${size} nodes  start to one ring           ${ms(await formation(size, runs, fast))}`);
  print(`quorate   3 nodes  SIGKILL to new ring (token 1000, coefficient 0, consensus 1200)  ${ms(await failureDetection(3, runs, fast))}`);
  print(`quorate   3 nodes  SIGKILL to new ring (defaults: token 3650, consensus 4380)  ${ms(await failureDetection(3, runs, {}))}`);
  print(`quorate   5 nodes  SIGKILL to new ring (token 1000, coefficient 0, consensus 1200)  ${ms(await failureDetection(5, runs, fast))}`);
  print(`quorate   3 nodes  idle RSS per node             ${(await idleRss(3, 3000)).toFixed(1)} MiB (median)`);
  for (const [size, netmtu] of [[64, 1500], [64, 9000], [1024, 1500], [1024, 9000]] as const) {
    const result = await cpgThroughput(3, size, 5, netmtu);
    print(`quorate   3 nodes  CPG ${String(size).padStart(4)} B, all sending, netmtu ${netmtu}   ${result}`);
  }
  if (!values["no-scale"] && !values.quick) await scaleSection();
}

/** The 32-node ring at corosync's default timing (token 3000 + 650 ms per node beyond 2) and at token 3000 flat. */
async function scaleSection(): Promise<void> {
  for (const [label, totem] of [["defaults: token 22500, consensus 27000", {}], ["token 3000, coefficient 0", { token: 3000, token_coefficient: 0 }]] as const) {
    try {
      const r = await scale(32, Number(values["scale-stable"]), totem);
      print(`quorate  32 nodes  (${label}) formed in ${ms(r.formMs)}; ${r.spuriousChanges} configuration changes in ${r.stableS} s idle ` +
        `(idle CPU ${r.idleCpuPercent.toFixed(1)}% of a core per node); SIGKILL to new ring ${ms(r.recoverMs)}; load average ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
    } catch (error) {
      print(`quorate  32 nodes  (${label}) FAILED: ${(error as Error).message} (load average ${loadavg()[0]!.toFixed(1)})`);
    }
  }
}

print(`membership benchmark, ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()[0]!.toFixed(1)} (shared machine), node ${process.version}, ${runs} run(s) per figure, medians`);
if (values["only-scale"]) await scaleSection();
else if (values.only !== "corosync") await quorateSection();
if (values.only !== "quorate" && !values["only-scale"]) await corosyncSection();
