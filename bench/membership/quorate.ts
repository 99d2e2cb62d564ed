import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalCluster, type LocalClusterOptions } from "../../src/node/local-cluster.js";
import { QuorateClient } from "../../src/node/ipc/client.js";
import { loadavg } from "node:os";
import { cpuSeconds, median, rssMiB, until } from "./stats.js";

/** Quorate measured on real processes on loopback (127.0.8.x, ports 15700+). */
export async function withCluster<T>(options: Omit<LocalClusterOptions, "dir">, body: (c: LocalCluster) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "quorate-bench-"));
  const cluster = await LocalCluster.create({ ...options, dir });
  try {
    return await body(cluster);
  } finally {
    await cluster.stopAll("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}

const everyone = (c: LocalCluster) => c.nodeids;

export async function formation(size: number, runs: number, totem: Record<string, number>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    times.push(await withCluster({ size, addressPrefix: "127.0.8.", port: 15700, totem }, async (c) => {
      const began = performance.now();
      for (const n of everyone(c)) void c.start(n);
      await until("one ring", () => c.commonRing(everyone(c)), 60_000, 10);
      return performance.now() - began;
    }));
  }
  return median(times);
}

/** SIGKILL of the highest node → the new configuration event on a survivor. */
export async function failureDetection(size: number, runs: number, totem: Record<string, number>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    times.push(await withCluster({ size, addressPrefix: "127.0.8.", port: 15710, totem }, async (c) => {
      for (const n of everyone(c)) await c.start(n);
      await until("one ring", () => c.commonRing(everyone(c)), 60_000);
      const client = await QuorateClient.connect(c.runDir(1));
      await client.track();
      const newRing = new Promise<number>((resolve) => client.on("ring", (e: { members: number[] }) => {
        if (!e.members.includes(size)) resolve(performance.now());
      }));
      const killed = performance.now();
      await c.kill(size, "SIGKILL");
      const seen = await Promise.race([newRing, new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no new ring within 60 s")), 60_000))]);
      client.close();
      return seen - killed;
    }));
  }
  return median(times);
}

export async function idleRss(size: number, settleMs: number): Promise<number> {
  return withCluster({ size, addressPrefix: "127.0.8.", port: 15720, totem: { token: 1000 } }, async (c) => {
    for (const n of everyone(c)) await c.start(n);
    await until("one ring", () => c.commonRing(everyone(c)), 60_000);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return median(everyone(c).map((n) => rssMiB(c.pid(n)!, (p) => readFileSync(p, "utf8"))));
  });
}

export interface ScaleResult {
  formMs: number;
  stableS: number;
  /** Ring changes any node saw while the ring was left idle (the most of any node). */
  spuriousChanges: number;
  /** CPU used per node while idle, in % of one core (median over nodes). */
  idleCpuPercent: number;
  recoverMs: number;
  /** One-minute load average when formation began, and at the end. */
  load: [number, number];
}

/** A 32-node ring: time to form, configuration changes and CPU during `stableS` idle seconds, recovery after a SIGKILL. */
export async function scale(size: number, stableS: number, totem: Record<string, number>): Promise<ScaleResult> {
  return withCluster({ size, addressPrefix: "127.0.8.", port: 15730, totem }, async (c) => {
    const loadAtStart = loadavg()[0]!;
    const began = performance.now();
    for (const n of everyone(c)) await c.start(n);
    await until(`one ring of ${size}`, () => c.commonRing(everyone(c)), 300_000, 200);
    const formMs = performance.now() - began;
    const changes = async () => (await Promise.all(everyone(c).map((n) => until("status", () => c.status(n), 5000)))).map((s) => s.ring_changes);
    const cpu = () => everyone(c).map((n) => cpuSeconds(c.pid(n)!, (p) => readFileSync(p, "utf8")));
    const [changesBefore, cpuBefore] = [await changes(), cpu()];
    await new Promise((resolve) => setTimeout(resolve, stableS * 1000));
    const [changesAfter, cpuAfter] = [await changes(), cpu()];
    const spuriousChanges = Math.max(...changesAfter.map((x, i) => x - changesBefore[i]!));
    const idleCpuPercent = median(cpuAfter.map((x, i) => (100 * (x - cpuBefore[i]!)) / stableS));
    const killed = performance.now();
    await c.kill(size, "SIGKILL");
    await until("ring without the killed node", () => c.commonRing(everyone(c).filter((n) => n !== size)), 120_000, 50);
    return { formMs, stableS, spuriousChanges, idleCpuPercent, recoverMs: performance.now() - killed, load: [loadAtStart, loadavg()[0]!] };
  });
}
