import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { hasProgram, run, waitFor } from "../nbd/helpers.js";
import { TwoNodes } from "./nodes.js";

// Two nodes on one machine (alpha and beta on a free pair of 127.0.20.x addresses), real daemons
// started by `quorate drbd up`, real NBD clients (nbdcopy, qemu-io, nbdinfo).
const skip = ["nbdcopy", "qemu-io", "nbdinfo"].every(hasProgram) ? false : "needs nbdcopy, nbdinfo (libnbd-bin) and qemu-io (qemu-utils)";

describe("two replicated nodes over NBD", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    nodes = await TwoNodes.create("qd-two-", { ipBlock: 0, backingMiB: 48, disk: "" });
  });
  after(async () => nodes?.dispose());

  test("create-md, up, primary --force: the initial full sync shows progress and ends UpToDate on both sides", async () => {
    for (const node of ["alpha", "beta"] as const) assert.match(await nodes.ok(node, "create-md", "r0"), /successfully created/);
    const again = await nodes.drbd("alpha", "create-md", "r0");
    assert.equal(again.status, 1);
    assert.match(again.stderr, /valid metadata found; use --force/);
    // `up all`, as admins type it: every resource with a section for this node.
    for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "up", "all");
    await nodes.ok("alpha", "wait-connect", "r0");
    assert.equal(await nodes.ok("alpha", "status", "r0"), "r0 role:Secondary\n  disk:Inconsistent\n  beta role:Secondary\n    peer-disk:Inconsistent\n");
    assert.equal(await nodes.ok("alpha", "dstate", "r0"), "Inconsistent/Inconsistent\n");
    const refused = await nodes.drbd("alpha", "primary", "r0");
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /local disk is Inconsistent/);
    // The DRBD 8.3 spelling that older tutorials use: drbdadm -- --overwrite-data-of-peer primary r0.
    await nodes.ok("alpha", "--", "--overwrite-data-of-peer", "primary", "r0");
    const during = await nodes.ok("alpha", "status", "r0");
    assert.match(during, /^r0 role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    (replication:SyncSource peer-disk:Inconsistent done:\d+\.\d\d|peer-disk:UpToDate)\n$/);
    await nodes.waitInSync("beta");
    const s = await nodes.status("beta");
    assert.deepEqual(s["last-sync"], { direction: "target", full: true, blocks: s.devices[0]!.size / 4 });
    assert.equal(await nodes.ok("beta", "status", "r0"), "r0 role:Secondary\n  disk:UpToDate\n  alpha role:Primary\n    peer-disk:UpToDate\n");
    assert.match(await nodes.ok("alpha", "proc"), /0: cs:Connected ro:Primary\/Secondary ds:UpToDate\/UpToDate C r-----/);
    // The one-word answers scripts use (DRBD 9: local role; connection; local/peer disk).
    assert.deepEqual([await nodes.ok("alpha", "role", "r0"), await nodes.ok("beta", "role", "all")], ["Primary\n", "Secondary\n"]);
    assert.equal(await nodes.ok("beta", "cstate", "r0"), "Connected\n");
    assert.equal(await nodes.ok("beta", "dstate", "r0"), "UpToDate/UpToDate\n");
  });

  test("data written through the Primary's export reads back identical on the peer after a switchover", async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const file = join(nodes.dir, "data.bin");
    writeFileSync(file, data);
    const copy = await run("nbdcopy", [file, nodes.uri("alpha")]);
    assert.equal(copy.status, 0, copy.stderr);
    const secondaryWrite = await run("qemu-io", ["-f", "raw", "-c", "write -P 0x11 0 4k", nodes.uri("beta")]);
    assert.notEqual(secondaryWrite.status, 0, "a Secondary's export takes no writes");
    await switchOverAndReadBack(nodes, data);
    const write = await run("qemu-io", ["-f", "raw", "-c", "write -P 0x5a 16M 2M", nodes.uri("beta")]);
    assert.equal(write.status, 0, write.stderr);
  });

  test("failover: SIGKILL the Primary's daemon, promote the peer, the data is intact; the old Primary resyncs on return", async () => {
    await nodes.kill("beta");
    await waitFor("alpha to notice", async () => (await nodes.status("alpha")).connections[0]!["connection-state"] !== "Connected");
    await nodes.ok("alpha", "primary", "r0");
    const read = await run("qemu-io", ["-f", "raw", "-c", "read -P 0x5a 16M 2M", nodes.uri("alpha")]);
    assert.equal(read.status, 0, read.stdout + read.stderr);
    assert.doesNotMatch(read.stdout, /Pattern verification failed/);
    const write = await run("qemu-io", ["-f", "raw", "-c", "write -P 0x77 20M 64k", nodes.uri("alpha")]);
    assert.equal(write.status, 0, write.stderr);
    await nodes.ok("beta", "up", "r0");
    await nodes.waitInSync("beta");
    const s = await nodes.status("beta");
    assert.equal(s["last-sync"]?.direction, "target");
    assert.ok((s["last-sync"]?.blocks ?? 0) >= 16, "at least the 64 KiB written meanwhile");
    assert.ok((s["last-sync"]?.blocks ?? 1e9) < s.devices[0]!.size / 4, "a bitmap-based resync, not a full one");
    await nodes.ok("alpha", "secondary", "r0");
    await nodes.ok("beta", "primary", "r0");
    const check = await run("qemu-io", ["-f", "raw", "-c", "read -P 0x77 20M 64k", "-c", "read -P 0x5a 16M 2M", nodes.uri("beta")]);
    assert.equal(check.status, 0, check.stderr);
    assert.doesNotMatch(check.stdout, /Pattern verification failed/);
  });

  test("resync after a disconnect copies only the dirty blocks", async () => {
    await nodes.ok("alpha", "disconnect", "r0");
    assert.match(await nodes.ok("beta", "status", "r0"), /alpha connection:(Connecting|StandAlone)/);
    // 5 scattered 4 KiB writes and one 12 KiB write: 8 blocks.
    const cmds = [1, 100, 2000, 3000, 5000].flatMap((b) => ["-c", `write -P 0x42 ${b * 4096} 4k`]);
    const write = await run("qemu-io", ["-f", "raw", ...cmds, "-c", "write -P 0x43 40960k 12k", nodes.uri("beta")]);
    assert.equal(write.status, 0, write.stderr);
    assert.equal((await nodes.status("beta")).connections[0]!.peer_devices[0]!["out-of-sync"], 8 * 4);
    await nodes.ok("alpha", "connect", "r0");
    await nodes.waitInSync("alpha");
    assert.deepEqual((await nodes.status("alpha"))["last-sync"], { direction: "target", full: false, blocks: 8 });
  });

  test("online verify finds a block changed behind the replication's back; reconnecting resyncs it", async () => {
    const verify = () => nodes.verify("beta");
    assert.equal(await verify(), 0);
    const handle = await open(nodes.backingPath("alpha"), "r+");
    await handle.write(Buffer.alloc(100, 0xee), 0, 100, 3000 * 4096 + 7); // bit rot on alpha's disk
    await handle.close();
    assert.equal(await verify(), 1);
    await nodes.ok("beta", "disconnect", "r0");
    await nodes.ok("beta", "connect", "r0");
    await nodes.waitInSync("alpha");
    assert.deepEqual((await nodes.status("alpha"))["last-sync"], { direction: "target", full: false, blocks: 1 });
    assert.equal(await verify(), 0);
  });

  test("down stops the resource and the daemon when it serves nothing else", async () => {
    await nodes.ok("beta", "secondary", "r0");
    for (const node of ["alpha", "beta"] as const) {
      const pid = nodes.pid(node)!;
      await nodes.ok(node, "down", "r0");
      await waitFor(`${node} daemon to exit`, () => { try { process.kill(pid, 0); return false; } catch { return true; } });
    }
    const status = await nodes.drbd("alpha", "status", "r0");
    assert.equal(status.status, 1);
    assert.match(status.stderr, /r0: No such resource/);
  });
});

// Protocol A completes a write once its frame is in the kernel's send buffer, and the
// export then reuses the write's buffer for later requests: with many writes in flight
// (nbdcopy: up to 4 connections of 64), a buffer reused too early would send other bytes.
describe("protocol A over NBD", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    nodes = await TwoNodes.create("qd-two-a-", { ipBlock: 0, firstPair: 5, backingMiB: 48, disk: "", protocol: "A" });
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  test("data written through the Primary's export reads back identical on the peer after a switchover", async () => {
    const file = join(nodes.dir, "data.bin");
    let data = Buffer.alloc(0);
    for (let pass = 0; pass < 3; pass++) {
      data = randomBytes(32 * 1024 * 1024); // each pass other bytes: a stale buffer would show
      writeFileSync(file, data);
      const copy = await run("nbdcopy", [file, nodes.uri("alpha")]);
      assert.equal(copy.status, 0, copy.stderr);
    }
    await switchOverAndReadBack(nodes, data);
  });
});

/** alpha steps down, beta takes over, and beta's export holds `data` at the start. */
async function switchOverAndReadBack(nodes: TwoNodes, data: Buffer): Promise<void> {
  await nodes.ok("alpha", "secondary", "r0");
  await nodes.ok("beta", "primary", "r0");
  const out = join(nodes.dir, "out.bin");
  const back = await run("nbdcopy", [nodes.uri("beta"), out]);
  assert.equal(back.status, 0, back.stderr);
  assert.ok(readFileSync(out).subarray(0, data.length).equals(data));
}
