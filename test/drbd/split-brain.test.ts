import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hasProgram, run, waitFor } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// Split brain (DRBD user's guide, "Split brain notification and automatic
// recovery"): detected from the generation identifiers when the nodes
// reconnect, never merged silently; after-sb-0pri decides, else it stays
// StandAlone until `connect --discard-my-data`; the split-brain handler runs.
const skip = hasProgram("qemu-io") ? false : "needs qemu-io (qemu-utils)";

describe("split brain", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    const dir = "${DRBD_BACKING_DEV%/*}"; // the handler runs with DRBD's environment
    nodes = await TwoNodes.create("qd-sb-", {
      ipBlock: 2, backingMiB: 16,
      net: "after-sb-0pri discard-zero-changes; after-sb-1pri disconnect; after-sb-2pri disconnect;",
      handlers: `split-brain "echo $DRBD_RESOURCE $DRBD_PEER >> ${dir}/split-brain.$DRBD_MY_HOST";`,
    });
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  const write = async (node: NodeName, pattern: string, offset: string) => {
    const result = await run("qemu-io", ["-f", "raw", "-c", `write -P ${pattern} ${offset} 4k`, nodes.uri(node)]);
    assert.equal(result.status, 0, result.stderr);
  };
  const holds = async (node: NodeName, pattern: string, offset: string) => {
    const result = await run("qemu-io", ["-r", "-f", "raw", "-c", `read -P ${pattern} ${offset} 4k`, nodes.uri(node)]);
    return result.status === 0 && !/Pattern verification failed/.test(result.stdout);
  };
  /** Both nodes run as Primary while apart, then become Secondary. */
  const diverge = async (writers: NodeName[]) => {
    await nodes.ok("alpha", "disconnect", "r0");
    await nodes.ok("beta", "disconnect", "r0");
    await nodes.ok("alpha", "primary", "r0");
    if (writers.includes("alpha")) await write("alpha", "0xa1", "1M");
    await nodes.ok("alpha", "secondary", "r0");
    await nodes.ok("beta", "primary", "r0");
    if (writers.includes("beta")) await write("beta", "0xb1", "2M");
    await nodes.ok("beta", "secondary", "r0");
  };

  test("both sides changed: detected, the handler runs, both stay StandAlone; connect --discard-my-data recovers", async () => {
    await diverge(["alpha", "beta"]);
    await nodes.ok("alpha", "connect", "r0");
    await nodes.ok("beta", "connect", "r0");
    const marker = (node: NodeName) => join(nodes.dir, `split-brain.${node}`);
    await waitFor("the split-brain handler on both nodes", () => existsSync(marker("alpha")) && existsSync(marker("beta")), 15_000);
    assert.equal(readFileSync(marker("alpha"), "utf8"), "r0 beta\n");
    for (const node of ["alpha", "beta"] as const) {
      const s = await nodes.status(node);
      assert.equal(s.connections[0]!["connection-state"], "StandAlone");
      assert.match(s["last-split-brain"] ?? "", /split brain detected/);
    }
    assert.match(await nodes.ok("alpha", "status", "r0"), /^r0 role:Secondary\n  disk:UpToDate\n  beta connection:StandAlone\n$/);
    await nodes.ok("beta", "connect", "--discard-my-data", "r0");
    await nodes.ok("alpha", "connect", "r0");
    await nodes.waitInSync("beta");
    assert.deepEqual((await nodes.status("beta"))["last-sync"], { direction: "target", full: false, blocks: 2 });
    await nodes.ok("beta", "primary", "r0");
    assert.ok(await holds("beta", "0xa1", "1M"), "alpha's write survived");
    assert.ok(!(await holds("beta", "0xb1", "2M")), "beta's write was discarded");
    await nodes.ok("beta", "secondary", "r0");
  });

  test("after-sb-0pri discard-zero-changes resolves automatically when only one side wrote", async () => {
    await diverge(["beta"]);
    await nodes.ok("alpha", "connect", "r0");
    await nodes.ok("beta", "connect", "r0");
    await nodes.waitInSync("alpha");
    const s = await nodes.status("alpha");
    assert.equal(s["last-sync"]?.direction, "target");
    assert.match(s["last-split-brain"] ?? "", /resolved by after-sb-0pri discard-zero-changes/);
    await nodes.ok("alpha", "primary", "r0");
    assert.ok(await holds("alpha", "0xb1", "2M"), "beta's write reached alpha");
  });
});
