// The workloads of the storage benchmark, all through one NBD client (fio's
// nbd engine; the FUA latency probe uses libnbd from Python, as fio cannot
// set NBD_CMD_FLAG_FUA), and nbdcopy for the incumbents' own measure of
// sequential writes.
import { spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CpuPlacement, clientCommand } from "./placement.js";

export interface Workload {
  readonly name: string;
  readonly unit: "MiB/s" | "IOPS" | "µs";
  /** Lower is better for latencies. */
  readonly lowerIsBetter: boolean;
  measure(uri: string, options: WorkloadOptions): Promise<number>;
}

export interface WorkloadOptions {
  readonly sizeBytes: number;
  readonly runtimeS: number;
  /** The server's processes (both daemons of a replicated pair), when known. */
  readonly serverPids: readonly number[];
  readonly placement: CpuPlacement;
}

export function capture(command: string, args: string[], timeoutMs: number, placement: CpuPlacement = "free"): Promise<string> {
  [command, args] = clientCommand(placement, command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      if (status === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} exited ${status}: ${stderr.trim()}`));
    });
  });
}

interface FioSide {
  bw_bytes: number;
  iops: number;
  io_bytes: number;
}

async function fio(uri: string, args: string[], side: "read" | "write", timeoutMs: number, placement: CpuPlacement): Promise<FioSide> {
  const stdout = await capture("fio", ["--name=bench", "--ioengine=nbd", `--uri=${uri}`, "--output-format=json", ...args], timeoutMs, placement);
  // The nbd engine prints "fio: connected to NBD server" before the JSON.
  const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { jobs: Array<Record<"read" | "write", FioSide>> };
  const job = report.jobs[0];
  if (job === undefined) throw new Error("fio reported no job");
  return job[side];
}

const MiB = 1024 * 1024;
/** fio runs this long before it counts: every server, Quorate's JIT-compiled path included, is measured warm. */
const RAMP_S = 1;

/** Runs for runtimeS after the ramp, going over the export again as often as time allows. */
function steadyState(runtimeS: number): string[] {
  return ["--time_based", `--runtime=${runtimeS}`, `--ramp_time=${RAMP_S}`];
}

function sequential(name: string, rw: "write" | "read"): Workload {
  return {
    name, unit: "MiB/s", lowerIsBetter: false,
    async measure(uri, { sizeBytes, runtimeS, placement }) {
      const args = [`--rw=${rw}`, "--bs=1M", "--iodepth=8", `--size=${sizeBytes}`, ...steadyState(runtimeS)];
      const result = await fio(uri, args, rw, (runtimeS + RAMP_S + 60) * 1000, placement);
      return result.bw_bytes / MiB;
    },
  };
}

function randomWrites(name: string, queueDepth: number): Workload {
  return {
    name, unit: "IOPS", lowerIsBetter: false,
    async measure(uri, { sizeBytes, runtimeS, placement }) {
      const args = ["--rw=randwrite", "--bs=4k", `--iodepth=${queueDepth}`, `--size=${sizeBytes}`, ...steadyState(runtimeS), "--randrepeat=1"];
      return (await fio(uri, args, "write", (runtimeS + RAMP_S + 60) * 1000, placement)).iops;
    },
  };
}

const fuaProbe = new URL("../../../bench/storage/fua-latency.py", import.meta.url).pathname;

interface FuaReport {
  median_us: number;
  cpu_us?: number;
}

async function fuaProbeRun(uri: string, { sizeBytes, runtimeS, serverPids, placement }: WorkloadOptions): Promise<FuaReport> {
  const count = Math.max(500, runtimeS * 1000);
  // Random offsets within the first 256 MiB (or the whole export, if smaller).
  const spanBytes = Math.min(sizeBytes, 256 * 1024 * 1024);
  const args = [fuaProbe, uri, String(count), String(spanBytes), "1000", serverPids.join(",")];
  return JSON.parse(await capture("/usr/bin/python3", args, (runtimeS + 60) * 1000, placement)) as FuaReport;
}

const fuaLatency: Workload = {
  name: "4 KiB FUA write latency QD1 (median)", unit: "µs", lowerIsBetter: true,
  measure: async (uri, options) => (await fuaProbeRun(uri, options)).median_us,
};

/** CPU time of the server processes per durable write: robust to a loaded machine, unlike latency. */
const fuaCpu: Workload = {
  name: "4 KiB FUA write QD1, server CPU per write", unit: "µs", lowerIsBetter: true,
  async measure(uri, options) {
    if (options.serverPids.length === 0) throw new Error("the server's processes are not known");
    const report = await fuaProbeRun(uri, options);
    if (report.cpu_us === undefined) throw new Error("the probe reported no CPU time");
    return report.cpu_us;
  },
};

/** /proc's clock ticks (USER_HZ, 100 on every Linux ABI Node runs on). */
const TICKS_PER_S = 100;

/** User + system CPU seconds of whole processes (all threads). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(")").at(-1)!.trim().split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_S;
}

/**
 * CPU time of the server's processes per MiB written sequentially: what a
 * throughput figure costs, robust to a loaded machine. Runs after the
 * throughput workloads, so every server is warm.
 */
const sequentialCpu: Workload = {
  name: "sequential 1 MiB write, server CPU per MiB", unit: "µs", lowerIsBetter: true,
  async measure(uri, { sizeBytes, runtimeS, serverPids, placement }) {
    if (serverPids.length === 0) throw new Error("the server's processes are not known");
    const before = cpuSeconds(serverPids);
    const args = ["--rw=write", "--bs=1M", "--iodepth=8", `--size=${sizeBytes}`, "--time_based", `--runtime=${runtimeS}`];
    const result = await fio(uri, args, "write", (runtimeS + 60) * 1000, placement);
    return ((cpuSeconds(serverPids) - before) * 1e6) / (result.io_bytes / MiB);
  },
};

/** One source file of random bytes per export size, made on first use and removed when the process exits. */
const copySources = new Map<number, string>();

function copySource(sizeBytes: number): string {
  const known = copySources.get(sizeBytes);
  if (known !== undefined) return known;
  const dir = mkdtempSync(join(tmpdir(), "qn-copy-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "source.img");
  const fd = openSync(path, "w");
  const chunk = Buffer.allocUnsafe(8 * MiB);
  try {
    for (let written = 0; written < sizeBytes; written += chunk.length) {
      writeSync(fd, randomFillSync(chunk), 0, Math.min(chunk.length, sizeBytes - written));
    }
  } finally {
    closeSync(fd);
  }
  copySources.set(sizeBytes, path);
  return path;
}

/**
 * The design notes' figure for unreplicated servers: nbdcopy of a file onto
 * the whole export, with nbdcopy's defaults (up to 4 connections where the
 * server allows multi-conn, 64 requests in flight on each). Random bytes, so
 * no block is sent as zeroes; repeated for the run time.
 */
const nbdcopyWrite: Workload = {
  name: "sequential write, nbdcopy (its default connections)", unit: "MiB/s", lowerIsBetter: false,
  async measure(uri, { sizeBytes, runtimeS, placement }) {
    const source = copySource(sizeBytes);
    await capture("nbdcopy", [source, uri], 120_000, placement); // warm-up, as fio's ramp
    const started = performance.now();
    let copies = 0;
    do {
      await capture("nbdcopy", [source, uri], 120_000, placement);
      copies++;
    } while (performance.now() - started < runtimeS * 1000);
    return (copies * sizeBytes) / MiB / ((performance.now() - started) / 1000);
  },
};

export const standardWorkloads: readonly Workload[] = [
  sequential("sequential 1 MiB write (QD8)", "write"),
  nbdcopyWrite,
  sequential("sequential 1 MiB read (QD8)", "read"),
  randomWrites("4 KiB random write QD1", 1),
  randomWrites("4 KiB random write QD32", 32),
  fuaLatency,
  fuaCpu,
  sequentialCpu,
];
