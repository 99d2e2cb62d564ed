import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { withCluster } from "./quorate.js";
import { median, until } from "./stats.js";

const clientScript = fileURLToPath(new URL("./cpg-client.js", import.meta.url));

interface ClientResult {
  deliveries_per_s: number;
  latency_p50_us: number;
  latency_p99_us: number;
}

function runClient(runDir: string, members: number, size: number, seconds: number): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [clientScript, runDir, String(members), String(size), String(seconds)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`cpg client exited ${code}`))));
  });
}

/** Every node's client sends SIZE-byte messages for SECONDS; deliveries per second per node (median). */
export async function cpgThroughput(size: number, bytes: number, seconds: number, netmtu: number): Promise<string> {
  return withCluster({ size, addressPrefix: "127.0.8.", port: 15740, totem: { token: 1000, netmtu } }, async (c) => {
    for (const n of c.nodeids) await c.start(n);
    await until("one ring", () => c.commonRing(c.nodeids), 60_000);
    try {
      const results = await Promise.all(c.nodeids.map((n) => runClient(c.runDir(n), size, bytes, seconds)));
      const perNode = median(results.map((r) => r.deliveries_per_s));
      const mb = (perNode * bytes) / 1e6;
      return `${Math.round(perNode)} deliveries/s per node (${mb.toFixed(1)} MB/s; p50 latency ${median(results.map((r) => r.latency_p50_us))} µs, p99 ${median(results.map((r) => r.latency_p99_us))} µs)`;
    } catch (error) {
      return `not measured (${(error as Error).message})`;
    }
  });
}
