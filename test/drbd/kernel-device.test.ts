import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kernelNbdAvailable } from "../../src/drbd/driver/local-device.js";
import { hasProgram, run, waitFor } from "../nbd/helpers.js";
import { TwoNodes } from "./nodes.js";

// Where the host has the nbd kernel module: `primary` attaches the export to
// /dev/nbd<minor> with nbd-client and links the configured device path to it;
// `secondary` detaches. Machines without the module (containers, CI here)
// skip this test.
const root = process.getuid?.() === 0;
const skip = !kernelNbdAvailable() ? "no nbd kernel module (modprobe nbd: /sys/module/nbd and /dev/nbd0 missing)"
  : !hasProgram("nbd-client") ? "needs nbd-client" : !root ? "needs root" : false;

describe("attaching a Primary's export to /dev/nbdN", { skip }, () => {
  let nodes: TwoNodes;
  let device: string;
  before(async () => {
    nodes = await TwoNodes.create("qd-kernel-", { ipBlock: 8, firstPair: 5, backingMiB: 8 });
    // The device link goes into the temp dir, not /dev; minor 0 -> /dev/nbd0.
    device = join(nodes.dir, "drbd0");
    writeFileSync(nodes.config, readFileSync(nodes.config, "utf8").replaceAll("device /dev/drbd0;", `device "${device}" minor 0;`));
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  test("primary attaches /dev/nbd0 and links the device path; data written there reaches the peer; secondary detaches", async () => {
    assert.ok(lstatSync(device).isSymbolicLink());
    assert.equal(readlinkSync(device), "/dev/nbd0");
    const write = await run("dd", ["if=/dev/urandom", `of=${device}`, "bs=64k", "count=16", "oflag=direct", "status=none"]);
    assert.equal(write.status, 0, write.stderr);
    await nodes.ok("alpha", "secondary", "r0");
    assert.equal(existsSync(device), false, "the link is gone after secondary");
    await waitFor("nbd0 to be disconnected", () => readFileSync("/sys/block/nbd0/size", "utf8").trim() === "0");
    await nodes.ok("alpha", "verify", "r0");
  });
});
