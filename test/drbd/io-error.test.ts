import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasProgram, run } from "../nbd/helpers.js";
import { TwoNodes } from "./nodes.js";

// on-io-error detach (drbd.conf(5)): a backing store that fails makes the node
// Diskless, and the Primary keeps serving through its peer. The failure is
// real: alpha's sparse backing file lives on a 4 MiB tmpfs, so writes into
// unallocated space fail with ENOSPC once it is full.
const skip = process.getuid?.() !== 0 ? "needs root (mounts a small tmpfs)" : !hasProgram("nbdcopy") ? "needs nbdcopy (libnbd-bin)" : false;

describe("backing store I/O error", { skip }, () => {
  let nodes: TwoNodes;
  let small: string;
  before(async () => {
    small = await mkdtemp(join(tmpdir(), "qd-small-"));
    const mounted = await run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", small]);
    assert.equal(mounted.status, 0, mounted.stderr);
    mkdirSync(join(small, "disk"));
    nodes = await TwoNodes.create("qd-ioerr-", { ipBlock: 3, backingMiB: 16, disk: "on-io-error detach;", backing: { alpha: join(small, "disk", "alpha.img") } });
    await nodes.startSynced();
  });
  after(async () => {
    await nodes?.dispose();
    await run("umount", [small]);
    await rm(small, { recursive: true, force: true });
  });

  test("on-io-error detach: the Primary goes Diskless and every write still succeeds through the peer", async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const file = join(nodes.dir, "data.bin");
    writeFileSync(file, data);
    const copy = await run("nbdcopy", [file, nodes.uri("alpha")]);
    assert.equal(copy.status, 0, `the client saw an error: ${copy.stderr}`);
    const s = await nodes.status("alpha");
    assert.equal(s.devices[0]!["disk-state"], "Diskless");
    assert.equal(s.role, "Primary");
    assert.match(nodes.log("alpha"), /I\/O error.*\n.*detaching: I\/O error, on-io-error detach/);
    assert.match(await nodes.ok("alpha", "status", "r0"), /^r0 role:Primary\n  disk:Diskless\n  beta role:Secondary\n    peer-disk:UpToDate\n$/);
    const out = join(nodes.dir, "out.bin");
    const back = await run("nbdcopy", [nodes.uri("alpha"), out]);
    assert.equal(back.status, 0, back.stderr);
    assert.ok(readFileSync(out).subarray(0, data.length).equals(data), "reads come from the peer and match");
  });
});
