import { spawn } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import type { LocalResource } from "../config/load.js";

/**
 * Where the host has the nbd kernel module, a Primary's export is also
 * attached to /dev/nbd<minor> with nbd-client, and the configured `device`
 * path (/dev/drbd0, …) is made a symbolic link to it, so the resource is used
 * like a DRBD device. Without the module (or nbd-client) nothing happens and
 * clients connect over NBD (nbdfuse + a loop device, qemu, nbdcopy).
 */
export function kernelNbdAvailable(): boolean {
  return existsSync("/sys/module/nbd") && existsSync("/dev/nbd0");
}

export function nbdDevice(r: LocalResource): string {
  return `/dev/nbd${r.local.minor}`;
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

function ourLink(path: string, target: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && readlinkSync(path) === target;
  } catch {
    return false;
  }
}

/** Attaches the export; a note tells the operator what could not be done (it never fails the promotion). */
export async function attachKernelDevice(r: LocalResource): Promise<{ attached: boolean; note?: string }> {
  if (!kernelNbdAvailable()) return { attached: false };
  const nbd = nbdDevice(r);
  const { host, port } = r.local.nbdAddress;
  const result = await run("nbd-client", [host, String(port), nbd, "-N", r.resource.name]);
  if (result.code !== 0) return { attached: false, note: `${r.resource.name}: not attached to ${nbd}: nbd-client: ${result.output}` };
  const device = r.local.device;
  if (device === nbd) return { attached: true };
  if (existsSync(device) && !ourLink(device, nbd)) return { attached: true, note: `${r.resource.name}: attached to ${nbd}; ${device} exists and is not a link to it, left alone` };
  rmSync(device, { force: true });
  symlinkSync(nbd, device);
  return { attached: true };
}

/** Detaches /dev/nbd<minor> and removes the `device` link, if this resource made them. */
export async function detachKernelDevice(r: LocalResource): Promise<void> {
  const nbd = nbdDevice(r);
  if (ourLink(r.local.device, nbd)) rmSync(r.local.device, { force: true });
  await run("nbd-client", ["-d", nbd]);
}
