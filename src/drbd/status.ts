import type { ConnState, DiskState, ReplState, Role } from "./core/types.js";

/** What `status` reports for one resource; the JSON follows drbdsetup status --json's names. */
export interface ResourceStatus {
  name: string;
  role: Role;
  disk: DiskState;
  minor: number;
  sizeBytes: number;
  protocol: string;
  nbdAddress: string;
  peer: {
    name: string;
    connection: ConnState;
    role: Role | undefined;
    disk: DiskState | undefined;
    replication: ReplState;
    outOfSyncKiB: number;
    sync: { done: number; totalBlocks: number; doneBlocks: number; etaSeconds: number; speedKiBps: number } | undefined;
  };
  /** `identical`, with csums-alg: blocks found equal on both sides by checksum and not sent. */
  lastSync: { direction: "source" | "target"; full: boolean; blocks: number; identical?: number } | undefined;
  lastSplitBrain: string | undefined;
  verifyOutOfSyncBlocks: number;
  /** allow-two-primaries: writes of the peer that crossed overlapping writes of this node (resolved, see core/write-conflicts.ts). */
  writeConflicts: number;
  /** A Primary resyncing as SyncTarget: resync data that arrived under its own newer writes (they won). */
  resyncConflicts: number;
  /** Why client I/O is frozen (resource-and-stonith fencing in progress or failed), or undefined. */
  suspended: string | undefined;
  /** A fence-peer handler made sure the disconnected peer cannot be promoted (recorded in the metadata). */
  peerFenced: boolean;
  /** The node last ran without its peer before this start (startup's degr-wfc-timeout applies). */
  degradedAtStart: boolean;
  counters: { netSent: number; netReceived: number; diskWritten: number; diskRead: number; metaWrites: number };
}

/** DRBD 9's `drbdadm status` text. */
export function formatStatus(s: ResourceStatus): string {
  const lines = [`${s.name} role:${s.role}${s.suspended === undefined ? "" : ` suspended:${s.suspended}`}`, `  disk:${s.disk}`];
  const p = s.peer;
  if (p.connection !== "Connected") {
    lines.push(`  ${p.name} connection:${p.connection}`);
    return lines.join("\n") + "\n";
  }
  lines.push(`  ${p.name} role:${p.role ?? "Unknown"}`);
  const syncing = p.replication !== "Established" && p.replication !== "Off";
  const done = p.sync === undefined ? "" : ` done:${p.sync.done.toFixed(2)}`;
  lines.push(syncing ? `    replication:${p.replication} peer-disk:${p.disk ?? "DUnknown"}${done}` : `    peer-disk:${p.disk ?? "DUnknown"}`);
  return lines.join("\n") + "\n";
}

export function statusJson(s: ResourceStatus): Record<string, unknown> {
  const p = s.peer;
  return {
    name: s.name,
    role: s.role,
    suspended: s.suspended !== undefined,
    ...(s.suspended === undefined ? {} : { "suspended-reason": s.suspended }),
    devices: [{ volume: 0, minor: s.minor, "disk-state": s.disk, client: s.disk === "Diskless", size: s.sizeBytes / 1024,
      read: Math.round(s.counters.diskRead / 1024), written: Math.round(s.counters.diskWritten / 1024), "al-writes": s.counters.metaWrites }],
    connections: [{
      name: p.name, "connection-state": p.connection, "peer-role": p.role ?? "Unknown",
      peer_devices: [{
        volume: 0, "replication-state": p.replication, "peer-disk-state": p.disk ?? "DUnknown",
        "out-of-sync": p.outOfSyncKiB, sent: Math.round(s.counters.netSent / 1024), received: Math.round(s.counters.netReceived / 1024),
        ...(p.sync === undefined ? {} : { "percent-in-sync": p.sync.done, "sync-done-blocks": p.sync.doneBlocks, "sync-total-blocks": p.sync.totalBlocks,
          "sync-eta-seconds": Number.isFinite(p.sync.etaSeconds) ? Math.round(p.sync.etaSeconds) : null, "sync-speed-kib": Math.round(p.sync.speedKiBps) }),
      }],
    }],
    protocol: s.protocol,
    "nbd-address": s.nbdAddress,
    "last-sync": s.lastSync ?? null,
    "last-split-brain": s.lastSplitBrain ?? null,
    "verify-out-of-sync-blocks": s.verifyOutOfSyncBlocks,
    "write-conflicts": s.writeConflicts,
    "resync-conflicts": s.resyncConflicts,
    "peer-fenced": s.peerFenced,
  };
}

const short: Record<DiskState, string> = {
  Diskless: "Diskless", Attaching: "Attaching", Failed: "Failed", Inconsistent: "Inconsistent", Outdated: "Outdated", DUnknown: "DUnknown", UpToDate: "UpToDate",
};

function bar(percent: number): string {
  const width = 20;
  const filled = Math.min(width - 1, Math.floor((percent / 100) * width));
  return `[${"=".repeat(filled)}>${".".repeat(width - 1 - filled)}]`;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "-:--:--";
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** A /proc/drbd-like view (DRBD 8.4 layout). */
export function formatProc(all: ResourceStatus[], version: string): string {
  const lines = [`version: ${version} (api:2/proto:86-101) quorate user-space`];
  for (const s of all) {
    const p = s.peer;
    const cs = p.connection !== "Connected" ? (p.connection === "Connecting" ? "WFConnection" : "StandAlone") : p.replication === "Established" ? "Connected" : p.replication;
    const c = s.counters;
    lines.push(
      `${String(s.minor).padStart(2)}: cs:${cs} ro:${s.role}/${p.role ?? "Unknown"} ds:${short[s.disk]}/${p.disk === undefined ? "DUnknown" : short[p.disk]} ${s.protocol} r-----`,
      `    ns:${Math.round(c.netSent / 1024)} nr:${Math.round(c.netReceived / 1024)} dw:${Math.round(c.diskWritten / 1024)} dr:${Math.round(c.diskRead / 1024)} al:${c.metaWrites} bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:${p.outOfSyncKiB}`,
    );
    if (p.sync !== undefined && p.replication !== "Established" && p.replication !== "Off") {
      const leftKiB = (p.sync.totalBlocks - p.sync.doneBlocks) * 4;
      lines.push(
        `\t${bar(p.sync.done)} ${p.replication.startsWith("Verify") ? "verified" : "sync'ed"}:${p.sync.done.toFixed(1).padStart(5)}% (${leftKiB}/${p.sync.totalBlocks * 4})K`,
        `\tfinish: ${clock(p.sync.etaSeconds)} speed: ${Math.round(p.sync.speedKiBps).toLocaleString("en-US")} (${Math.round(p.sync.speedKiBps).toLocaleString("en-US")}) K/sec`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
