import { test } from "node:test";
import assert from "node:assert/strict";
import { QuorateClient } from "../../src/node/ipc/client.js";
import type { CpgMember, CpgReason } from "../../src/node/ipc/protocol.js";
import { testCluster, totemCoreMissing, waitForRing } from "./cluster-harness.js";
import { waitFor } from "./helpers.js";

type View = { members: CpgMember[]; left: Array<CpgMember & { reason: CpgReason }> };

async function member(runDir: string, pid: number) {
  const client = await QuorateClient.connect(runDir, 2000, pid);
  const got = { messages: [] as string[], views: [] as View[] };
  await client.cpgJoin("g", {
    deliver: (from, data) => got.messages.push(`${from.nodeid}/${from.pid}:${data.toString()}`),
    confchg: (view) => got.views.push({ members: view.members, left: view.left }),
  });
  return { client, got };
}

const lastView = (got: { views: View[] }) => got.views[got.views.length - 1];

test("CPG over real processes: every member delivers the same messages in the same order; NODEDOWN and PROCDOWN reach the survivors", { skip: totemCoreMissing() }, async () => {
  const cluster = await testCluster({ size: 3, addressPrefix: "127.0.3.1", port: 15560 });
  for (const n of cluster.nodeids) await cluster.start(n);
  await waitForRing(cluster, cluster.nodeids);
  const a = await member(cluster.runDir(1), 1001);
  const b = await member(cluster.runDir(2), 1002);
  await waitFor("both see a view of 2", () => (lastView(a.got)?.members.length === 2 && lastView(b.got)?.members.length === 2 ? true : undefined), 5000);
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < 50; i++) {
    sends.push(a.client.cpgMcast("g", Buffer.from(`a${i}`)));
    sends.push(b.client.cpgMcast("g", Buffer.from(`b${i}`)));
  }
  await Promise.all(sends);
  await waitFor("100 deliveries on both", () => (a.got.messages.length >= 100 && b.got.messages.length >= 100 ? true : undefined), 10_000);
  assert.deepEqual(a.got.messages, b.got.messages, "one total order");
  assert.deepEqual(a.got.messages.filter((m) => m.startsWith("1/1001:")).map((m) => m.split(":")[1]), Array.from({ length: 50 }, (_, i) => `a${i}`), "a sender's messages keep their order");

  const c = await member(cluster.runDir(3), 1003);
  await waitFor("a view of 3", () => (lastView(a.got)?.members.length === 3 ? true : undefined), 5000);
  c.client.close(); // gone without cpgLeave
  await waitFor("PROCDOWN of pid 1003", () => lastView(a.got)?.left.find((l) => l.pid === 1003 && l.reason === "procdown"), 5000);

  await cluster.kill(2, "SIGKILL");
  await waitFor("NODEDOWN of node 2", () => lastView(a.got)?.left.find((l) => l.nodeid === 2 && l.reason === "nodedown"), 10_000);
  assert.deepEqual(lastView(a.got)!.members, [{ nodeid: 1, pid: 1001 }]);
  a.client.close();
  b.client.close();
});

test("CPG flow control over IPC: a burst far beyond one token visit gets 'try again'; what was accepted arrives in order; the node's go-ahead comes and it admits again", { skip: totemCoreMissing() }, async () => {
  const cluster = await testCluster({ size: 2, addressPrefix: "127.0.3.4", port: 15660 });
  for (const n of cluster.nodeids) await cluster.start(n);
  await waitForRing(cluster, cluster.nodeids);
  const a = await member(cluster.runDir(1), 2001);
  const b = await member(cluster.runDir(2), 2002);
  await waitFor("both see a view of 2", () => (lastView(a.got)?.members.length === 2 && lastView(b.got)?.members.length === 2 ? true : undefined), 5000);
  const filler = "x".repeat(1000);
  const outcomes = await Promise.all(Array.from({ length: 600 }, (_, i) => a.client.cpgMcast("g", Buffer.from(`${i} ${filler}`)).then(() => i, (e: Error) => e.message)));
  const accepted = outcomes.filter((o): o is number => typeof o === "number");
  const refused = outcomes.filter((o) => typeof o === "string");
  assert.ok(refused.length > 0 && refused.every((r) => /^try again/.test(r)), `refused with 'try again' (${refused.length} of 600)`);
  assert.deepEqual(accepted, Array.from({ length: accepted.length }, (_, i) => i), "a refusal blocks the connection until the go-ahead: what was accepted is a prefix");
  // Re-send the refused ones in order, waiting for the go-ahead after each refusal: the sender's order is kept.
  let next = accepted.length;
  while (next < 600) {
    const batch = await Promise.all(Array.from({ length: 600 - next }, (_, k) => a.client.cpgMcast("g", Buffer.from(`${next + k} ${filler}`)).then(() => true, () => false)));
    const firstRefused = batch.indexOf(false);
    next += firstRefused === -1 ? batch.length : firstRefused;
    if (firstRefused !== -1) await a.client.waitForFlow(20_000);
  }
  await waitFor("all 600 delivered on node 2", () => (b.got.messages.length >= 600 ? true : undefined), 30_000);
  assert.deepEqual(b.got.messages.map((m) => Number(m.split(":")[1]!.split(" ")[0])), Array.from({ length: 600 }, (_, i) => i), "all, in the sender's order");
  a.client.close();
  b.client.close();
});
