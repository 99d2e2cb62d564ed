import { test } from "node:test";
import assert from "node:assert/strict";
import { Pair, pattern, type SimNode } from "./pair.js";

const SIZE = 4 * 1024 * 1024; // 1024 blocks

function connected(overrides: ConstructorParameters<typeof Pair>[1] = {}, secrets?: [string, string]): Pair {
  const pair = new Pair(SIZE, overrides, secrets);
  pair.attach(pair.a);
  pair.attach(pair.b);
  assert.equal(pair.command(pair.a, { verb: "connect", discardMyData: false }), undefined);
  assert.equal(pair.command(pair.b, { verb: "connect", discardMyData: false }), undefined);
  pair.run();
  return pair;
}

function syncedPrimary(overrides: ConstructorParameters<typeof Pair>[1] = {}): Pair {
  const pair = connected(overrides);
  assert.equal(pair.command(pair.a, { verb: "primary", force: true }), undefined);
  pair.tick(2000);
  assert.equal(pair.a.replica.repl, "Established");
  assert.equal(pair.b.replica.disk, "UpToDate");
  return pair;
}

function completed(pair: Pair, n: SimNode, reqId: number): { error: string | undefined; data?: Uint8Array } {
  pair.run();
  const c = n.completions.get(reqId);
  assert.ok(c !== undefined, `request ${reqId} did not complete`);
  return c;
}

test("two fresh nodes connect with no UpToDate data until primary --force starts the full sync", () => {
  const pair = connected();
  assert.equal(pair.a.replica.conn, "Connected");
  assert.equal(pair.a.replica.disk, "Inconsistent");
  assert.match(pair.command(pair.a, { verb: "primary", force: false }) ?? "", /refusing to become Primary: local disk is Inconsistent/);
  assert.equal(pair.command(pair.a, { verb: "primary", force: true }), undefined);
  assert.equal(pair.a.replica.repl, "SyncSource");
  assert.equal(pair.b.replica.repl, "SyncTarget");
  assert.equal(pair.a.replica.progress?.totalBlocks, SIZE / 4096);
  pair.tick(2000);
  assert.equal(pair.b.replica.disk, "UpToDate");
  assert.equal(pair.b.sb?.uuids.current, pair.a.sb?.uuids.current, "after sync both sides share the generation");
});

test("protocol C completes a write only after the peer has written it", () => {
  const pair = syncedPrimary();
  const data = pattern(1, 8192);
  const reqId = pair.write(pair.a, 4096, data);
  // Run only the local disk: the write must not complete before the peer writes.
  pair.step(pair.a, pair.a.diskQueue.shift()!());
  assert.equal(pair.a.completions.has(reqId), false);
  assert.equal(completed(pair, pair.a, reqId).error, undefined);
  assert.deepEqual(pair.b.data.subarray(4096, 4096 + 8192), data);
});

test("protocol A completes once written locally and handed to the network, before the peer writes", () => {
  const pair = syncedPrimary({ protocol: "A" });
  const reqId = pair.write(pair.a, 0, pattern(2, 4096));
  // The Primary's own queue: the frame reaching the kernel's send buffer, then the local write.
  const [handedOver, written] = [pair.a.diskQueue.shift()!, pair.a.diskQueue.shift()!];
  pair.step(pair.a, written());
  assert.equal(pair.a.completions.has(reqId), false, "written locally, but the frame still waits in the send queue");
  pair.step(pair.a, handedOver());
  assert.deepEqual(pair.a.completions.get(reqId), { error: undefined });
  assert.equal(pair.b.inbox.length > 0 && pair.b.data[0] === 0, true, "the peer has not written it yet");
});

test("protocol A: a write whose frame never left when the link dropped completes from the local copy, marked out of sync", () => {
  const pair = syncedPrimary({ protocol: "A" });
  const reqId = pair.write(pair.a, 8192, pattern(4, 4096));
  const written = pair.a.diskQueue.pop()!;
  pair.a.diskQueue.length = 0; // the frame never reaches the kernel
  pair.step(pair.a, written());
  assert.equal(pair.a.completions.has(reqId), false);
  pair.a.wantLink = false;
  pair.cut();
  assert.deepEqual(pair.a.completions.get(reqId), { error: undefined });
  assert.equal(pair.a.replica.bitmap?.test(2), true, "block 2 is to be resynced");
});

test("a Secondary refuses writes with EPERM and only one Primary is allowed", () => {
  const pair = syncedPrimary();
  const reqId = pair.write(pair.b, 0, pattern(3, 4096));
  assert.equal(completed(pair, pair.b, reqId).error, "EPERM");
  assert.match(pair.command(pair.b, { verb: "primary", force: false }) ?? "", /is Primary and allow-two-primaries is off/);
  assert.equal(pair.command(pair.a, { verb: "secondary" }), undefined);
  assert.equal(pair.command(pair.b, { verb: "primary", force: false }), undefined);
  assert.equal(pair.b.replica.role, "Primary");
});

test("resync after a disconnect copies only the blocks written meanwhile", () => {
  const pair = syncedPrimary();
  pair.cut();
  pair.a.wantLink = false; // stay apart while writing
  for (const block of [3, 4, 100, 500]) completed(pair, pair.a, pair.write(pair.a, block * 4096, pattern(block, 4096)));
  completed(pair, pair.a, pair.write(pair.a, 700 * 4096 + 100, pattern(9, 10))); // a partial block counts once
  assert.equal(pair.a.replica.bitmap?.count, 5);
  pair.a.wantLink = true;
  pair.run();
  pair.tick(500);
  assert.deepEqual(pair.a.replica.lastSync, { direction: "source", full: false, blocks: 5 });
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: false, blocks: 5 });
  assert.equal(pair.b.replica.disk, "UpToDate");
  assert.deepEqual(pair.b.data, pair.a.data);
});

test("the primary's crash: acknowledged writes survive on the promoted peer, and the old primary resyncs from it", () => {
  const pair = syncedPrimary();
  const acked: Array<[number, Uint8Array]> = [];
  for (let i = 0; i < 20; i++) {
    const data = pattern(100 + i, 4096);
    const reqId = pair.write(pair.a, i * 8 * 4096, data);
    if (i % 3 === 0) pair.run();
    if (pair.a.completions.get(reqId)?.error === undefined && pair.a.completions.has(reqId)) acked.push([i * 8 * 4096, data]);
  }
  pair.crash(pair.a);
  assert.ok(acked.length > 0);
  assert.equal(pair.command(pair.b, { verb: "primary", force: false }), undefined);
  for (const [off, data] of acked) assert.deepEqual(pair.b.data.subarray(off, off + 4096), data);
  completed(pair, pair.b, pair.write(pair.b, 50 * 4096, pattern(77, 4096)));
  // The old primary comes back: its activity log marks where it may differ.
  pair.attach(pair.a);
  assert.ok((pair.a.replica.bitmap?.count ?? 0) > 0);
  pair.command(pair.a, { verb: "connect", discardMyData: false });
  pair.run();
  pair.tick(1000);
  assert.equal(pair.a.replica.lastSync?.direction, "target");
  assert.equal(pair.a.replica.disk, "UpToDate");
  assert.deepEqual(pair.a.data, pair.b.data);
});

function splitBrain(overrides: ConstructorParameters<typeof Pair>[1], writeOn: SimNode[] = []): Pair {
  const pair = syncedPrimary(overrides);
  pair.cut();
  pair.a.wantLink = pair.b.wantLink = false;
  pair.command(pair.b, { verb: "primary", force: false });
  for (const n of writeOn) completed(pair, n, pair.write(n, n === pair.a ? 0 : 8192, pattern(n === pair.a ? 1 : 2, 4096)));
  return pair;
}

test("split brain with both sides changed is detected and the connection dropped under 'disconnect'", () => {
  const pair = splitBrain({}, []);
  pair.command(pair.a, { verb: "secondary" });
  pair.command(pair.b, { verb: "secondary" });
  pair.a.wantLink = pair.b.wantLink = true;
  pair.run();
  assert.equal(pair.a.replica.conn, "StandAlone");
  assert.equal(pair.b.replica.conn, "StandAlone");
  assert.ok(pair.a.handlers.includes("split-brain"));
  assert.match(pair.a.replica.lastSplitBrain ?? "", /split brain detected/);
});

test("connect --discard-my-data resolves a split brain: the discarding side becomes SyncTarget", () => {
  const pair = splitBrain({}, []);
  const pair2 = pair;
  completed(pair2, pair2.a, pair2.write(pair2.a, 0, pattern(5, 4096)));
  completed(pair2, pair2.b, pair2.write(pair2.b, 40960, pattern(6, 4096)));
  pair.command(pair.b, { verb: "secondary" });
  pair.command(pair.a, { verb: "connect", discardMyData: false });
  pair.command(pair.b, { verb: "connect", discardMyData: true });
  pair.a.wantLink = pair.b.wantLink = true;
  pair.run();
  pair.tick(1000);
  assert.equal(pair.b.replica.lastSync?.direction, "target");
  assert.deepEqual(pair.b.data, pair.a.data);
});

test("after-sb-0pri discard-zero-changes discards the side that wrote nothing", () => {
  const pair = splitBrain({ policies: { afterSb0pri: "discard-zero-changes", afterSb1pri: "disconnect", afterSb2pri: "disconnect" } }, []);
  completed(pair, pair.a, pair.write(pair.a, 0, pattern(8, 4096)));
  pair.command(pair.a, { verb: "secondary" });
  pair.command(pair.b, { verb: "secondary" });
  pair.a.wantLink = pair.b.wantLink = true;
  pair.run();
  assert.equal(pair.b.replica.lastSync?.direction, "target");
  assert.ok(pair.b.handlers.includes("initial-split-brain"));
  pair.tick(1000);
  assert.deepEqual(pair.b.data, pair.a.data);
});

test("after-sb-1pri discard-secondary: the Secondary's changes are discarded", () => {
  const pair = splitBrain({ policies: { afterSb0pri: "disconnect", afterSb1pri: "discard-secondary", afterSb2pri: "disconnect" } }, []);
  completed(pair, pair.a, pair.write(pair.a, 0, pattern(8, 4096)));
  completed(pair, pair.b, pair.write(pair.b, 8192, pattern(9, 4096)));
  pair.command(pair.a, { verb: "secondary" });
  pair.a.wantLink = pair.b.wantLink = true;
  pair.run();
  assert.equal(pair.a.replica.lastSync?.direction, "target");
  pair.tick(1000);
  assert.deepEqual(pair.a.data, pair.b.data);
});

test("a wrong shared secret fails authentication and leaves both StandAlone", () => {
  const pair = connected({ authenticate: true }, ["right", "wrong"]);
  assert.equal(pair.a.replica.conn, "StandAlone");
  assert.match(pair.a.logs.join("\n") + pair.b.logs.join("\n"), /authentication failed/);
  const ok = connected({ authenticate: true });
  assert.equal(ok.a.replica.conn, "Connected");
});

test("on-io-error detach: the Primary becomes Diskless and keeps serving through the peer", () => {
  const pair = syncedPrimary();
  const data = pattern(11, 4096);
  completed(pair, pair.a, pair.write(pair.a, 0, data));
  pair.a.failDisk = true;
  const reqId = pair.write(pair.a, 4096, pattern(12, 4096));
  assert.equal(completed(pair, pair.a, reqId).error, undefined, "the peer has the write");
  assert.equal(pair.a.replica.disk, "Diskless");
  const read = completed(pair, pair.a, pair.read(pair.a, 0, 8192));
  assert.deepEqual(read.data?.subarray(0, 4096), data);
  assert.deepEqual(read.data?.subarray(4096), pattern(12, 4096));
});

test("on-io-error pass_on reports the error to the client and keeps the disk attached", () => {
  const pair = syncedPrimary({ onIoError: "pass_on" });
  pair.a.failDisk = true;
  assert.equal(completed(pair, pair.a, pair.write(pair.a, 0, pattern(1, 4096))).error, "EIO");
  assert.equal(pair.a.replica.disk, "UpToDate");
});

test("online verify finds blocks that differ and the next resync repairs them", () => {
  const pair = syncedPrimary();
  pair.b.data[5 * 4096 + 7] = 1 + pair.b.data[5 * 4096 + 7]!;
  pair.b.data[900 * 4096] = 1 + pair.b.data[900 * 4096]!;
  assert.equal(pair.command(pair.a, { verb: "verify" }), undefined);
  pair.tick(2000);
  assert.equal(pair.a.replica.repl, "Established");
  assert.equal(pair.a.replica.verifyDiffering, 2);
  pair.command(pair.a, { verb: "disconnect" });
  pair.command(pair.a, { verb: "connect", discardMyData: false });
  pair.run();
  pair.tick(1000);
  assert.deepEqual(pair.b.data, pair.a.data);
});

test("resync rate control spreads a full sync over time", () => {
  const pair = connected({ resyncRateBytesPerSec: 1024 * 1024 });
  pair.command(pair.a, { verb: "primary", force: true });
  pair.tick(1000);
  const percent = pair.a.replica.progress?.percent() ?? 100;
  assert.ok(percent > 10 && percent < 50, `after 1 s at 1 MiB/s of 4 MiB expected ~25%, got ${percent}`);
  pair.tick(4000);
  assert.equal(pair.b.replica.disk, "UpToDate");
});

test("a Primary that disconnects on command and then writes starts a new generation: the peer's promotion is a split brain", () => {
  const pair = syncedPrimary();
  assert.equal(pair.command(pair.a, { verb: "disconnect" }), undefined);
  assert.equal(pair.a.replica.conn, "StandAlone");
  assert.notEqual(pair.a.sb?.uuids.bitmap, "0000000000000000", "new current UUID on losing the peer while Primary");
  completed(pair, pair.a, pair.write(pair.a, 0, pattern(21, 4096)));
  pair.command(pair.a, { verb: "secondary" });
  pair.command(pair.b, { verb: "disconnect" });
  pair.command(pair.b, { verb: "primary", force: false });
  completed(pair, pair.b, pair.write(pair.b, 4096, pattern(22, 4096)));
  pair.command(pair.b, { verb: "secondary" });
  pair.command(pair.a, { verb: "connect", discardMyData: false });
  pair.command(pair.b, { verb: "connect", discardMyData: false });
  pair.run();
  assert.match(pair.a.replica.lastSplitBrain ?? "", /split brain detected/);
  assert.equal(pair.a.replica.conn, "StandAlone");
});

test("protocol B completes once the peer has received the write, before it is written there", () => {
  const pair = syncedPrimary({ protocol: "B" });
  const reqId = pair.write(pair.a, 0, pattern(31, 4096));
  pair.step(pair.a, pair.a.diskQueue.shift()!()); // local write done
  pair.step(pair.b, { kind: "recv", msg: pair.b.inbox.shift() as never }); // the peer receives it
  pair.step(pair.a, { kind: "recv", msg: pair.a.inbox.shift() as never }); // recv-ack
  assert.ok(pair.a.completions.has(reqId), "completed on the recv-ack");
  assert.equal(pair.a.completions.get(reqId)?.error, undefined);
  assert.equal(pair.b.diskQueue.length, 1, "the peer has not written it yet");
});

test("protocol B: a recv-ack before the local write completes waits for it; after a failed local write it waits for the peer's write", () => {
  const pair = syncedPrimary({ protocol: "B" });
  const reqId = pair.write(pair.a, 0, pattern(33, 4096));
  pair.step(pair.b, { kind: "recv", msg: pair.b.inbox.shift() as never });
  pair.step(pair.a, { kind: "recv", msg: pair.a.inbox.shift() as never }); // recv-ack first
  assert.equal(pair.a.completions.has(reqId), false, "the local copy is not written yet");
  pair.step(pair.a, pair.a.diskQueue.shift()!());
  assert.ok(pair.a.completions.has(reqId));

  const failing = pair.write(pair.a, 8192, pattern(34, 4096));
  pair.step(pair.b, { kind: "recv", msg: pair.b.inbox.shift() as never });
  pair.step(pair.a, { ...pair.a.diskQueue.shift()!(), ok: false } as never); // the local write fails (on-io-error detach)
  pair.step(pair.a, { kind: "recv", msg: pair.a.inbox.shift() as never }); // recv-ack
  assert.equal(pair.a.completions.has(failing), false, "the peer's copy is the only one: it must be written, not just received");
  pair.step(pair.b, pair.b.diskQueue.shift()!());
  pair.step(pair.a, { kind: "recv", msg: pair.a.inbox.shift() as never }); // write-ack
  assert.equal(pair.a.completions.get(failing)?.error, undefined);
});

test("a flush completes only after both the local disk and the peer have flushed", () => {
  const pair = syncedPrimary();
  completed(pair, pair.a, pair.write(pair.a, 0, pattern(32, 4096)));
  const reqId = pair.a.nextReq++;
  pair.step(pair.a, { kind: "client-flush", reqId });
  pair.step(pair.a, pair.a.diskQueue.shift()!()); // local flush done
  assert.equal(pair.a.completions.has(reqId), false, "waits for the peer's flush");
  assert.equal(completed(pair, pair.a, reqId).error, undefined);
});

test("a write the peer fails to store marks the block out of sync instead of losing track", () => {
  const pair = syncedPrimary({ onIoError: "pass_on" });
  pair.b.failDisk = true;
  assert.equal(completed(pair, pair.a, pair.write(pair.a, 8192, pattern(33, 4096))).error, undefined, "the local copy holds it");
  assert.equal(pair.a.replica.bitmap?.count, 1);
});

test("a Secondary that detaches and attaches again resyncs what the Primary wrote meanwhile", () => {
  const pair = syncedPrimary();
  assert.equal(pair.command(pair.b, { verb: "detach" }), undefined);
  assert.equal(pair.a.replica.peer?.disk, "Diskless");
  for (const block of [7, 8, 9]) completed(pair, pair.a, pair.write(pair.a, block * 4096, pattern(40 + block, 4096)));
  pair.attach(pair.b);
  pair.run();
  pair.tick(500);
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: false, blocks: 3 });
  assert.deepEqual(pair.b.data, pair.a.data);
});

test("primary --force is refused on an Inconsistent node whose peer has UpToDate data", () => {
  const pair = connected({ resyncRateBytesPerSec: 64 * 1024 });
  pair.command(pair.a, { verb: "primary", force: true });
  assert.equal(pair.b.replica.disk, "Inconsistent");
  pair.command(pair.a, { verb: "secondary" });
  assert.match(pair.command(pair.b, { verb: "primary", force: true }) ?? "", /refusing --force: peer alpha has UpToDate data/);
});

test("a promotion the peer never answers fails after the link timeout instead of hanging", () => {
  const pair = syncedPrimary();
  pair.command(pair.a, { verb: "secondary" });
  pair.partitioned = true;
  const reqId = pair.b.nextReq++;
  pair.step(pair.b, { kind: "command", reqId, command: { verb: "primary", force: false } });
  pair.b.inbox.length = 0;
  pair.a.inbox.length = 0; // the request is lost on the way
  pair.now += 6000;
  pair.step(pair.b, { kind: "tick" });
  assert.match(pair.b.replies.get(reqId) ?? "", /no answer from alpha|connection lost/);
  assert.equal(pair.b.replica.role, "Secondary");
});

test("nodes with different protocols or split-brain policies refuse to connect (discard-local pairs with discard-remote)", () => {
  const pair = new Pair(SIZE);
  (pair.b.settings as { protocol: string }).protocol = "A";
  pair.attach(pair.a);
  pair.attach(pair.b);
  pair.command(pair.a, { verb: "connect", discardMyData: false });
  pair.command(pair.b, { verb: "connect", discardMyData: false });
  pair.run();
  assert.equal(pair.a.replica.conn, "StandAlone");
  assert.match(pair.a.logs.join("\n"), /incompatible protocol \(alpha: C, beta: A\)/);
  const paired = new Pair(SIZE);
  (paired.a.settings.policies as { afterSb0pri: string }).afterSb0pri = "discard-local";
  (paired.b.settings.policies as { afterSb0pri: string }).afterSb0pri = "discard-remote";
  paired.attach(paired.a);
  paired.attach(paired.b);
  paired.command(paired.a, { verb: "connect", discardMyData: false });
  paired.command(paired.b, { verb: "connect", discardMyData: false });
  paired.run();
  assert.equal(paired.a.replica.conn, "Connected");
});

test("a write leaving the activity log's extents persists the log, gating the peer's copy, before it is sent or written", () => {
  const pair = syncedPrimary();
  const kinds = (off: number) => pair.a.replica.step({ kind: "client-write", reqId: 9000 + off, off, data: pattern(3, 4096), fua: false }, pair.now, pair.rng)
    .filter((e) => e.kind === "persist-md" || e.kind === "send" || e.kind === "disk-write")
    .map((e) => (e.kind === "persist-md" ? `persist-md gates=${e.gatesSends}` : e.kind));
  assert.deepEqual(kinds(4 * 1024 * 1024 - 4096), ["persist-md gates=true", "send", "disk-write"], "a new extent: the log first");
  assert.deepEqual(kinds(4 * 1024 * 1024 - 8192), ["send", "disk-write"], "a hot extent: no metadata write, the peer's copy leaves first");
});

test("losing the peer marks the metadata degraded (startup then waits degr-wfc-timeout); connecting again clears it", () => {
  const pair = syncedPrimary();
  assert.equal(pair.a.sb?.degraded, false);
  pair.partitioned = true;
  pair.cut();
  pair.run();
  assert.equal(pair.a.sb?.degraded, true, "the Primary runs on without its peer");
  assert.equal(pair.b.sb?.degraded, true, "so does the Secondary");
  pair.partitioned = false;
  pair.run();
  pair.tick(2000);
  assert.equal(pair.a.replica.conn, "Connected");
  assert.equal(pair.a.sb?.degraded, false);
  assert.equal(pair.b.sb?.degraded, false);
});
