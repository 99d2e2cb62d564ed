import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { PacketSealer } from "../../src/node/driver/seal.js";
import type { NodeId } from "../../src/node/config/model.js";
import { join } from "node:path";
import { localClusterConf } from "../../src/node/local-cluster.js";
import { seededRng } from "../../src/lib/rng.js";
import { testCluster, totemCoreMissing, waitForRing, fastTotem } from "./cluster-harness.js";
import { quorateBin, waitFor } from "./helpers.js";

const skip = totemCoreMissing();

async function killAndRejoin(size: number, prefix: string, port: number): Promise<void> {
  const cluster = await testCluster({ size, addressPrefix: prefix, port });
  const all = cluster.nodeids;
  for (const n of all) await cluster.start(n);
  const formed = await waitForRing(cluster, all);
  assert.ok(formed.every((s) => s.quorate), "a full ring is quorate");
  const victim = size;
  const survivors = all.filter((n) => n !== victim);
  await cluster.kill(victim, "SIGKILL");
  const after = await waitForRing(cluster, survivors);
  assert.notEqual(after[0]!.ring_id, formed[0]!.ring_id, "a new ring id");
  assert.ok(after.every((s) => s.quorate), `${survivors.length} of ${size} keep quorum`);
  await cluster.start(victim);
  const rejoined = await waitForRing(cluster, all);
  assert.ok(rejoined.every((s) => s.quorate));
  const seq = (ring: string) => parseInt(ring.split(".")[1]!, 16);
  assert.ok(seq(formed[0]!.ring_id) < seq(after[0]!.ring_id) && seq(after[0]!.ring_id) < seq(rejoined[0]!.ring_id), "ring seqs only grow, across the restart too");
  const persisted = Number(await readFile(join(cluster.runDir(victim), `ringid_${victim}`), "utf8"));
  assert.equal(persisted, seq(rejoined[0]!.ring_id), "the restarted node persisted the ring seq it runs in");
}

test("3 processes on 127.0.1.x form one ring; after a SIGKILL the two others form a new quorate ring; the restarted node rejoins", { skip }, async () => {
  await killAndRejoin(3, "127.0.1.", 15500);
});

test("5 processes on 127.0.2.x: SIGKILL one, four keep quorum, it rejoins", { skip }, async () => {
  await killAndRejoin(5, "127.0.2.", 15510);
});

test("SIGTERM leaves the ring cleanly: the others re-form well before token + consensus", { skip }, async () => {
  const cluster = await testCluster({ size: 3, addressPrefix: "127.0.3.", port: 15520 });
  for (const n of cluster.nodeids) await cluster.start(n);
  await waitForRing(cluster, cluster.nodeids);
  const began = performance.now();
  await cluster.kill(3, "SIGTERM");
  await waitForRing(cluster, [1, 2]);
  const elapsed = performance.now() - began;
  const tokenPlusConsensus = fastTotem.token + 1.2 * fastTotem.token;
  assert.ok(elapsed < tokenPlusConsensus, `re-formed in ${Math.round(elapsed)} ms, expected < ${tokenPlusConsensus} ms`);
});

test("a node paused longer than the token (SIGSTOP) drops the joins queued meanwhile, then merges back (brief pitfall 1)", { skip }, async () => {
  const cluster = await testCluster({ size: 3, addressPrefix: "127.0.6.2", port: 15650 });
  for (const n of cluster.nodeids) await cluster.start(n);
  await waitForRing(cluster, cluster.nodeids);
  process.kill(cluster.pid(3)!, "SIGSTOP");
  try {
    await waitForRing(cluster, [1, 2]); // the others re-form without it, sending joins it does not read
  } finally {
    process.kill(cluster.pid(3)!, "SIGCONT");
  }
  const merged = await waitForRing(cluster, cluster.nodeids);
  assert.ok(merged[2]!.drops.stale_join > 0, `node 3 dropped ${merged[2]!.drops.stale_join} stale joins`);
  assert.match(await readFile(cluster.logFile(3), "utf8"), /process paused for \d+ ms: dropping the membership messages queued meanwhile/);
});

test("status --json has nodeid, ring_id, members, quorate and links with per-peer state", { skip }, async () => {
  const cluster = await testCluster({ size: 2, addressPrefix: "127.0.4.", link1Prefix: "127.0.5.", port: 15530 });
  for (const n of cluster.nodeids) await cluster.start(n);
  const [one] = await waitForRing(cluster, [1, 2]);
  assert.equal(one!.nodeid, 1);
  assert.match(one!.ring_id, /^1\.[0-9a-f]+$/);
  assert.deepEqual(one!.members, [1, 2]);
  assert.equal(typeof one!.quorate, "boolean");
  await waitFor("both links connected", async () => {
    const s = await cluster.status(1);
    return s !== undefined && s.links.length === 2 && s.links.every((l) => l.peers[0]?.connected === true) ? true : undefined;
  }, 5000);
  const text = spawnSync(quorateBin, ["status", "--run-dir", cluster.runDir(1)], { encoding: "utf8" });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^LINK ID 1 unicast$/m);
  assert.match(text.stdout, /^\t\tnodeid:   2:\tconnected/m);
  assert.match(text.stdout, /^Quorate: {10}Yes$/m);
  assert.match(text.stdout, /^Expected votes: {3}2$/m);
  assert.match(text.stdout, /^ {9}1 {10}1 node1 \(local\)$/m);
});

test("two_node: after a SIGKILL the survivor of a 2-node cluster stays quorate (votequorum(5))", { skip }, async () => {
  const cluster = await testCluster({ size: 2, addressPrefix: "127.0.3.2", port: 15570, quorum: { two_node: 1 } });
  for (const n of cluster.nodeids) await cluster.start(n);
  const [formed] = await waitForRing(cluster, [1, 2]);
  assert.ok(formed!.quorum.flags.includes("two_node"));
  await cluster.kill(2, "SIGKILL");
  const [alone] = await waitForRing(cluster, [1]);
  assert.equal(alone!.quorate, true);
  assert.equal(alone!.quorum.quorum, 1);
});

test("garbage, truncated and authentic-but-malformed packets sent to a running node are dropped and counted; the ring keeps running", { skip }, async () => {
  const cluster = await testCluster({ size: 3, addressPrefix: "127.0.6.", port: 15540 });
  for (const n of cluster.nodeids) await cluster.start(n);
  const [before] = await waitForRing(cluster, cluster.nodeids);
  const socket = createSocket("udp4");
  const rng = seededRng(0x5eed);
  const send = (packet: Buffer) => new Promise((resolve) => socket.send(packet, 15540, "127.0.6.1", resolve));
  for (let i = 0; i < 500; i++) {
    const length = rng.int(200);
    const packet = Buffer.from(Array.from({ length }, () => rng.int(256)));
    if (length > 0) packet[0] = i % 3 === 0 ? 0x51 : packet[0]!; // some claim to be sealed packets
    await send(packet);
  }
  // Authentic packets (the cluster's key) whose content is garbage: they pass the seal and must fail the decoder.
  const insider = new PacketSealer({ nodeid: 99 as NodeId, clusterName: "demo", cipher: "aes256", hash: "sha256", authkey: await readFile(join(cluster.options.dir, "authkey")), epoch: 1n });
  for (let i = 0; i < 100; i++) {
    const garbage = Buffer.from([1, ...Array.from({ length: 4 + rng.int(120) }, () => rng.int(256))]);
    if (i % 2 === 0) garbage.set([0x51, 0x54, 1], 1); // a plausible totem header, then nonsense
    await send(insider.seal(garbage));
  }
  socket.close();
  await waitFor("decoder drops counted", async () => ((await cluster.status(1))!.drops.decode >= 100 ? true : undefined), 5000);
  const after = await waitFor("drops counted", async () => {
    const s = await cluster.status(1);
    const dropped = s === undefined ? 0 : s.drops.short + s.drops.version + s.drops.auth + s.drops.cluster;
    return dropped >= 499 ? s : undefined;
  }, 5000);
  assert.equal(after.ring_id, before!.ring_id, "the ring did not change");
  const ring = await waitForRing(cluster, cluster.nodeids, 3000);
  assert.equal(ring[0]!.ring_id, before!.ring_id);
});

test("a node with another authkey or another cluster_name never joins", { skip }, async () => {
  const cluster = await testCluster({ size: 4, addressPrefix: "127.0.7.", port: 15550 });
  for (const n of [1, 2, 3]) await cluster.start(n);
  const [formed] = await waitForRing(cluster, [1, 2, 3]);
  assert.equal(formed!.quorate, true, "3 of 4 votes are quorate");
  const dir = cluster.options.dir;
  await writeFile(join(dir, "otherkey"), randomBytes(256));
  const intruders = {
    "another key": localClusterConf({ ...cluster.options, totem: { ...cluster.options.totem, keyfile: join(dir, "otherkey") } }),
    "another cluster_name": localClusterConf({ ...cluster.options, clusterName: "other" }),
  };
  for (const [what, text] of Object.entries(intruders)) {
    const file = join(dir, `${what.replace(/ /g, "-")}.conf`);
    await writeFile(file, text);
    await cluster.start(4, file);
    const lonely = await waitFor(`node 4 with ${what} running`, async () => {
      const s = await cluster.status(4);
      return s?.state === "operational" ? s : undefined;
    }, 10_000);
    assert.deepEqual(lonely.members, [4], `with ${what} node 4 is alone`);
    assert.equal(lonely.quorate, false);
    const ring = await waitForRing(cluster, [1, 2, 3], 3000);
    assert.equal(ring[0]!.ring_id, formed!.ring_id, `the ring did not change because of ${what}`);
    const s1 = await cluster.status(1);
    assert.ok(s1!.drops.auth > 0, "the intruder's packets failed authentication");
    await cluster.kill(4);
  }
});

test("crypto_cipher none with crypto_hash sha256 authenticates without encrypting: the ring forms, a node with another key never joins", { skip }, async () => {
  const cluster = await testCluster({ size: 4, addressPrefix: "127.0.9.1", port: 15630, crypto: "hmac" });
  assert.match(await readFile(cluster.configFile, "utf8"), /crypto_cipher: none\n\s+crypto_hash: sha256/);
  for (const n of [1, 2, 3]) await cluster.start(n);
  const [formed] = await waitForRing(cluster, [1, 2, 3]);
  const dir = cluster.options.dir;
  await writeFile(join(dir, "otherkey"), randomBytes(256));
  const file = join(dir, "other-key.conf");
  await writeFile(file, localClusterConf({ ...cluster.options, totem: { ...cluster.options.totem, keyfile: join(dir, "otherkey") } }));
  await cluster.start(4, file);
  const lonely = await waitFor("node 4 with another key running", async () => {
    const s = await cluster.status(4);
    return s?.state === "operational" ? s : undefined;
  }, 10_000);
  assert.deepEqual(lonely.members, [4]);
  await waitFor("node 1 dropping node 4's packets as unauthenticated", async () => ((await cluster.status(1))?.drops.auth ?? 0) > 0 || undefined, 5000);
  const ring = await waitForRing(cluster, [1, 2, 3], 3000);
  assert.equal(ring[0]!.ring_id, formed!.ring_id, "the ring did not change");
});

test("logging follows the logging section: readable lines on stderr, JSON records in the logfile", { skip }, async () => {
  const cluster = await testCluster({ size: 2, addressPrefix: "127.0.3.3", port: 15580, logging: { to_logfile: "yes", logfile: "LOGFILE" } });
  const logfile = join(cluster.options.dir, "structured.log");
  await writeFile(cluster.configFile, (await readFile(cluster.configFile, "utf8")).replace("LOGFILE", logfile));
  for (const n of cluster.nodeids) await cluster.start(n);
  const [formed] = await waitForRing(cluster, [1, 2]);
  const records = await waitFor("a new-ring record", async () => {
    const lines = (await readFile(logfile, "utf8").catch(() => "")).trim().split("\n").filter((l) => l !== "");
    const parsed = lines.map((l) => JSON.parse(l) as { node: number; subsys: string; level: string; message: string; ring_id?: string });
    return parsed.some((r) => r.ring_id === formed!.ring_id) ? parsed : undefined;
  }, 5000);
  const ring = records.find((r) => r.ring_id === formed!.ring_id)!;
  assert.equal(ring.subsys, "totem");
  assert.equal(ring.level, "notice");
  assert.match(ring.message, /^new ring /);
  assert.match(await readFile(cluster.logFile(1), "utf8"), /\[1\] totem notice: new ring /);
});
