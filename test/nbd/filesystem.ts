// A filesystem on an NBD export without the nbd kernel module:
// nbdfuse exposes the export as a file, a loop device turns it into a block
// device, then mkfs.ext4 / mount. Reusable by the drbd failover tests.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { hasProgram, run, waitFor } from "./helpers.js";

const programs = ["nbdfuse", "fusermount3", "losetup", "mkfs.ext4", "mount", "umount"];

/** Why a filesystem cannot be put on an export here, or undefined when it can. */
export async function filesystemSkipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "needs root (loop devices and mount)";
  if (!existsSync("/dev/fuse")) return "needs /dev/fuse (FUSE)";
  const missing = programs.filter((p) => !hasProgram(p));
  if (missing.length > 0) return `needs ${missing.join(", ")} (apt-get install libnbd-bin fuse3 util-linux e2fsprogs mount)`;
  const probe = await run("losetup", ["-f"]);
  if (probe.status !== 0) return `no free loop device: ${probe.stderr.trim()}`;
  return undefined;
}

export interface AttachedExport {
  /** The loop device, e.g. /dev/loop3. */
  readonly device: string;
  /** Detaches the loop device (polling until the kernel lets go) and unmounts nbdfuse. */
  detach(): Promise<void>;
}

/** nbdfuse DIR/nbd URI, then losetup -f --show DIR/nbd. */
export async function attachExport(uri: string, workDir: string): Promise<AttachedExport> {
  const fuseDir = join(workDir, "fuse");
  await mkdir(fuseDir, { recursive: true });
  const fuse = spawn("nbdfuse", [fuseDir, uri], { stdio: ["ignore", "ignore", "pipe"] });
  let fuseStderr = "";
  fuse.stderr.setEncoding("utf8").on("data", (s: string) => (fuseStderr += s));
  const fuseExited = new Promise<void>((resolve) => fuse.once("exit", () => resolve()));
  const image = join(fuseDir, "nbd");
  try {
    await waitFor(`nbdfuse to expose ${image}`, () => existsSync(image) || fuse.exitCode !== null);
    if (!existsSync(image)) throw new Error(`nbdfuse failed: ${fuseStderr.trim()}`);
    const loop = await run("losetup", ["-f", "--show", image]);
    if (loop.status !== 0) throw new Error(`losetup failed: ${loop.stderr.trim()}`);
    const device = loop.stdout.trim();
    return { device, detach: () => detach(device, fuseDir, fuseExited) };
  } catch (error) {
    await run("fusermount3", ["-u", fuseDir]);
    fuse.kill();
    await fuseExited;
    throw error;
  }
}

async function detach(device: string, fuseDir: string, fuseExited: Promise<void>): Promise<void> {
  await run("losetup", ["-d", device]);
  // After heavy writes the kernel can take seconds to release the loop device.
  await waitFor(`${device} to be released`, async () => (await run("losetup", [device])).status !== 0, 60_000, 100);
  const unmounted = await run("fusermount3", ["-u", fuseDir]);
  if (unmounted.status !== 0) throw new Error(`fusermount3 -u ${fuseDir}: ${unmounted.stderr.trim()}`);
  await fuseExited;
}

export interface MountedFilesystem {
  readonly path: string;
  unmount(): Promise<void>;
}

/** Optionally mkfs.ext4, then mounts the device on workDir/mnt. */
export async function mountFilesystem(device: string, workDir: string, options: { mkfs: boolean }): Promise<MountedFilesystem> {
  const path = join(workDir, "mnt");
  await mkdir(path, { recursive: true });
  if (options.mkfs) await must("mkfs.ext4", ["-q", "-F", device]);
  await must("mount", [device, path]);
  return { path, unmount: () => must("umount", [path]) };
}

async function must(command: string, args: string[]): Promise<void> {
  const result = await run(command, args, { timeoutMs: 120_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr.trim()}`);
}
