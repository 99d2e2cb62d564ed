// Where the peer's backing store lives in `bench:drbd`. A real DRBD pair has
// two hosts, each with its own disk; with both backing files on one ext4, the
// peer's and the Primary's fdatasyncs queue for the same journal. "loop" gives
// the peer its own ext4 (an image file on a loop device); "same" keeps both
// files on the benchmark's filesystem, as the earlier figures were taken.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { CleanupStack } from "../storage/cleanup.js";
import { onPath } from "../storage/run.js";
import { allocatedFile } from "../storage/targets.js";
import { capture } from "../storage/workloads.js";

export type PeerFs = "loop" | "same";

const COMMAND_TIMEOUT_MS = 120_000;
const MiB = 1024 * 1024;

export function loopAvailable(): boolean {
  return process.getuid?.() === 0 && ["losetup", "mkfs.ext4", "mount", "umount"].every(onPath);
}

/** ext4's own metadata and journal on top of the file it must hold. */
function imageBytes(fileBytes: number): number {
  return Math.ceil((fileBytes * 1.1) / MiB) * MiB + 64 * MiB;
}

/**
 * Makes an ext4 filesystem with room for a file of fileBytes, in an image
 * under imageDir attached with `losetup -f`, and returns its mount point.
 * Unmount, detach and removal go on `cleanup`.
 */
export async function mountOwnFs(imageDir: string, fileBytes: number, cleanup: CleanupStack): Promise<string> {
  const dir = await mkdtemp(join(imageDir, "qd-peer-fs-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const image = join(dir, "ext4.img");
  // Written through, so the host filesystem allocates nothing during the run;
  // nodiscard, or mkfs would punch the image's blocks out again.
  await allocatedFile(image, imageBytes(fileBytes));
  await capture("mkfs.ext4", ["-q", "-F", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", image], COMMAND_TIMEOUT_MS);
  const device = (await capture("losetup", ["-f", "--show", "--direct-io=on", image], COMMAND_TIMEOUT_MS)).trim();
  cleanup.push(() => capture("losetup", ["-d", device], COMMAND_TIMEOUT_MS));
  const mountPoint = join(dir, "mnt");
  await mkdir(mountPoint);
  await capture("mount", [device, mountPoint], COMMAND_TIMEOUT_MS);
  cleanup.push(() => unmount(mountPoint));
  return mountPoint;
}

/** A daemon that just stopped may hold the file a moment longer: retry while busy. */
async function unmount(mountPoint: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      await capture("umount", [mountPoint], COMMAND_TIMEOUT_MS);
      return;
    } catch (error) {
      if (performance.now() > deadline || !String(error).includes("busy")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
