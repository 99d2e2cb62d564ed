import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { run, tempDir, waitFor, quorateBin, type RunResult } from "../nbd/helpers.js";

export type NodeName = "alpha" | "beta";

export interface NodesOptions {
  /**
   * Each test file owns a block of 20 addresses, 127.0.20.(20·block + 1 … 20·block + 20),
   * and takes the first pair whose ports are free: the same tests running in
   * another checkout at the same time then do not collide. Block 12, the last,
   * has only 7 pairs (.241 … .254).
   */
  ipBlock: number;
  /**
   * Where the search for a free pair starts in the block: two files sharing a
   * block (and maybe running at once) start apart, since a pair is only
   * checked free, not held, until the daemons listen.
   */
  firstPair?: number;
  backingMiB?: number;
  protocol?: "A" | "B" | "C";
  /** Extra statements for common's net / disk / handlers sections. */
  net?: string;
  disk?: string;
  handlers?: string;
  startup?: string;
  /** A node's own copy of the configuration, edited (e.g. to reach its peer through a proxy). */
  nodeConfig?: Partial<Record<NodeName, (text: string) => string>>;
  /** Where beta's backing file lives (alpha's is in the temp dir). */
  backing?: Partial<Record<NodeName, string>>;
}

/** Two Quorate replication daemons on one machine (--node alpha / beta), driven through the CLI. */
export class TwoNodes {
  private constructor(
    readonly dir: string,
    readonly options: NodesOptions,
    readonly ips: [string, string],
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(prefix: string, options: NodesOptions): Promise<TwoNodes> {
    const ips = await freePair(options.ipBlock, options.firstPair ?? 0);
    const dir = await tempDir(prefix);
    const nodes = new TwoNodes(dir.path, options, ips, dir.dispose);
    const size = (options.backingMiB ?? 32) * 1024 * 1024;
    for (const node of ["alpha", "beta"] as const) {
      const path = nodes.backingPath(node);
      if (!existsSync(path)) writeFileSync(path, "");
      await run("truncate", ["-s", String(size), path]);
    }
    writeFileSync(nodes.config, nodes.configText());
    for (const node of ["alpha", "beta"] as const) {
      const edit = options.nodeConfig?.[node];
      if (edit !== undefined) writeFileSync(nodes.configOf(node), edit(nodes.configText()));
    }
    return nodes;
  }

  /** The configuration file a node runs with: its own copy when nodeConfig edits one. */
  configOf(node: NodeName): string {
    return this.options.nodeConfig?.[node] === undefined ? this.config : join(this.dir, `drbd-${node}.conf`);
  }

  get config(): string {
    return join(this.dir, "drbd.conf");
  }

  get runDir(): string {
    return join(this.dir, "run");
  }

  backingPath(node: NodeName): string {
    return this.options.backing?.[node] ?? join(this.dir, `${node}.img`);
  }

  ip(node: NodeName): string {
    return this.ips[node === "alpha" ? 0 : 1];
  }

  uri(node: NodeName): string {
    return `nbd://${this.ip(node)}:16501/r0`;
  }

  private configText(): string {
    const host = (node: NodeName) => `  on ${node} {
    device /dev/drbd0;
    disk "${this.backingPath(node)}";
    address ${this.ip(node)}:16500;
    meta-disk internal;
    nbd-address ${this.ip(node)}:16501;
  }`;
    return `global { usage-count no; }
common {
  handlers { ${this.options.handlers ?? ""} }
  startup { ${this.options.startup ?? ""} }
  disk { resync-rate 400M; ${this.options.disk ?? ""} }
  net {
    protocol ${this.options.protocol ?? "C"};
    cram-hmac-alg sha256;
    shared-secret "quorate-test";
    connect-int 1;
    ${this.options.net ?? ""}
  }
}
resource r0 {
${host("alpha")}
${host("beta")}
}
`;
  }

  drbd(node: NodeName, ...args: string[]): Promise<RunResult> {
    return run(quorateBin, ["drbd", "--config", this.configOf(node), "--run-dir", this.runDir, "--node", node, ...args], { timeoutMs: 60_000 });
  }

  async ok(node: NodeName, ...args: string[]): Promise<string> {
    const result = await this.drbd(node, ...args);
    assert.equal(result.status, 0, `quorate drbd --node ${node} ${args.join(" ")}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  async status(node: NodeName): Promise<StatusJson> {
    const list = JSON.parse(await this.ok(node, "status", "--json", "r0")) as StatusJson[];
    return list[0]!;
  }

  /** create-md on both, up on both, primary --force on alpha, wait for the initial sync. */
  async startSynced(): Promise<void> {
    for (const node of ["alpha", "beta"] as const) await this.ok(node, "create-md", "r0");
    for (const node of ["alpha", "beta"] as const) await this.ok(node, "up", "r0");
    await this.waitConnected("alpha");
    await this.ok("alpha", "primary", "--force", "r0");
    await this.waitInSync("beta");
  }

  async waitConnected(node: NodeName, deadlineMs = 15_000): Promise<void> {
    await waitFor(`${node} connected`, async () => (await this.status(node)).connections[0]!["connection-state"] === "Connected", deadlineMs, 50);
  }

  async waitInSync(node: NodeName, deadlineMs = 30_000): Promise<void> {
    await waitFor(`${node} in sync`, async () => {
      const s = await this.status(node);
      const peer = s.connections[0]!.peer_devices[0]!;
      return s.devices[0]!["disk-state"] === "UpToDate" && peer["peer-disk-state"] === "UpToDate" && peer["replication-state"] === "Established";
    }, deadlineMs, 50);
  }

  /** Online verify from `node`: waits for it to finish and returns the blocks found out of sync. */
  async verify(node: NodeName): Promise<number> {
    await this.ok(node, "verify", "r0");
    await waitFor("verify to finish", async () => (await this.status(node)).connections[0]!.peer_devices[0]!["replication-state"] === "Established", 20_000, 50);
    return (await this.status(node))["verify-out-of-sync-blocks"];
  }

  pid(node: NodeName): number | undefined {
    const file = join(this.runDir, `drbd-${node}.pid`);
    return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : undefined;
  }

  /** SIGKILL the node's daemon, like a crashed node, and wait until it is gone. */
  async kill(node: NodeName): Promise<void> {
    const pid = this.pid(node);
    assert.ok(pid !== undefined, `${node} has no daemon`);
    process.kill(pid, "SIGKILL");
    await waitFor(`${node} daemon ${pid} to die`, () => !alive(pid));
  }

  log(node: NodeName): string {
    const file = join(this.runDir, `drbd-${node}.log`);
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  async dispose(): Promise<void> {
    for (const node of ["alpha", "beta"] as const) {
      const pid = this.pid(node);
      if (pid !== undefined && alive(pid)) {
        process.kill(pid, "SIGTERM");
        await waitFor(`${node} daemon to stop`, () => !alive(pid)).catch(() => process.kill(pid, "SIGKILL"));
      }
    }
    await this.cleanup();
  }
}

const PORTS = [16500, 16501];

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function freePair(block: number, firstPair: number): Promise<[string, string]> {
  for (let k = firstPair; k < 10; k++) {
    const pair: [string, string] = [`127.0.20.${20 * block + 2 * k + 1}`, `127.0.20.${20 * block + 2 * k + 2}`];
    const free = await Promise.all(pair.flatMap((ip) => PORTS.map((port) => portFree(ip, port))));
    if (free.every(Boolean)) return pair;
  }
  throw new Error(`no free address pair in block ${block} of 127.0.20.0/24`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StatusJson {
  name: string;
  role: string;
  devices: Array<{ "disk-state": string; size: number }>;
  connections: Array<{
    name: string;
    "connection-state": string;
    "peer-role": string;
    peer_devices: Array<{ "replication-state": string; "peer-disk-state": string; "out-of-sync": number; "percent-in-sync"?: number; sent: number }>;
  }>;
  "last-sync": { direction: string; full: boolean; blocks: number; identical?: number } | null;
  "last-split-brain": string | null;
  "verify-out-of-sync-blocks": number;
  "write-conflicts": number;
  "resync-conflicts": number;
  suspended: boolean;
  "peer-fenced": boolean;
}
