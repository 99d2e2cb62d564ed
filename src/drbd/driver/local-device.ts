import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { LocalResource } from "../config/load.js";
import type { LocalDeviceMode } from "../config/model.js";

/**
 * A Primary's export as a local block device at the configured `device` path
 * (/dev/drbd0, …), so it is used like a DRBD device (mkfs, mount, the
 * Filesystem agent):
 * - `nbd`: /dev/nbd<minor> through nbd-client (needs the nbd kernel module);
 * - `loop`: nbdfuse shows the export as a file, a loop device makes it a
 *   block device (no kernel module; needs root and FUSE).
 * The `device` path becomes a symbolic link to that block device. Attaching
 * never fails a promotion (a note says what could not be done); detaching
 * refuses while the device is held open (mounted), as DRBD refuses to demote.
 */
export interface LocalDevice {
  /** The block device the `device` path links to. */
  readonly blockDevice: string;
  /** Undefined once detached; the reason when the device is in use (nothing changed then). */
  detach(): Promise<string | undefined>;
}

export type Attached = { device: LocalDevice; note?: string } | { device: undefined; note?: string };

export function kernelNbdAvailable(): boolean {
  return existsSync("/sys/module/nbd") && existsSync("/dev/nbd0");
}

/** The mode `auto` stands for on this host. */
function effectiveMode(mode: LocalDeviceMode): Exclude<LocalDeviceMode, "auto"> {
  if (mode !== "auto") return mode;
  return kernelNbdAvailable() ? "nbd" : "none";
}

export async function attachLocalDevice(r: LocalResource, runDir: string): Promise<Attached> {
  const mode = effectiveMode(r.local.localDevice);
  const name = r.resource.name;
  if (mode === "none") return { device: undefined };
  if (r.local.nbdTls?.mode === "require") return { device: undefined, note: `${name}: local-device ${mode} cannot use an export that requires TLS` };
  const attached = mode === "nbd" ? await attachNbd(r) : await attachLoop(r, runDir);
  if (typeof attached === "string") return { device: undefined, note: `${name}: ${r.local.device} not created: ${attached}` };
  const linked = linkDevice(r.local.device, attached.blockDevice);
  return linked === undefined ? { device: attached } : { device: attached, note: `${name}: attached to ${attached.blockDevice}; ${linked}` };
}

function linkDevice(device: string, target: string): string | undefined {
  if (device === target) return undefined;
  // Any earlier link (a loop device's number changes) is replaced; a real file or device is not.
  if (existsSync(device) && !isSymlink(device)) return `${device} exists and is not a link, left alone`;
  rmSync(device, { force: true });
  symlinkSync(target, device);
  return undefined;
}

function unlinkDevice(device: string, target: string): void {
  if (isLinkTo(device, target)) rmSync(device, { force: true });
}

async function attachNbd(r: LocalResource): Promise<LocalDevice | string> {
  const nbd = `/dev/nbd${r.local.minor}`;
  const { host, port } = r.local.nbdAddress;
  const result = await run("nbd-client", [host, String(port), nbd, "-N", r.resource.name]);
  if (result.code !== 0) return `nbd-client: ${result.output}`;
  return {
    blockDevice: nbd,
    detach: async () => {
      const busy = heldOpen(nbd);
      if (busy !== undefined) return busy;
      unlinkDevice(r.local.device, nbd);
      await run("nbd-client", ["-d", nbd]);
      return undefined;
    },
  };
}

async function attachLoop(r: LocalResource, runDir: string): Promise<LocalDevice | string> {
  if (process.getuid?.() !== 0) return "local-device loop needs root (loop devices)";
  if (!existsSync("/dev/fuse")) return "local-device loop needs FUSE (/dev/fuse)";
  const fuseDir = join(runDir, `${r.resource.name}.fuse`);
  mkdirSync(fuseDir, { recursive: true });
  const { host, port } = r.local.nbdAddress;
  const fuse = spawn("nbdfuse", [fuseDir, `nbd://${host}:${port}/${r.resource.name}`], { stdio: ["ignore", "ignore", "pipe"] });
  let fuseOutput = "";
  fuse.stderr?.setEncoding("utf8").on("data", (text: string) => (fuseOutput += text));
  const started = await new Promise<boolean>((resolve) => {
    fuse.once("error", () => resolve(false));
    const deadline = Date.now() + 10_000;
    const poll = () => {
      if (existsSync(join(fuseDir, "nbd"))) return resolve(true);
      if (fuse.exitCode !== null || Date.now() > deadline) return resolve(false);
      setTimeout(poll, 20);
    };
    poll();
  });
  if (!started) {
    await stopFuse(fuse, fuseDir);
    return `nbdfuse: ${fuseOutput.trim() || "did not start"}`;
  }
  const loop = await run("losetup", ["-f", "--show", join(fuseDir, "nbd")]);
  if (loop.code !== 0) {
    await stopFuse(fuse, fuseDir);
    return `losetup: ${loop.output}`;
  }
  const blockDevice = loop.output.trim();
  return {
    blockDevice,
    detach: async () => {
      const busy = heldOpen(blockDevice);
      if (busy !== undefined) return busy;
      unlinkDevice(r.local.device, blockDevice);
      await run("losetup", ["-d", blockDevice]);
      // The kernel lets go of a loop device asynchronously; FUSE can only be unmounted after.
      for (let wait = 0; wait < 600 && (await run("losetup", [blockDevice])).code === 0; wait++) await sleep(100);
      await stopFuse(fuse, fuseDir);
      return undefined;
    },
  };
}

async function stopFuse(fuse: ChildProcess, fuseDir: string): Promise<void> {
  const exited = fuse.exitCode !== null || fuse.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => fuse.once("exit", () => resolve()));
  await run("fusermount3", ["-u", fuseDir]);
  if (fuse.exitCode === null) fuse.kill();
  await exited;
  rmSync(fuseDir, { recursive: true, force: true });
}

/** A block device opened exclusively elsewhere (mounted, in a device-mapper table) cannot be opened with O_EXCL. */
function heldOpen(blockDevice: string): string | undefined {
  try {
    closeSync(openSync(blockDevice, constants.O_RDONLY | constants.O_EXCL));
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EBUSY") return `${blockDevice} is held open (mounted?)`;
    return undefined;
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function isLinkTo(path: string, target: string): boolean {
  return isSymlink(path) && readlinkSync(path) === target;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => resolve({ code: null, output: error.message }));
    child.on("close", (code) => resolve({ code, output: output.trim() }));
  });
}
