import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { attachExport, filesystemSkipReason, mountFilesystem } from "./filesystem.js";
import { fileDevice, run, serve, tempDir } from "./helpers.js";
import type { FileBlockDevice } from "../../src/nbd/index.js";

// ext4 on a Quorate NBD export through nbdfuse + a loop device (no nbd kernel module here).
const skip = (await filesystemSkipReason()) ?? false;
const port = 16030;
const MiB = 1024 * 1024;

describe("ext4 on an NBD export (nbdfuse + loop device)", { skip }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let disk: FileBlockDevice;
  let served: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    dir = await tempDir("qn-fs-");
    disk = await fileDevice(dir.path, "disk.img", 128 * MiB);
    served = await serve(port, { fs: disk });
  });
  after(async () => {
    await served?.dispose();
    await disk?.close();
    await dir?.dispose();
  });

  test("mkfs.ext4, mount, write files, unmount; remount reads them back and e2fsck finds the image clean", async () => {
    const files = Array.from({ length: 8 }, (_, i) => ({ name: `file-${i}.bin`, data: randomBytes((i + 1) * MiB) }));
    const attached = await attachExport(served.uri("fs"), dir.path);
    try {
      const mounted = await mountFilesystem(attached.device, dir.path, { mkfs: true });
      for (const file of files) await writeFile(join(mounted.path, file.name), file.data);
      await mounted.unmount();
    } finally {
      await attached.detach();
    }
    const fsck = await run("e2fsck", ["-f", "-n", disk.path]);
    assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
    const again = await attachExport(served.uri("fs"), dir.path);
    try {
      const mounted = await mountFilesystem(again.device, dir.path, { mkfs: false });
      try {
        for (const file of files) {
          const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
          assert.equal(digest(await readFile(join(mounted.path, file.name))), digest(file.data), file.name);
        }
      } finally {
        await mounted.unmount();
      }
    } finally {
      await again.detach();
    }
  });
});
