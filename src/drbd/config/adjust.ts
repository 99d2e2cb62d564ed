import type { LocalResource } from "./load.js";
import type { DiskOptions, HostConfig } from "./model.js";

/**
 * What `adjust` may change on a running resource: the resync rate and its
 * controller, on-io-error, handlers and startup timeouts. Anything else
 * (addresses, disks, protocol, secrets, policies) needs `down` and `up`.
 */
const RUNTIME_DISK_OPTIONS: ReadonlyArray<keyof DiskOptions> = ["onIoError", "resyncRateBytesPerSec", "rateController"];
/** How drbd.conf spells them. */
const RUNTIME_LABELS: Partial<Record<keyof DiskOptions, string>> = { onIoError: "on-io-error", resyncRateBytesPerSec: "resync-rate", rateController: "c-* (resync controller)" };

/** The settings that differ between the running resource and the file and cannot change at run time, as "section name" labels. */
export function changesNeedingRestart(running: LocalResource, wanted: LocalResource): string[] {
  const changed: string[] = [];
  const compare = (label: string, before: unknown, after: unknown) => {
    if (JSON.stringify(before) !== JSON.stringify(after)) changed.push(label);
  };
  const { resource: was } = running;
  const { resource: now } = wanted;
  for (const key of Object.keys(now.net) as Array<keyof typeof now.net>) compare(`net ${keyword(key)}`, was.net[key], now.net[key]);
  for (const key of Object.keys(now.disk) as Array<keyof DiskOptions>) {
    if (!RUNTIME_DISK_OPTIONS.includes(key)) compare(`disk ${keyword(key)}`, was.disk[key], now.disk[key]);
  }
  compare("verify-alg", was.verifyAlg, now.verifyAlg);
  for (const [before, after] of [[running.local, wanted.local], [running.peer, wanted.peer]] as const) {
    compare(`on ${before.name}`, before.name, after.name);
    for (const key of Object.keys(after) as Array<keyof HostConfig>) {
      if (key !== "at" && key !== "name") compare(`on ${after.name} ${keyword(key)}`, before[key], after[key]);
    }
  }
  return changed;
}

/** The runtime-adjustable settings that differ, for the log ("disk resync-rate"). */
export function runtimeChanges(running: LocalResource, wanted: LocalResource): string[] {
  return RUNTIME_DISK_OPTIONS.filter((key) => JSON.stringify(running.resource.disk[key]) !== JSON.stringify(wanted.resource.disk[key]))
    .map((key) => `disk ${RUNTIME_LABELS[key] ?? keyword(key)}`);
}

/** resyncRateBytesPerSec -> resync-rate: the model's names as drbd.conf spells them, near enough for a message. */
function keyword(field: string): string {
  return field.replace(/(BytesPerSec|Ms|S|Bytes)$/, "").replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
