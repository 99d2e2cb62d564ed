import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { attachExport, filesystemSkipReason, mountFilesystem } from "../nbd/filesystem.js";
import { run, waitFor } from "../nbd/helpers.js";
import { TwoNodes } from "./nodes.js";

// ext4 on the replicated device through nbdfuse + a loop device (no nbd kernel
// module here): files synced on the Primary are intact on the peer after the
// Primary's daemon is SIGKILLed with the filesystem still mounted.
const skip = (await filesystemSkipReason()) ?? false;
const MiB = 1024 * 1024;
const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("ext4 on a replicated device, failover", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    nodes = await TwoNodes.create("qd-fs-", { ipBlock: 4, backingMiB: 64 });
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  test("mkfs, mount and write on alpha; SIGKILL alpha mid-mount; mount on beta: synced files intact, fsck clean", async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ name: `file-${i}.bin`, data: randomBytes((i + 1) * MiB) }));
    const alphaDir = join(nodes.dir, "on-alpha");
    await mkdir(alphaDir);
    const attached = await attachExport(nodes.uri("alpha"), alphaDir);
    const mounted = await mountFilesystem(attached.device, alphaDir, { mkfs: true });
    for (const file of files) await writeFile(join(mounted.path, file.name), file.data);
    const synced = await run("sync", ["-f", mounted.path]);
    assert.equal(synced.status, 0, synced.stderr);
    await nodes.kill("alpha");
    // Alpha's stale mount: let go lazily; its I/O now fails.
    await run("umount", ["-l", mounted.path]);
    await run("losetup", ["-d", attached.device]);
    await run("fusermount3", ["-u", "-z", join(alphaDir, "fuse")]);

    await waitFor("beta to notice", async () => (await nodes.status("beta")).connections[0]!["connection-state"] !== "Connected");
    await nodes.ok("beta", "primary", "r0");
    const betaDir = join(nodes.dir, "on-beta");
    await mkdir(betaDir);
    const again = await attachExport(nodes.uri("beta"), betaDir);
    try {
      const fsck = await run("e2fsck", ["-f", "-p", again.device]);
      assert.ok(fsck.status === 0 || fsck.status === 1, `e2fsck: ${fsck.status} ${fsck.stdout}${fsck.stderr}`);
      const remounted = await mountFilesystem(again.device, betaDir, { mkfs: false });
      try {
        for (const file of files) assert.equal(digest(await readFile(join(remounted.path, file.name))), digest(file.data), file.name);
      } finally {
        await remounted.unmount();
      }
    } finally {
      await again.detach();
    }
  });
});
