import { test } from "node:test";
import assert from "node:assert/strict";
import { BLOCK_BYTES } from "../../src/drbd/core/bitmap.js";
import { pattern, syncedPair } from "./pair.js";

// data-integrity-alg (drbd.conf(5), net section): every replicated write carries
// a digest of its data; the receiver checks it before writing. On a mismatch
// DRBD logs "Digest integrity check FAILED" and drops the connection; the
// write is resynced after the reconnect.
const SIZE = 1024 * 1024;

test("data-integrity-alg: a write damaged on the wire is never written; the connection drops, and after reconnecting both copies are identical", () => {
  const pair = syncedPair(SIZE, { integrityAlg: "sha256" });
  const off = 9 * BLOCK_BYTES + 512;
  const data = pattern(5, 2 * BLOCK_BYTES);
  const before = pair.b.data.slice(off, off + data.length);
  let damaged = 0;
  pair.onSend = (from, msg) => {
    if (from !== pair.a || msg.t !== "write" || msg.off !== off || damaged > 0) return msg;
    damaged++;
    const bad = msg.data.slice();
    bad[100] = bad[100]! ^ 0x01;
    return { ...msg, data: bad };
  };
  const reqId = pair.write(pair.a, off, data);
  pair.runUntil(() => !pair.linked);
  while (pair.b.diskQueue.length > 0) pair.step(pair.b, pair.b.diskQueue.shift()!());
  assert.equal(damaged, 1);
  assert.ok(pair.b.logs.some((line) => line.includes("Digest integrity check FAILED")), pair.b.logs.join("\n"));
  assert.ok(Buffer.from(pair.b.data.subarray(off, off + data.length)).equals(Buffer.from(before)), "the damaged data was not written");
  pair.run();
  assert.equal(pair.a.completions.get(reqId)?.error, undefined, "the write completes: the Primary's copy holds it");
  for (let i = 0; i < 20 && pair.b.replica.disk !== "UpToDate"; i++) pair.tick(100);
  assert.equal(pair.a.replica.conn, "Connected");
  assert.equal(pair.b.replica.disk, "UpToDate");
  assert.deepEqual(pair.b.replica.lastSync, { direction: "target", full: false, blocks: 3 }, "the three blocks the write touches are resynced");
  assert.ok(Buffer.from(pair.a.data).equals(Buffer.from(pair.b.data)), "both copies identical");
  assert.ok(Buffer.from(pair.b.data.subarray(off, off + data.length)).equals(Buffer.from(data)));
});

test("data-integrity-alg: damaged resync data is never written; the resync goes on after reconnecting", () => {
  const pair = syncedPair(SIZE, { integrityAlg: "sha256" });
  pair.write(pair.a, 0, pattern(6, SIZE));
  pair.run();
  let damagedBlock: number | undefined;
  pair.onSend = (_from, msg) => {
    if (msg.t !== "rs-data" || damagedBlock !== undefined) return msg;
    damagedBlock = msg.block;
    const bad = msg.data.slice();
    bad[7] = bad[7]! ^ 0x80;
    return { ...msg, data: bad };
  };
  pair.step(pair.b, { kind: "command", reqId: pair.b.nextReq++, command: { verb: "invalidate" } });
  pair.runUntil(() => !pair.linked);
  while (pair.b.diskQueue.length > 0) pair.step(pair.b, pair.b.diskQueue.shift()!());
  assert.ok(damagedBlock !== undefined);
  const at = damagedBlock * BLOCK_BYTES;
  assert.ok(Buffer.from(pair.b.data.subarray(at, at + BLOCK_BYTES)).equals(Buffer.from(pair.a.data.subarray(at, at + BLOCK_BYTES))), "beta's block kept its bytes");
  assert.ok(pair.b.logs.some((line) => line.includes("Digest integrity check FAILED (resync data")), pair.b.logs.join("\n"));
  for (let i = 0; i < 30 && pair.b.replica.disk !== "UpToDate"; i++) pair.tick(100);
  assert.equal(pair.b.replica.disk, "UpToDate");
  assert.ok(Buffer.from(pair.a.data).equals(Buffer.from(pair.b.data)), "both copies identical");
});

test("data-integrity-alg: undamaged writes pass the check and replicate as usual", () => {
  const pair = syncedPair(SIZE, { integrityAlg: "md5" });
  let digests = 0;
  pair.onSend = (_from, msg) => {
    if (msg.t === "write" && msg.digest !== undefined) digests++;
    return msg;
  };
  for (let i = 0; i < 5; i++) pair.write(pair.a, i * 3000, pattern(i, 1000));
  pair.run();
  assert.equal(digests, 5);
  assert.equal(pair.a.replica.conn, "Connected");
  assert.ok(Buffer.from(pair.a.data).equals(Buffer.from(pair.b.data)));
});
