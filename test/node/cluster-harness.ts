import { after } from "node:test";
import { readFile } from "node:fs/promises";
import { createTotemNode, defaultTotemConfig, nodeId } from "../../src/totem/index.js";
import { LocalCluster, type LocalClusterOptions } from "../../src/node/local-cluster.js";
import type { NodeStatus } from "../../src/node/daemon/status.js";
import { tempDir, waitFor } from "./helpers.js";

/** Why real-process tests cannot run in this build, or undefined. */
export function totemCoreMissing(): string | undefined {
  try {
    createTotemNode({ nodeId: nodeId(1), config: defaultTotemConfig(), ringSeq: 0 });
    return undefined;
  } catch (error) {
    return `the totem core is not in this build (${(error as Error).message})`;
  }
}

/** Small timings so a test's failure detection takes about a second. */
export const fastTotem = { token: 500, token_coefficient: 0, join: 50 };

/** A local cluster in a temp dir, stopped and removed after the test file. */
export async function testCluster(options: Omit<LocalClusterOptions, "dir">): Promise<LocalCluster> {
  const dir = await tempDir("cluster");
  const cluster = await LocalCluster.create({ ...options, dir: dir.path, totem: { ...fastTotem, ...options.totem } });
  after(async () => {
    await cluster.stopAll("SIGKILL");
    await dir.remove();
  });
  return cluster;
}

/** Waits for one settled ring of exactly `nodeids`; on timeout the error carries each node's status and log tail. */
export async function waitForRing(cluster: LocalCluster, nodeids: number[], deadlineMs = 20_000): Promise<NodeStatus[]> {
  try {
    return await waitFor(`one ring of [${nodeids.join(" ")}]`, () => cluster.commonRing(nodeids), deadlineMs, 50);
  } catch (error) {
    const report: string[] = [(error as Error).message];
    for (const n of cluster.nodeids) {
      const s = await cluster.status(n);
      report.push(`node ${n}: ${s === undefined ? "no status" : `${s.state} ring ${s.ring_id} members [${s.members.join(" ")}] quorum ring ${s.quorum.ring_id} quorate ${s.quorate}`}`);
      const log = await readFile(cluster.logFile(n), "utf8").catch(() => "");
      report.push(...log.trim().split("\n").slice(-12).map((line) => `    ${line}`));
    }
    throw new Error(report.join("\n"));
  }
}
