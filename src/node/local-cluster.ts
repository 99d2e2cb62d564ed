import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAuthkey } from "./keygen.js";
import { QuorateClient } from "./ipc/client.js";
import type { NodeStatus } from "./daemon/status.js";

/**
 * A cluster of real `quorate start` processes on this machine, each on its own
 * loopback address (127.0.x.N). Used by `quorate demo`, the integration tests
 * and the benchmarks.
 */
export interface LocalClusterOptions {
  dir: string;
  size: number;
  /** "127.0.1." gives nodes 127.0.1.1 .. 127.0.1.N on link 0. */
  addressPrefix: string;
  /** Second link on this prefix when set (knet-style failover). */
  link1Prefix?: string;
  port: number;
  clusterName?: string;
  /** true (default): AES-256-GCM; "hmac": authentication only (crypto_cipher none, crypto_hash sha256); false: none. */
  crypto?: boolean | "hmac";
  /** Extra `totem { }` keys, e.g. { token: 300 }. */
  totem?: Record<string, string | number>;
  /** Extra keys for every `totem { interface { } }`, e.g. { knet_ping_timeout: 300 }. */
  interface?: Record<string, string | number>;
  /** Extra `logging { }` keys. */
  logging?: Record<string, string | number>;
  /** Extra `quorum { }` keys. */
  quorum?: Record<string, string | number>;
  /** Runs node N under a wrapper, e.g. ["ip", "netns", "exec", "qm-a1"]. */
  commandPrefix?: (nodeid: number) => string[];
  /** Let each node find itself (by address) instead of passing --nodeid. */
  findSelf?: boolean;
}

const quorateBin = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));

export function localClusterConf(o: LocalClusterOptions): string {
  const totem = { version: 2, cluster_name: o.clusterName ?? "demo", transport: "knet", ...(o.crypto === false ? {} : { crypto_cipher: o.crypto === "hmac" ? "none" : "aes256", crypto_hash: "sha256", keyfile: join(o.dir, "authkey") }), ...o.totem };
  const lines = ["totem {", ...Object.entries(totem).map(([k, v]) => `    ${k}: ${v}`)];
  for (const link of o.link1Prefix === undefined ? [0] : [0, 1]) lines.push("    interface {", `        linknumber: ${link}`, `        mcastport: ${o.port + link}`, ...Object.entries(o.interface ?? {}).map(([k, v]) => `        ${k}: ${v}`), "    }");
  lines.push("}", "nodelist {");
  for (let n = 1; n <= o.size; n++) {
    lines.push("    node {", `        ring0_addr: ${o.addressPrefix}${n}`);
    if (o.link1Prefix !== undefined) lines.push(`        ring1_addr: ${o.link1Prefix}${n}`);
    lines.push(`        nodeid: ${n}`, `        name: node${n}`, "    }");
  }
  lines.push("}", "quorum {", "    provider: corosync_votequorum", ...Object.entries(o.quorum ?? {}).map(([k, v]) => `    ${k}: ${v}`), "}");
  const logging = { to_stderr: "yes", timestamp: "on", ...o.logging };
  lines.push("logging {", ...Object.entries(logging).map(([k, v]) => `    ${k}: ${v}`), "}");
  return `${lines.join("\n")}\n`;
}

export class LocalCluster {
  readonly configFile: string;
  private readonly processes = new Map<number, ChildProcess>();
  /** Nodes that exited without being asked to, with their exit status. */
  readonly crashed = new Map<number, string>();

  private constructor(readonly options: LocalClusterOptions) {
    this.configFile = join(options.dir, "corosync.conf");
  }

  static async create(options: LocalClusterOptions): Promise<LocalCluster> {
    const cluster = new LocalCluster(options);
    await mkdir(options.dir, { recursive: true });
    await writeFile(cluster.configFile, localClusterConf(options));
    if (options.crypto !== false) {
      const key = await writeAuthkey(join(options.dir, "authkey"));
      if (!key.ok) throw new Error(key.error);
    }
    return cluster;
  }

  get nodeids(): number[] {
    return Array.from({ length: this.options.size }, (_, i) => i + 1);
  }

  runDir(nodeid: number): string {
    return join(this.options.dir, `node${nodeid}`);
  }

  /** Starts node N; its stderr (the readable log) goes to <dir>/nodeN.log. */
  async start(nodeid: number, configFile = this.configFile): Promise<ChildProcess> {
    await mkdir(this.runDir(nodeid), { recursive: true });
    const log = createWriteStream(this.logFile(nodeid), { flags: "a" });
    const command = [...(this.options.commandPrefix?.(nodeid) ?? []), process.execPath, quorateBin, "start", "--config", configFile,
      ...(this.options.findSelf ? [] : ["--nodeid", String(nodeid)]), "--run-dir", this.runDir(nodeid)];
    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.processes.set(nodeid, child);
    this.crashed.delete(nodeid);
    child.once("exit", (code, signal) => {
      if (this.processes.get(nodeid) !== child) return;
      this.processes.delete(nodeid);
      this.crashed.set(nodeid, signal === null ? `exit status ${code}` : `signal ${signal}`);
    });
    return child;
  }

  pid(nodeid: number): number | undefined {
    return this.processes.get(nodeid)?.pid;
  }

  logFile(nodeid: number): string {
    return join(this.options.dir, `node${nodeid}.log`);
  }

  running(): number[] {
    return [...this.processes.keys()].sort((a, b) => a - b);
  }

  /** Sends a signal and waits for the process to exit. */
  async kill(nodeid: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.processes.get(nodeid);
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    this.processes.delete(nodeid); // asked to stop: not a crash
    child.kill(signal);
    await exited;
  }

  async status(nodeid: number): Promise<NodeStatus | undefined> {
    let client: QuorateClient | undefined;
    try {
      client = await QuorateClient.connect(this.runDir(nodeid), 1000);
      return await client.status<NodeStatus>();
    } catch {
      return undefined;
    } finally {
      client?.close();
    }
  }

  /** The statuses once every listed node is operational in one ring of exactly those members, quorum settled. */
  async commonRing(nodeids: number[]): Promise<NodeStatus[] | undefined> {
    const statuses = await Promise.all(nodeids.map((n) => this.status(n)));
    if (statuses.some((s) => s === undefined)) return undefined;
    const all = statuses as NodeStatus[];
    const first = all[0]!;
    // Settled: operational in one ring of exactly these nodes, with quorum computed for that ring.
    const same = all.every((s) => s.state === "operational" && s.ring_id === first.ring_id && s.members.join() === nodeids.join() && s.quorum.ring_id === s.ring_id);
    return same ? all : undefined;
  }

  async stopAll(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await Promise.all(this.running().map((n) => this.kill(n, signal)));
  }
}
