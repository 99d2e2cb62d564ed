import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Executor, OCF_RC, type AgentRef, type OpRequest } from "../../src/executor/index.js";
import { isRoot, missingAgent, op, tempDir } from "./helpers.js";

// Agents that change the machine, as root: ocf:heartbeat:Filesystem mounts an
// ext4 image on a loop device; ocf:heartbeat:IPaddr2 adds an address inside a
// network namespace this test creates (the executor runs every agent through
// `ip netns exec`, its commandPrefix option).

function run(file: string, ...args: string[]): string {
  return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

const filesystemSkip = !isRoot ? "needs root (loop devices, mount)" : missingAgent("/usr/lib/ocf/resource.d/heartbeat/Filesystem", "/usr/sbin/mkfs.ext4", "/usr/sbin/losetup");
const ipaddrSkip = !isRoot ? "needs root (network namespaces)" : missingAgent("/usr/lib/ocf/resource.d/heartbeat/IPaddr2", "/usr/bin/ip");

describe("ocf:heartbeat:Filesystem mounts and unmounts an ext4 image on a loop device", { skip: filesystemSkip }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  let loop = "";
  const executor = new Executor();
  before(async () => {
    dir = await tempDir("fs");
    const image = join(dir.path, "fs.img");
    run("truncate", "-s", "32M", image);
    run("mkfs.ext4", "-q", "-F", image);
    loop = run("losetup", "-f", "--show", image);
    await mkdir(join(dir.path, "mnt"));
  });
  after(async () => {
    await executor.dispose();
    const mnt = join(dir.path, "mnt");
    if ((await readFile("/proc/mounts", "utf8")).includes(` ${mnt} `)) run("umount", mnt);
    if (loop) run("losetup", "-d", loop);
    await dir.remove();
  });

  test("start mounts, monitor sees it, stop unmounts, a probe then answers not running", async () => {
    const fs: AgentRef = { class: "ocf", provider: "heartbeat", type: "Filesystem" };
    const mnt = join(dir.path, "mnt");
    const params = { device: loop, directory: mnt, fstype: "ext4" };
    const mounted = async () => (await readFile("/proc/mounts", "utf8")).split("\n").some((line) => line.startsWith(`${loop} ${mnt} ext4 `));
    assert.equal((await executor.run(op("fs", fs, "monitor", params, { timeoutMs: 40_000 }))).rc, OCF_RC.notRunning);
    const start = await executor.run(op("fs", fs, "start", params, { timeoutMs: 60_000 }));
    assert.equal(start.rc, OCF_RC.success, start.exitReason || start.stderr);
    assert.ok(await mounted(), "the image is mounted after start");
    assert.equal((await executor.run(op("fs", fs, "monitor", params, { timeoutMs: 40_000 }))).rc, OCF_RC.success);
    assert.equal((await executor.run(op("fs", fs, "stop", params, { timeoutMs: 60_000 }))).rc, OCF_RC.success);
    assert.equal(await mounted(), false, "unmounted after stop");
    assert.equal((await executor.run(op("fs", fs, "monitor", params, { timeoutMs: 40_000 }))).rc, OCF_RC.notRunning);
  });
});

describe("ocf:heartbeat:IPaddr2 adds and removes an address inside a network namespace", { skip: ipaddrSkip }, () => {
  const netns = `qe-ip-${process.pid}`;
  // Per-process subnet: IPaddr2 keeps send_arp pid files under /run by address.
  const subnet = `10.99.${process.pid % 250}`;
  let executor: Executor;
  before(() => {
    run("ip", "netns", "add", netns);
    const inside = (...args: string[]) => run("ip", "netns", "exec", netns, "ip", ...args);
    inside("link", "set", "lo", "up");
    inside("link", "add", "qe0", "type", "veth", "peer", "name", "qe1");
    inside("addr", "add", `${subnet}.1/24`, "dev", "qe0");
    inside("link", "set", "qe0", "up");
    inside("link", "set", "qe1", "up");
    executor = new Executor({ commandPrefix: ["ip", "netns", "exec", netns] });
  });
  after(async () => {
    await executor?.dispose();
    run("ip", "netns", "del", netns);
  });

  test("start adds an address to qe0, monitor sees it, stop removes it", async () => {
    const ipaddr: AgentRef = { class: "ocf", provider: "heartbeat", type: "IPaddr2" };
    const params = { ip: `${subnet}.10`, cidr_netmask: "24", nic: "qe0" };
    const action = (name: OpRequest["action"]) => executor.run(op("vip", ipaddr, name, params));
    const present = () => run("ip", "netns", "exec", netns, "ip", "-4", "-o", "addr", "show", "dev", "qe0").includes(`inet ${subnet}.10/24`);
    assert.equal((await action("monitor")).rc, OCF_RC.notRunning);
    const start = await action("start");
    assert.equal(start.rc, OCF_RC.success, start.exitReason || start.stderr);
    assert.ok(present(), "the address is on qe0 inside the namespace");
    assert.ok(!run("ip", "-4", "-o", "addr", "show").includes(`inet ${subnet}.10/`), "and not in the host's namespace");
    assert.equal((await action("monitor")).rc, OCF_RC.success);
    assert.equal((await action("stop")).rc, OCF_RC.success);
    assert.equal(present(), false);
    assert.equal((await action("monitor")).rc, OCF_RC.notRunning);
  });
});
