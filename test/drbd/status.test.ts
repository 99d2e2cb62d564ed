import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProc, formatStatus, statusJson, type ResourceStatus } from "../../src/drbd/status.js";

const base: ResourceStatus = {
  name: "r0", role: "Primary", disk: "UpToDate", minor: 1, sizeBytes: 1 << 30, protocol: "C", nbdAddress: "127.0.0.1:10810",
  peer: { name: "beta", connection: "Connected", role: "Secondary", disk: "UpToDate", replication: "Established", outOfSyncKiB: 0, sync: undefined },
  lastSync: undefined, lastSplitBrain: undefined, verifyOutOfSyncBlocks: 0, writeConflicts: 0, resyncConflicts: 0, suspended: undefined, peerFenced: false, degradedAtStart: false,
  counters: { netSent: 2048, netReceived: 1024, diskWritten: 4096, diskRead: 0, metaWrites: 3 },
};

test("drbdadm status prints DRBD 9's layout: connected, resyncing and StandAlone", () => {
  assert.equal(formatStatus(base), "r0 role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n");
  const syncing: ResourceStatus = { ...base, peer: { ...base.peer, disk: "Inconsistent", replication: "SyncSource", outOfSyncKiB: 4000,
    sync: { done: 42.1, totalBlocks: 1000, doneBlocks: 421, etaSeconds: 12, speedKiBps: 40960 } } };
  assert.equal(formatStatus(syncing), "r0 role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    replication:SyncSource peer-disk:Inconsistent done:42.10\n");
  const alone: ResourceStatus = { ...base, role: "Secondary", peer: { ...base.peer, connection: "StandAlone", role: undefined, disk: undefined } };
  assert.equal(formatStatus(alone), "r0 role:Secondary\n  disk:UpToDate\n  beta connection:StandAlone\n");
  const proc = formatProc([syncing], "0.1.0");
  assert.match(proc, / 1: cs:SyncSource ro:Primary\/Secondary ds:UpToDate\/Inconsistent C r-----/);
  assert.match(proc, /sync'ed: 42\.1% \(2316\/4000\)K/);
  assert.match(proc, /finish: 0:00:12 speed: 40,960/);
});

test("status --json uses drbdsetup's field names", () => {
  const json = statusJson(base) as { devices: Array<Record<string, unknown>>; connections: Array<{ peer_devices: Array<Record<string, unknown>> } & Record<string, unknown>> };
  assert.equal(json.devices[0]!["disk-state"], "UpToDate");
  assert.equal(json.connections[0]!["connection-state"], "Connected");
  assert.equal(json.connections[0]!["peer-role"], "Secondary");
  assert.equal(json.connections[0]!.peer_devices[0]!["replication-state"], "Established");
  assert.equal(json.connections[0]!.peer_devices[0]!["out-of-sync"], 0);
});
