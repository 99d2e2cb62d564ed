import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hasProgram, run } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// A silent network partition (packets dropped, no TCP reset), unlike
// `disconnect`: a protocol C write in flight waits until the peer is declared
// dead (ping-timeout), then completes on the Primary alone and is marked out
// of sync; when the network heals, exactly the blocks written meanwhile are
// resynced and the peer holds every acknowledged write.
const skip = process.getuid?.() !== 0 ? "needs root (iptables)"
  : !hasProgram("iptables") ? "needs iptables"
  : !hasProgram("qemu-io") ? "needs qemu-io (qemu-utils)"
  : false;

describe("a silent partition between Primary and Secondary", { skip }, () => {
  let nodes: TwoNodes;
  let rules: string[][] = [];

  /** DROP everything between the two nodes' addresses, both ways, as a cut cable would. */
  const partition = () => {
    const [a, b] = nodes.ips;
    rules = [["INPUT", "-s", a, "-d", b, "-j", "DROP"], ["INPUT", "-s", b, "-d", a, "-j", "DROP"]];
    for (const rule of rules) assert.equal(spawnSync("iptables", ["-I", ...rule]).status, 0, `iptables -I ${rule.join(" ")}`);
  };
  const heal = () => {
    for (const rule of rules) spawnSync("iptables", ["-D", ...rule]);
    rules = [];
  };

  before(async () => {
    nodes = await TwoNodes.create("qd-part-", { ipBlock: 6, backingMiB: 8, net: "ping-timeout 5;" });
    await nodes.startSynced();
  });
  after(async () => {
    heal();
    await nodes?.dispose();
  });

  const qemuIo = async (node: NodeName, command: string, readOnly = false) => {
    const result = await run("qemu-io", [...(readOnly ? ["-r"] : []), "-f", "raw", "-c", command, nodes.uri(node)], { timeoutMs: 60_000 });
    assert.equal(result.status, 0, `${command}: ${result.stderr}`);
    assert.doesNotMatch(result.stdout, /Pattern verification failed/, command);
  };
  const writes: Array<[string, string]> = [["0x51", "0"], ["0x52", "1M"], ["0x53", "3M"]];

  test("writes during the partition complete degraded, and only their blocks are resynced after it heals", async () => {
    partition();
    const started = performance.now();
    for (const [pattern, offset] of writes) await qemuIo("alpha", `write -P ${pattern} ${offset} 4k`);
    const elapsedS = (performance.now() - started) / 1000;
    // ping-timeout 0.5 s plus the grace before the link counts as dead; far less than a hung client.
    assert.ok(elapsedS < 15, `the writes were acknowledged after ${elapsedS.toFixed(1)} s`);

    const alpha = await nodes.status("alpha");
    assert.equal(alpha.role, "Primary");
    assert.notEqual(alpha.connections[0]!["connection-state"], "Connected");
    assert.equal(alpha.connections[0]!.peer_devices[0]!["out-of-sync"], 12, "three 4 KiB blocks out of sync");
    const beta = await nodes.status("beta");
    assert.equal(beta.role, "Secondary", "nothing promotes the cut-off Secondary");
    assert.notEqual(beta.connections[0]!["connection-state"], "Connected");

    heal();
    await nodes.waitConnected("alpha", 30_000);
    await nodes.waitInSync("beta");
    assert.deepEqual((await nodes.status("beta"))["last-sync"], { direction: "target", full: false, blocks: 3 });

    await nodes.ok("alpha", "secondary", "r0");
    await nodes.ok("beta", "primary", "r0");
    for (const [pattern, offset] of writes) await qemuIo("beta", `read -P ${pattern} ${offset} 4k`, true);
    await nodes.ok("beta", "secondary", "r0");
  });
});
