// Scheduler benchmark: one transition computation on generated CIBs, Quorate next to
// crm_simulate -R on the same file in the same run. Prints figures; not a test.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseXml, readSchedulerInput } from "../../src/cib/index.js";
import { schedule } from "../../src/scheduler/index.js";
import { generateSchedulerCib } from "./generate.js";

const QUORATE = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));
const TIME = "/usr/bin/time";

interface Args { sizes: number[]; nodes: number[]; repeat: number; timeoutS: number; plain: boolean }

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: [1000, 5000, 10000], nodes: [16, 32], repeat: 3, timeoutS: 120, plain: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--plain") {
      args.plain = true;
      continue;
    }
    const value = argv[++i] ?? "";
    switch (argv[i - 1]) {
      case "--sizes": args.sizes = value.split(",").map(Number); break;
      case "--nodes": args.nodes = value.split(",").map(Number); break;
      case "--repeat": args.repeat = Number(value); break;
      case "--timeout-s": args.timeoutS = Number(value); break;
      default: throw new Error(`unknown option ${argv[i - 1]} (use --sizes 1000,5000 --nodes 16,32 --repeat 3 --timeout-s 120 --plain)`);
    }
  }
  return args;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** In-process: parse + read once, then time schedule() alone. */
function inProcess(xml: string, repeat: number): { parseMs: number; scheduleMs: number; actions: number } {
  const t0 = performance.now();
  const parsed = parseXml(xml, "bench.xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  const input = readSchedulerInput(parsed.value.root);
  const parseMs = performance.now() - t0;
  const times: number[] = [];
  let actions = 0;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    actions = schedule(input, 1_700_000_000).graph.actions.length;
    times.push(performance.now() - start);
  }
  return { parseMs, scheduleMs: median(times), actions };
}

/** coreutils timeout's exit status when it had to kill the command with SIGKILL. */
const KILLED_BY_TIMEOUT = 137;

interface ProcessRun { seconds: number; peakRssMb: number | undefined; timedOut: boolean; starts: number }

/**
 * Wall time and peak RSS (GNU time's %M) of a whole command, capped at the timeout.
 * Under GNU time the cap is coreutils' timeout around the command itself: killing
 * time would leave the command running and loading the machine for later figures.
 */
function timeProcess(command: string, args: string[], timeoutS: number): ProcessRun {
  const withTime = existsSync(TIME);
  const start = performance.now();
  const r = withTime
    ? spawnSync(TIME, ["-f", "RSSKB=%M", "timeout", "-s", "KILL", String(timeoutS), command, ...args], { encoding: "utf8", maxBuffer: 256 << 20 })
    : spawnSync(command, args, { encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 256 << 20 });
  const seconds = (performance.now() - start) / 1000;
  const rss = /RSSKB=(\d+)/.exec(r.stderr ?? "");
  const starts = (r.stdout ?? "").split("\n").filter((l) => /^\s+\* Start /.test(l)).length;
  return { seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : undefined, timedOut: r.signal === "SIGTERM" || r.status === KILLED_BY_TIMEOUT, starts };
}

function crmSimulateInstalled(): boolean {
  return spawnSync("sh", ["-c", "command -v crm_simulate"], { encoding: "utf8" }).status === 0;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "quorate-bench-scheduler-"));
  const oracle = crmSimulateInstalled();
  console.log(`scheduler bench, ${new Date().toISOString()}, node ${process.version}, ${args.plain ? "primitives only" : "groups, clones, colocation chains, location rules"}, medians of ${args.repeat}; crm_simulate ${oracle ? `capped at ${args.timeoutS} s` : "not installed"}`);
  console.log("primitives nodes | in-process: parse ms  schedule ms  actions | quorate simulate: s  peak MB  starts | crm_simulate -R: s  peak MB  starts | speed-up (process)");
  try {
    for (const size of args.sizes) {
      for (const nodeCount of args.nodes) {
        const xml = generateSchedulerCib(size, nodeCount, args.plain);
        const file = join(dir, `cib-${size}-${nodeCount}.xml`);
        writeFileSync(file, xml);
        const ours = inProcess(xml, args.repeat);
        const runs = Array.from({ length: args.repeat }, () => timeProcess(QUORATE, ["simulate", "--xml", file], args.timeoutS));
        const cli = runs.find((r) => r.seconds === median(runs.map((x) => x.seconds)))!;
        const theirs = oracle ? timeProcess("crm_simulate", ["-R", "-x", file], args.timeoutS) : undefined;
        const theirText = theirs === undefined ? "n/a" : theirs.timedOut ? `>${args.timeoutS} (timeout)` : theirs.seconds.toFixed(2);
        const speedUp = theirs === undefined ? "n/a" : `${theirs.timedOut ? ">" : ""}${(theirs.seconds / cli.seconds).toFixed(1)}x`;
        console.log([
          String(size).padStart(10), String(nodeCount).padStart(5), "|",
          ours.parseMs.toFixed(0).padStart(8), ours.scheduleMs.toFixed(0).padStart(12), String(ours.actions).padStart(8), "|",
          cli.seconds.toFixed(2).padStart(8), (cli.peakRssMb?.toFixed(0) ?? "?").padStart(8), String(cli.starts).padStart(7), "|",
          theirText.padStart(8), (theirs?.peakRssMb?.toFixed(0) ?? "?").padStart(8), String(theirs?.starts ?? "?").padStart(7), "|",
          speedUp.padStart(8),
        ].join(" "));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
