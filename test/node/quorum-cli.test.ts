import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { testCluster, totemCoreMissing, waitForRing } from "./cluster-harness.js";
import { quorateBin, waitFor } from "./helpers.js";

const quorumCommand = (runDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [quorateBin, "quorum", ...args, "--run-dir", runDir], { encoding: "utf8", timeout: 20_000 });

test("quorate quorum expected N (corosync-quorumtool -e) over the IPC socket: refuses to make the cluster inquorate, and lets the last node regain quorum", { skip: totemCoreMissing() }, async () => {
  const cluster = await testCluster({ size: 3, addressPrefix: "127.0.9.", port: 15620 });
  for (const n of cluster.nodeids) await cluster.start(n);
  await waitForRing(cluster, cluster.nodeids);
  const tooHigh = quorumCommand(cluster.runDir(2), "expected", "7");
  assert.equal(tooHigh.status, 1, tooHigh.stderr);
  assert.match(tooHigh.stderr, /would make the cluster inquorate/);
  assert.equal(quorumCommand(cluster.runDir(2), "expected", "0").status, 2, "a usage error");

  await cluster.kill(2, "SIGKILL");
  await cluster.kill(3, "SIGKILL");
  await waitFor("node 1 alone and inquorate", async () => {
    const s = await cluster.status(1);
    return s !== undefined && s.members.join() === "1" && s.quorum.ring_id === s.ring_id && !s.quorate ? s : undefined;
  }, 20_000);
  const lowered = quorumCommand(cluster.runDir(1), "expected", "1", "--json");
  assert.equal(lowered.status, 0, lowered.stderr);
  assert.equal(JSON.parse(lowered.stdout).expected_votes, 1);
  const after = await cluster.status(1);
  assert.deepEqual([after?.quorate, after?.quorum.expected_votes, after?.quorum.quorum], [true, 1, 1]);
});
