import type { XmlElement } from "./xml/tree.js";

/**
 * A CIB's version, compared lexicographically (admin_epoch, epoch, num_updates):
 * - admin_epoch changes only when an administrator bumps it (to force a copy on the whole cluster);
 * - epoch increments on every change to `<configuration>`, and num_updates resets to 0;
 * - num_updates increments on every other change (the status section, the `<cib>` header).
 */
export interface CibVersion {
  adminEpoch: number;
  epoch: number;
  numUpdates: number;
}

export const VERSION_ATTRIBUTES = ["admin_epoch", "epoch", "num_updates"] as const;

export function versionOf(root: XmlElement): CibVersion {
  const read = (name: string): number => {
    const value = Number(root.attrs.get(name) ?? "0");
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  };
  return { adminEpoch: read("admin_epoch"), epoch: read("epoch"), numUpdates: read("num_updates") };
}

/** Writes the version into `<cib>`, keeping the attributes' places when they exist. */
export function setVersion(root: XmlElement, version: CibVersion): void {
  root.attrs.set("admin_epoch", String(version.adminEpoch));
  root.attrs.set("epoch", String(version.epoch));
  root.attrs.set("num_updates", String(version.numUpdates));
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareCibVersions(a: CibVersion, b: CibVersion): number {
  return Math.sign(a.adminEpoch - b.adminEpoch || a.epoch - b.epoch || a.numUpdates - b.numUpdates);
}

export function formatCibVersion(version: CibVersion): string {
  return `${version.adminEpoch}.${version.epoch}.${version.numUpdates}`;
}

/** The version after a change: a configuration change bumps epoch, anything else num_updates. */
export function nextVersion(version: CibVersion, configurationChanged: boolean): CibVersion {
  if (configurationChanged) return { adminEpoch: version.adminEpoch, epoch: version.epoch + 1, numUpdates: 0 };
  return { ...version, numUpdates: version.numUpdates + 1 };
}
