import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAuthkey } from "../../src/node/keygen.js";
import { Lan } from "../../test/node/netns.js";
import { rssMiB } from "./stats.js";

/**
 * The real corosync (Debian's package) side by side: one instance per network
 * namespace (its IPC and pid file are per host, so each also gets private /run
 * and /var/lib/corosync through a mount namespace), on a bridge 10.81.0.0/24.
 */
export function corosyncUnavailable(): string | undefined {
  if (spawnSync("corosync", ["-v"]).status !== 0) return "corosync is not installed";
  if (process.getuid?.() !== 0) return "running several corosync instances on one machine needs root (network namespaces)";
  return undefined;
}

export interface CorosyncNode {
  process: ChildProcess;
  runDir: string;
  /** Resolves when a line matches; the time is when the line arrived. */
  waitLine(pattern: RegExp, deadlineMs: number): Promise<number>;
}

export class CorosyncCluster {
  readonly nodes = new Map<number, CorosyncNode>();
  private constructor(readonly dir: string, readonly lan: Lan, readonly size: number, readonly conf: string) {}

  static async create(size: number, totem: Record<string, string | number>): Promise<CorosyncCluster> {
    const dir = await mkdtemp(join(tmpdir(), "quorate-corosync-"));
    const lan = Lan.create("qm-b", size, "10.81.0.");
    const key = await writeAuthkey(join(dir, "authkey"));
    if (!key.ok) throw new Error(key.error);
    const totemLines = Object.entries({ version: 2, cluster_name: "bench", transport: "knet", crypto_cipher: "aes256", crypto_hash: "sha256", keyfile: join(dir, "authkey"), ...totem }).map(([k, v]) => `  ${k}: ${v}`);
    const nodes = Array.from({ length: size }, (_, i) => `  node {\n    ring0_addr: 10.81.0.${i + 1}\n    nodeid: ${i + 1}\n  }`);
    const conf = join(dir, "corosync.conf");
    await writeFile(conf, `totem {\n${totemLines.join("\n")}\n}\nnodelist {\n${nodes.join("\n")}\n}\nquorum {\n  provider: corosync_votequorum\n}\nlogging {\n  to_stderr: yes\n  to_syslog: no\n  timestamp: hires\n}\n`);
    return new CorosyncCluster(dir, lan, size, conf);
  }

  /** A command inside node i's namespaces (its own /run, where corosync's IPC lives). */
  command(i: number, command: string): string[] {
    const run = join(this.dir, `run${i}`);
    return ["ip", "netns", "exec", this.lan.ns(i), "unshare", "-m", "sh", "-c", `mount --bind ${run} /run && mount --bind ${join(this.dir, `lib${i}`)} /var/lib/corosync && exec ${command}`];
  }

  async start(i: number): Promise<CorosyncNode> {
    await mkdir(join(this.dir, `run${i}`), { recursive: true });
    await mkdir(join(this.dir, `lib${i}`), { recursive: true });
    const argv = this.command(i, `corosync -f -c ${this.conf}`);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    const lines: Array<{ text: string; at: number }> = [];
    const waiters: Array<{ pattern: RegExp; resolve: (at: number) => void }> = [];
    let partial = "";
    const onChunk = (chunk: Buffer) => {
      const at = performance.now();
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) {
        lines.push({ text, at });
        for (const w of [...waiters]) if (w.pattern.test(text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(at);
        }
      }
    };
    child.stdout!.on("data", onChunk);
    child.stderr!.on("data", onChunk);
    const node: CorosyncNode = {
      process: child, runDir: join(this.dir, `run${i}`),
      waitLine: (pattern, deadlineMs) => new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`corosync node ${i}: no line ${pattern} within ${deadlineMs} ms`)), deadlineMs);
        waiters.push({ pattern, resolve: (at) => { clearTimeout(timer); resolve(at); } });
      }),
    };
    this.nodes.set(i, node);
    return node;
  }

  async kill(i: number, signal: NodeJS.Signals): Promise<void> {
    const child = this.nodes.get(i)?.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }

  rss(i: number): number {
    return rssMiB(this.nodes.get(i)!.process.pid!, (p) => readFileSync(p, "utf8"));
  }

  async dispose(): Promise<void> {
    for (const i of this.nodes.keys()) await this.kill(i, "SIGKILL");
    this.lan.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Builds the CPG load client (bench/membership/cpgload.c) when libcpg's headers are installed. */
export function buildCpgload(outDir: string): string | { unavailable: string } {
  const source = fileURLToPath(new URL("../../../bench/membership/cpgload.c", import.meta.url));
  if (!existsSync("/usr/include/corosync/cpg.h")) return { unavailable: "libcpg-dev is not installed (apt-get install libcpg-dev)" };
  const out = join(outDir, "cpgload");
  const cc = spawnSync("cc", ["-O2", "-o", out, source, "-lcpg"], { encoding: "utf8" });
  return cc.status === 0 ? out : { unavailable: `cc failed: ${cc.stderr.trim()}` };
}
