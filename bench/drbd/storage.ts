// `npm run bench:drbd`: the storage benchmark (bench/storage) with more
// targets: (c) Quorate protocol C and (d) protocol A, each a Primary with its
// peer on loopback (two daemons on 127.0.20.200/.201), and a C reference for
// one network hop (nbdkit proxying to nbdkit on 127.0.20.202). Pass --port 16900.
//   --peer-fs loop|same[,…]  the peer's backing store on its own ext4 (a loop
//                            device; default as root with losetup and mkfs.ext4)
//                            or on the Primary's filesystem; a list runs both.
//   --peer-image-dir DIR     where the loop image lives (default: --dir)
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CleanupStack } from "../storage/cleanup.js";
import { main } from "../storage/run.js";
import {
  allocatedFile, assertPortFree, pidsOf, standardTargets, startProcess, stopProcess, type ExportUnderTest, type RunningExport, type StartContext,
} from "../storage/targets.js";
import { loopAvailable, mountOwnFs, type PeerFs } from "./peer-fs.js";

const quorate = new URL("../../../bin/quorate", import.meta.url).pathname;
const METADATA_SLACK_BYTES = 4 * 1024 * 1024;
const SYNC_DEADLINE_MS = 10 * 60_000;

function drbd(config: string, runDir: string, node: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(quorate, ["drbd", "--config", config, "--run-dir", runDir, "--node", node, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.once("close", (status) => (status === 0 ? resolve(out) : reject(new Error(`quorate drbd ${args.join(" ")}: ${out}`))));
  });
}

type Disks = Record<"alpha" | "beta", string>;

function configText(disks: Disks, port: number, protocol: "A" | "C"): string {
  const host = (name: keyof Disks, ip: string, nbd: string) => `  on ${name} {
    device /dev/drbd0; disk "${disks[name]}"; meta-disk internal;
    address ${ip}:16950; nbd-address ${nbd};
  }`;
  return `resource r0 {
  net { protocol ${protocol}; }
  disk { resync-rate 2G; }
${host("alpha", "127.0.20.200", `127.0.0.1:${port}`)}
${host("beta", "127.0.20.201", `127.0.20.201:${port}`)}
}
`;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = performance.now() + SYNC_DEADLINE_MS;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const PEER_FS_LABELS: Record<PeerFs, string> = { loop: "peer on own ext4", same: "peer on same fs" };

function replicated(protocol: "A" | "C", peerFs: PeerFs, imageDir: string): ExportUnderTest {
  const label = `Quorate protocol ${protocol}, ${PEER_FS_LABELS[peerFs]}`;
  /** Starts both daemons; returns their pids. */
  async function startPair({ workDir, port, sizeBytes }: StartContext, cleanup: CleanupStack): Promise<number[]> {
    const backingBytes = sizeBytes + METADATA_SLACK_BYTES;
    const peerDir = peerFs === "loop" ? await mountOwnFs(imageDir, backingBytes, cleanup) : workDir;
    const disks: Disks = { alpha: join(workDir, "alpha.img"), beta: join(peerDir, "beta.img") };
    const config = join(workDir, "drbd.conf");
    const runDir = join(workDir, "run");
    for (const [host, taken] of [["127.0.0.1", port], ["127.0.20.201", port], ["127.0.20.200", 16950], ["127.0.20.201", 16950]] as const) await assertPortFree(taken, host);
    await writeFile(config, configText(disks, port, protocol));
    for (const node of ["alpha", "beta"] as const) {
      await allocatedFile(disks[node], backingBytes);
      await drbd(config, runDir, node, "create-md", "r0");
      await drbd(config, runDir, node, "up", "r0");
      cleanup.push(() => drbd(config, runDir, node, "down", "r0"));
    }
    await until("connection", async () => (await drbd(config, runDir, "alpha", "status", "r0")).includes("beta role:"));
    const started = performance.now();
    await drbd(config, runDir, "alpha", "primary", "--force", "r0");
    cleanup.push(() => drbd(config, runDir, "alpha", "secondary", "r0"));
    await until("initial sync", async () => (await drbd(config, runDir, "alpha", "status", "r0")).includes("peer-disk:UpToDate"));
    process.stderr.write(`${label}: initial sync of ${sizeBytes / 1024 / 1024} MiB took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return Promise.all(["alpha", "beta"].map(async (node) => Number((await readFile(join(runDir, `drbd-${node}.pid`), "utf8")).trim())));
  }
  return {
    label, requires: peerFs === "loop" ? ["losetup", "mkfs.ext4"] : [],
    async start(context: StartContext): Promise<RunningExport> {
      const cleanup = new CleanupStack();
      let pids: number[];
      try {
        pids = await startPair(context, cleanup);
      } catch (error) {
        await cleanup.run().catch((undo: unknown) => process.stderr.write(`${label}: cleanup failed: ${String(undo)}\n`));
        throw error;
      }
      return { uri: `nbd://127.0.0.1:${context.port}/r0`, pids, stop: () => cleanup.run() };
    },
  };
}

/**
 * A C reference for what one more network hop costs: nbdkit's nbd plugin
 * (a proxy) in front of nbdkit's file plugin, over loopback TCP. It does less
 * than replication (one copy is written, nothing waits for two disks), so a
 * replicated export on this machine cannot be expected to beat it.
 */
const nbdkitProxyTarget: ExportUnderTest = {
  label: "nbdkit proxy to nbdkit file (C, one hop, one copy)",
  requires: ["nbdkit"],
  async start({ workDir, port, sizeBytes }) {
    const image = join(workDir, "backend.img");
    await allocatedFile(image, sizeBytes);
    const backendHost = "127.0.20.202";
    const common = ["--foreground", "--exit-with-parent"];
    const backend = await startProcess("nbdkit", [...common, "-i", backendHost, "-p", String(port), "file", image], port, backendHost);
    try {
      const proxy = await startProcess("nbdkit", [...common, "-i", "127.0.0.1", "-p", String(port), "nbd", `uri=nbd://${backendHost}:${port}/`], port);
      return {
        uri: `nbd://127.0.0.1:${port}/`, pids: [...pidsOf(proxy), ...pidsOf(backend)],
        stop: async () => {
          await stopProcess(proxy);
          await stopProcess(backend);
        },
      };
    } catch (error) {
      await stopProcess(backend);
      throw error;
    }
  },
};

function peerFsList(value: string | boolean | undefined): PeerFs[] {
  if (typeof value !== "string") return [loopAvailable() ? "loop" : "same"];
  return value.split(",").map((item) => {
    if (item !== "loop" && item !== "same") throw new Error(`--peer-fs: '${item}' is neither loop nor same`);
    if (item === "loop" && !loopAvailable()) throw new Error("--peer-fs loop needs root, losetup and mkfs.ext4");
    return item;
  });
}

await main(process.argv.slice(2), {
  options: { "peer-fs": { type: "string" }, "peer-image-dir": { type: "string" } },
  choose(values) {
    const imageDir = typeof values["peer-image-dir"] === "string" ? values["peer-image-dir"] : typeof values.dir === "string" ? values.dir : tmpdir();
    const setups = peerFsList(values["peer-fs"]);
    const notes = setups.map((setup) => setup === "loop"
      ? `protocol C/A peer: its own ext4 on a loop device (direct I/O), image in ${imageDir}`
      : "protocol C/A peer: backing file on the Primary's filesystem");
    const replicatedTargets = setups.flatMap((setup) => [replicated("C", setup, imageDir), replicated("A", setup, imageDir)]);
    return { targets: [...standardTargets, nbdkitProxyTarget, ...replicatedTargets], notes };
  },
});
