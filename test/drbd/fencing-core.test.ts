import { test } from "node:test";
import assert from "node:assert/strict";
import { fenceOutcome, peerIsFenced } from "../../src/drbd/core/fencing.js";
import type { ReplicaSettings } from "../../src/drbd/core/replica.js";
import { Pair, pattern, syncedPair, type SimNode } from "./pair.js";

// Resource-level fencing in the pure core (DRBD user's guide, "The peer
// fencing interface"): the fence-peer handler's exit code decides.
const SIZE = 1024 * 1024;

const synced = (overrides: Partial<ReplicaSettings>): Pair => syncedPair(SIZE, overrides);

/** The link goes down and stays down (until `partitioned` is reset). */
function partition(pair: Pair): void {
  pair.partitioned = true;
  pair.cut();
}

const fences = (n: SimNode) => n.handlers.filter((h) => h === "fence-peer");

function fenceDone(pair: Pair, n: SimNode, exitCode: number | null): void {
  pair.step(n, { kind: "handler-done", name: "fence-peer", exitCode });
  pair.run();
}

test("exit codes: 3, 4 and 7 fence the peer; 5 only with UpToDate local data; 6 and others do not", () => {
  assert.deepEqual([3, 4, 5, 6, 7, 1, null].map((code) => peerIsFenced(fenceOutcome(code), true)), [true, true, true, false, true, false, false]);
  assert.equal(peerIsFenced(fenceOutcome(5), false), false);
});

test("dont-care: losing the peer as Primary runs no fence-peer handler", () => {
  const pair = synced({ fencing: "dont-care" });
  partition(pair);
  assert.deepEqual(fences(pair.a), []);
});

test("resource-only: a Primary that loses its peer calls fence-peer without freezing I/O, and records the peer as fenced", () => {
  const pair = synced({ fencing: "resource-only" });
  const inFlight = pair.write(pair.a, 0, pattern(1, 4096));
  partition(pair);
  pair.run();
  assert.deepEqual(fences(pair.a), ["fence-peer"]);
  assert.deepEqual(fences(pair.b), [], "a Secondary losing its peer fences nobody");
  assert.equal(pair.a.completions.get(inFlight)?.error, undefined, "no freeze under resource-only");
  fenceDone(pair, pair.a, 4);
  assert.equal(pair.a.sb?.peerOutdated, true, "on disk: the peer cannot be promoted");
  pair.partitioned = false;
  pair.run();
  pair.tick(1000);
  assert.equal(pair.a.replica.conn, "Connected");
  assert.equal(pair.a.sb?.peerOutdated, false, "connecting again clears it");
  assert.equal(pair.a.handlers.filter((h) => h === "unfence-peer").length, 1, "unfence-peer once the peer is UpToDate again");
});

test("resource-and-stonith: I/O freezes until the handler reports the peer outdated; writes in flight complete only then", () => {
  const pair = synced({ fencing: "resource-and-stonith" });
  const inFlight = pair.write(pair.a, 0, pattern(2, 4096));
  partition(pair);
  pair.run();
  const later = pair.write(pair.a, 8192, pattern(3, 4096));
  pair.run();
  assert.equal(pair.a.replica.suspendedFor, "fencing");
  assert.equal(pair.a.completions.has(inFlight), false, "the write that missed the peer waits for the fencing");
  assert.equal(pair.a.completions.has(later), false, "new requests wait too");
  fenceDone(pair, pair.a, 7);
  assert.equal(pair.a.replica.suspendedFor, undefined);
  assert.equal(pair.a.completions.get(inFlight)?.error, undefined);
  assert.equal(pair.a.completions.get(later)?.error, undefined);
  assert.deepEqual(pair.a.data.subarray(8192, 8192 + 4096), pattern(3, 4096));
});

test("resource-and-stonith: a failing handler leaves I/O frozen until resume-io", () => {
  const pair = synced({ fencing: "resource-and-stonith" });
  partition(pair);
  const held = pair.write(pair.a, 0, pattern(4, 4096));
  fenceDone(pair, pair.a, 1);
  assert.equal(pair.a.replica.suspendedFor, "fencing");
  assert.equal(pair.a.completions.has(held), false);
  assert.ok(pair.a.logs.some((l) => /fence-peer handler broken, exit code 1/.test(l)));
  assert.equal(pair.command(pair.a, { verb: "resume-io" }), undefined);
  assert.equal(pair.a.completions.get(held)?.error, undefined);
  assert.match(pair.command(pair.a, { verb: "resume-io" }) ?? "", /not suspended/);
});

test("promoting a disconnected node under fencing runs fence-peer first and acts on its exit code", () => {
  const pair = synced({ fencing: "resource-only" });
  pair.command(pair.a, { verb: "secondary" });
  partition(pair);
  // Handler fails: no promotion.
  let reqId = pair.b.nextReq++;
  pair.step(pair.b, { kind: "command", reqId, command: { verb: "primary", force: false } });
  assert.equal(pair.b.replies.has(reqId), false, "the promotion waits for the handler");
  assert.deepEqual(fences(pair.b), ["fence-peer"]);
  fenceDone(pair, pair.b, 1);
  assert.match(pair.b.replies.get(reqId) ?? "", /cannot become Primary without fencing alpha: fence-peer handler broken/);
  assert.equal(pair.b.replica.role, "Secondary");
  // Peer unreachable, local data UpToDate: promoted.
  reqId = pair.b.nextReq++;
  pair.step(pair.b, { kind: "command", reqId, command: { verb: "primary", force: false } });
  fenceDone(pair, pair.b, 5);
  assert.equal(pair.b.replies.get(reqId), undefined);
  assert.equal(pair.b.replica.role, "Primary");
  assert.equal(pair.b.sb?.peerOutdated, true);
});

test("a peer that answers 'I am Primary' (6) refuses the promotion and outdates this side", () => {
  const pair = synced({ fencing: "resource-only" });
  partition(pair);
  const reqId = pair.b.nextReq++;
  pair.step(pair.b, { kind: "command", reqId, command: { verb: "primary", force: false } });
  fenceDone(pair, pair.b, 6);
  assert.match(pair.b.replies.get(reqId) ?? "", /peer refused to be outdated: it is Primary/);
  assert.equal(pair.b.replica.disk, "Outdated");
});

test("outdate: refused while connected or Primary; a disconnected Secondary's disk becomes Outdated on disk and refuses primary", () => {
  const pair = synced({ fencing: "resource-only" });
  assert.match(pair.command(pair.b, { verb: "outdate" }) ?? "", /refusing to outdate while connected/);
  partition(pair);
  assert.match(pair.command(pair.a, { verb: "outdate" }) ?? "", /cannot outdate a Primary/);
  assert.equal(pair.command(pair.b, { verb: "outdate" }), undefined);
  assert.equal(pair.b.sb?.disk, "Outdated");
  assert.match(pair.command(pair.b, { verb: "primary", force: false }) ?? "", /local disk is Outdated/);
  // Reconnected, the Outdated side resyncs from the Primary and is UpToDate again.
  pair.partitioned = false;
  pair.run();
  pair.tick(1000);
  assert.equal(pair.b.replica.disk, "UpToDate");
});
