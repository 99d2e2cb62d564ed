import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Executor, OCF_RC, type AgentRef, type OpRequest } from "../../src/executor/index.js";
import { filesystemSkipReason } from "../nbd/filesystem.js";
import { run } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// `local-device loop;` (a Quorate extension for hosts without the nbd kernel
// module): the Primary's `device` path becomes a link to a loop device over
// nbdfuse, so mkfs and mount work on /dev/drbd0 as with DRBD, and, as DRBD,
// the Primary refuses to become Secondary while the device is mounted.
const skipReason = await filesystemSkipReason();

describe("local-device loop: the Primary's device path is a block device", { skip: skipReason ?? false }, () => {
  let nodes: TwoNodes;
  const devicePath = (node: NodeName) => join(nodes.dir, `${node}-drbd0`);
  const mountPoint = (node: NodeName) => join(nodes.dir, `${node}-mnt`);

  before(async () => {
    nodes = await TwoNodes.create("qd-local-", { ipBlock: 6, firstPair: 5, backingMiB: 32 });
    // Each host its own device path (both run on this machine), made by loop + nbdfuse.
    let text = readFileSync(nodes.config, "utf8");
    for (const node of ["alpha", "beta"] as const) text = text.replace("device /dev/drbd0;", `device "${devicePath(node)}" minor 0; local-device loop;`);
    writeFileSync(nodes.config, text);
    await nodes.startSynced();
  });
  after(async () => {
    for (const node of ["alpha", "beta"] as const) await run("umount", [mountPoint(node)]);
    await nodes?.dispose();
  });

  const mount = async (node: NodeName) => {
    mkdirSync(mountPoint(node), { recursive: true });
    const result = await run("mount", [devicePath(node), mountPoint(node)], { timeoutMs: 60_000 });
    assert.equal(result.status, 0, result.stderr);
  };
  const unmount = async (node: NodeName) => assert.equal((await run("umount", [mountPoint(node)], { timeoutMs: 60_000 })).status, 0);

  test("mkfs and mount on the device path; secondary is refused while mounted; the peer mounts the same files after a switchover", async () => {
    assert.ok(statSync(devicePath("alpha")).isBlockDevice(), "the device path leads to a block device");
    assert.match(realpathSync(devicePath("alpha")), /^\/dev\/loop\d+$/);
    const made = await run("mkfs.ext4", ["-q", "-F", devicePath("alpha")], { timeoutMs: 120_000 });
    assert.equal(made.status, 0, made.stderr);
    await mount("alpha");
    const content = randomBytes(300_000);
    writeFileSync(join(mountPoint("alpha"), "payload"), content);

    const refused = await nodes.drbd("alpha", "secondary", "r0");
    assert.equal(refused.status, 1, "a mounted device keeps its node Primary");
    assert.match(refused.stderr, /held open/);
    assert.equal((await nodes.status("alpha")).role, "Primary");
    assert.equal((await nodes.drbd("alpha", "down", "r0")).status, 1, "down is refused too");

    await unmount("alpha");
    await nodes.ok("alpha", "secondary", "r0");
    assert.equal(existsSync(devicePath("alpha")), false, "the link goes with the role");

    await nodes.ok("beta", "primary", "r0");
    await mount("beta");
    assert.deepEqual(readFileSync(join(mountPoint("beta"), "payload")), content);
    await unmount("beta");
    await nodes.ok("beta", "secondary", "r0");
    assert.equal(existsSync(devicePath("beta")), false);
  });

  test("the tutorial's chain with real agents: ocf:linbit:drbd promotes, ocf:heartbeat:Filesystem mounts the device; demote waits for the unmount", { skip: existsSync("/usr/lib/ocf/resource.d/heartbeat/Filesystem") ? false : "needs ocf:heartbeat:Filesystem (Debian resource-agents)" }, async () => {
    const executor = new Executor({ concurrencyMax: 1 });
    const drbdAgent: AgentRef = { class: "ocf", provider: "linbit", type: "drbd" };
    const filesystem: AgentRef = { class: "ocf", provider: "heartbeat", type: "Filesystem" };
    const op = (agent: AgentRef, action: OpRequest["action"], params: Record<string, string>) =>
      executor.run({ rscId: agent.type, agent, action, intervalMs: 0, timeoutMs: 120_000, params, meta: { on_node: "beta" } });
    const drbd = (action: OpRequest["action"]) => op(drbdAgent, action, { drbd_resource: "r0", drbdconf: nodes.config, run_dir: nodes.runDir });
    const fs = (action: OpRequest["action"]) => op(filesystem, action, { device: devicePath("beta"), directory: mountPoint("beta"), fstype: "ext4" });
    try {
      assert.equal((await drbd("start")).rc, OCF_RC.success);
      assert.equal((await drbd("promote")).rc, OCF_RC.success);
      const mounted = await fs("start");
      assert.equal(mounted.rc, OCF_RC.success, mounted.stderr);
      assert.equal((await fs("monitor")).rc, OCF_RC.success);
      assert.ok(existsSync(join(mountPoint("beta"), "payload")), "the files of the earlier test are there");
      const demote = await drbd("demote");
      assert.equal(demote.rc, OCF_RC.errGeneric, "a mounted device is not demoted");
      assert.match(demote.exitReason, /held open/);
      assert.equal((await fs("stop")).rc, OCF_RC.success);
      assert.equal((await drbd("demote")).rc, OCF_RC.success);
      assert.equal((await drbd("monitor")).rc, OCF_RC.success, "Secondary again");
    } finally {
      await executor.dispose();
    }
  });
});
