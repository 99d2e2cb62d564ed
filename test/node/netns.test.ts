import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAuthkey } from "../../src/node/keygen.js";
import { LocalCluster } from "../../src/node/local-cluster.js";
import { testCluster, totemCoreMissing, waitForRing } from "./cluster-harness.js";
import { fixture, tempDir, waitFor } from "./helpers.js";
import { Lan, netnsUnavailable } from "./netns.js";

const skip = totemCoreMissing() ?? netnsUnavailable();

test("a 5-node cluster split 3/2 between namespaces (nodes find themselves by address): only the 3 are quorate; after the heal, one ring of 5", { skip }, async () => {
  const lan = Lan.create("qm-p", 5, "10.77.0.");
  after(() => lan.dispose());
  // No --nodeid: each node finds itself in the nodelist by the one address its namespace has.
  const cluster = await testCluster({ size: 5, addressPrefix: "10.77.0.", port: 15600, findSelf: true, commandPrefix: (n) => ["ip", "netns", "exec", lan.ns(n)] });
  for (const n of cluster.nodeids) await cluster.start(n);
  await waitForRing(cluster, [1, 2, 3, 4, 5]);
  lan.partition([[1, 2, 3], [4, 5]]);
  const majority = await waitForRing(cluster, [1, 2, 3]);
  const minority = await waitForRing(cluster, [4, 5]);
  assert.ok(majority.every((s) => s.quorate), "3 of 5 are quorate");
  assert.ok(minority.every((s) => !s.quorate), "2 of 5 are not");
  lan.heal();
  const healed = await waitForRing(cluster, [1, 2, 3, 4, 5], 20_000);
  assert.ok(healed.every((s) => s.quorate));
});

test("knet-style links: when link 0 to a node stops delivering, traffic fails over to link 1 with no membership change", { skip }, async () => {
  const lan = Lan.create("qm-l", 3, "10.78.0.");
  after(() => lan.dispose());
  for (let i = 1; i <= 3; i++) {
    execFileSync("ip", ["-n", lan.ns(i), "addr", "add", `10.79.0.${i}/24`, "dev", "eth0"]);
  }
  // Heartbeats far faster than the token, so a loaded machine still fails over long before the token is lost.
  const cluster = await testCluster({
    size: 3, addressPrefix: "10.78.0.", link1Prefix: "10.79.0.", port: 15610, totem: { token: 2000 },
    interface: { knet_ping_interval: 100, knet_ping_timeout: 400 }, commandPrefix: (n) => ["ip", "netns", "exec", lan.ns(n)],
  });
  for (const n of cluster.nodeids) await cluster.start(n);
  const [formed] = await waitForRing(cluster, [1, 2, 3]);
  // Link 0 of node 3 goes silent (both directions); link 1 still carries everything.
  execFileSync("ip", ["netns", "exec", lan.ns(3), "iptables", "-A", "INPUT", "-d", "10.78.0.3", "-j", "DROP"]);
  execFileSync("ip", ["netns", "exec", lan.ns(3), "iptables", "-A", "OUTPUT", "-s", "10.78.0.3", "-j", "DROP"]);
  await waitFor("node 1 sees link 0 to node 3 down and link 1 up", async () => {
    const s = await cluster.status(1);
    const link0 = s?.links.find((l) => l.linknumber === 0)?.peers.find((p) => p.nodeid === 3);
    const link1 = s?.links.find((l) => l.linknumber === 1)?.peers.find((p) => p.nodeid === 3);
    return link0?.connected === false && link1?.connected === true ? true : undefined;
  }, 5000);
  await new Promise((resolve) => setTimeout(resolve, 2 * 2000)); // two token timeouts on link 1 alone
  const [still] = await waitForRing(cluster, [1, 2, 3], 2000);
  assert.equal(still!.ring_id, formed!.ring_id, "no configuration change during the failover");
});

test("the classic 1.x tutorial corosync.conf runs as written: multicast 226.94.1.1 between namespaces on 192.168.1.0/24", { skip }, async () => {
  const lan = Lan.create("qm-m", 3, "192.168.1.", { multicastRoute: true });
  after(() => lan.dispose());
  const dir = await tempDir("tutorial");
  after(() => dir.remove());
  // `ip netns exec` shows /etc/netns/<ns>/corosync as /etc/corosync: the file's default keyfile, per node.
  const key = join(dir.path, "authkey");
  const written = await writeAuthkey(key);
  assert.ok(written.ok);
  for (let i = 1; i <= 3; i++) {
    mkdirSync(join(lan.etcDir(i), "corosync"), { recursive: true });
    copyFileSync(key, join(lan.etcDir(i), "corosync", "authkey"));
  }
  const cluster = await LocalCluster.create({ dir: dir.path, size: 3, addressPrefix: "192.168.1.", port: 5405, crypto: false, findSelf: true, commandPrefix: (n) => ["ip", "netns", "exec", lan.ns(n)] });
  after(() => cluster.stopAll("SIGKILL"));
  for (const n of cluster.nodeids) await cluster.start(n, fixture("tutorial-1x.conf"));
  const expected = [0xc0a80101, 0xc0a80102, 0xc0a80103];
  await waitFor("one ring of the three (node ids from their addresses)", async () => {
    const all = await Promise.all(cluster.nodeids.map((n) => cluster.status(n)));
    return all.every((s) => s?.state === "operational" && s.members.join() === expected.join() && s.ring_id === all[0]!.ring_id) ? all : undefined;
  }, 15_000);
});

test("a node started before its address exists waits for it briefly and then finds itself (no race with interface set-up)", { skip }, async () => {
  const ns = "qm-i1";
  spawnSync("ip", ["netns", "del", ns]);
  execFileSync("ip", ["netns", "add", ns]);
  after(() => void spawnSync("ip", ["netns", "del", ns]));
  execFileSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
  const cluster = await testCluster({ size: 1, addressPrefix: "10.80.0.", port: 15640, findSelf: true, commandPrefix: () => ["ip", "netns", "exec", ns] });
  await cluster.start(1);
  await waitFor("the node saying it waits", async () => /waiting up to \d+ ms for the address/.test(await readFile(cluster.logFile(1), "utf8").catch(() => "")) || undefined, 10_000);
  assert.deepEqual([...cluster.crashed.keys()], [], "the node is still waiting, not gone");
  execFileSync("ip", ["-n", ns, "addr", "add", "10.80.0.1/32", "dev", "lo"]);
  await waitForRing(cluster, [1]);
});
