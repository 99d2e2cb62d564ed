import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { TwoNodes } from "./nodes.js";

// drbd.conf(5), startup: wfc-timeout bounds the wait for the peer at startup;
// degr-wfc-timeout replaces it when the node was a degraded cluster before
// (it ran on without its peer), since that peer is less likely to come back.
let nodes: TwoNodes;
before(async () => {
  nodes = await TwoNodes.create("qd-startup-", { ipBlock: 5, backingMiB: 8, startup: "wfc-timeout 1; degr-wfc-timeout 2;" });
});
after(() => nodes.dispose());

test("wait-connect waits degr-wfc-timeout on a node that ran without its peer, wfc-timeout on one that stopped cleanly", async () => {
  for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "create-md", "r0");
  for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "up", "r0");
  await nodes.waitConnected("alpha");
  await nodes.waitConnected("beta");
  assert.equal((await nodes.drbd("alpha", "wait-connect", "r0")).status, 0, "connected: nothing to wait for");
  await nodes.ok("alpha", "down", "r0"); // a clean stop while connected
  await nodes.ok("beta", "down", "r0"); // beta had lost alpha first: degraded
  await nodes.ok("beta", "up", "r0");
  const degraded = await nodes.drbd("beta", "wait-connect", "r0");
  assert.equal(degraded.status, 1);
  assert.match(degraded.stderr, /r0: not connected after degr-wfc-timeout 2 s/);
  await nodes.ok("beta", "down", "r0");
  await nodes.ok("alpha", "up", "r0");
  const clean = await nodes.drbd("alpha", "wait-connect", "r0");
  assert.equal(clean.status, 1);
  assert.match(clean.stderr, /r0: not connected after wfc-timeout 1 s/);
  await nodes.ok("alpha", "down", "r0");
});
