// `npm run bench:drbd`: the storage benchmark (bench/storage) with two more
// targets: (c) Quorate protocol C and (d) protocol A, each a Primary with its
// peer on loopback (two daemons on 127.0.20.200/.201). Pass --port 16900.
import { spawn } from "node:child_process";
import { writeFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../storage/run.js";
import { standardTargets, type ExportUnderTest, type RunningExport, type StartContext } from "../storage/targets.js";

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

function configText(workDir: string, port: number, protocol: "A" | "C"): string {
  const host = (name: string, ip: string, nbd: string) => `  on ${name} {
    device /dev/drbd0; disk "${join(workDir, `${name}.img`)}"; meta-disk internal;
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

function replicated(protocol: "A" | "C", label: string): ExportUnderTest {
  return {
    label, requires: [],
    async start({ workDir, port, sizeBytes }: StartContext): Promise<RunningExport> {
      const config = join(workDir, "drbd.conf");
      const runDir = join(workDir, "run");
      await writeFile(config, configText(workDir, port, protocol));
      for (const node of ["alpha", "beta"]) {
        await writeFile(join(workDir, `${node}.img`), "");
        await truncate(join(workDir, `${node}.img`), sizeBytes + METADATA_SLACK_BYTES);
        await drbd(config, runDir, node, "create-md", "r0");
        await drbd(config, runDir, node, "up", "r0");
      }
      await until("connection", async () => (await drbd(config, runDir, "alpha", "status", "r0")).includes("beta role:"));
      const started = performance.now();
      await drbd(config, runDir, "alpha", "primary", "--force", "r0");
      await until("initial sync", async () => (await drbd(config, runDir, "alpha", "status", "r0")).includes("peer-disk:UpToDate"));
      process.stderr.write(`${label}: initial sync of ${sizeBytes / 1024 / 1024} MiB took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      return {
        uri: `nbd://127.0.0.1:${port}/r0`,
        async stop() {
          await drbd(config, runDir, "alpha", "secondary", "r0");
          for (const node of ["alpha", "beta"]) await drbd(config, runDir, node, "down", "r0");
        },
      };
    },
  };
}

export const protocolCTarget = replicated("C", "Quorate protocol C");
export const protocolATarget = replicated("A", "Quorate protocol A");

await main(process.argv.slice(2), [...standardTargets, protocolCTarget, protocolATarget]);
