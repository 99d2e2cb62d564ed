import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { bootEpoch, PacketSealer } from "../../src/node/driver/seal.js";
import type { NodeId } from "../../src/node/config/model.js";
import { seededRng } from "../../src/lib/rng.js";

const key = randomBytes(256);
const sealer = (nodeid: number, options: { clusterName?: string; authkey?: Buffer; epoch?: bigint; cipher?: "none" | "aes256"; hash?: "none" | "sha1" | "sha256" } = {}) =>
  new PacketSealer({
    nodeid: nodeid as NodeId, clusterName: options.clusterName ?? "alpha", cipher: options.cipher ?? "aes256", hash: options.hash ?? (options.cipher === "none" ? "none" : "sha256"),
    authkey: options.authkey ?? key, epoch: options.epoch ?? 1000n,
  });

test("a sealed packet opens on a peer with the same key and cluster_name, and hides its payload", () => {
  const [a, b] = [sealer(1), sealer(2)];
  const payload = Buffer.from("hello totem ring, hello totem ring");
  const packet = a.seal(payload);
  assert.equal(packet.includes(payload.subarray(0, 16)), false, "the payload is encrypted");
  const opened = b.open(packet);
  assert.ok(opened.ok);
  assert.equal(opened.sender, 1);
  assert.deepEqual(opened.payload, payload);
});

test("another key, another cluster_name or a flipped bit fails authentication and is counted", () => {
  const a = sealer(1);
  const packet = a.seal(Buffer.from("join"));
  const otherKey = sealer(2, { authkey: randomBytes(256) });
  const otherCluster = sealer(2, { clusterName: "beta" });
  assert.deepEqual(otherKey.open(packet), { ok: false, reason: "auth" });
  assert.deepEqual(otherCluster.open(packet), { ok: false, reason: "auth" });
  const b = sealer(2);
  for (let bit = 0; bit < packet.length * 8; bit += 7) {
    const damaged = Buffer.from(packet);
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    assert.equal(b.open(damaged).ok, false, `bit ${bit} flipped must not open`);
  }
  assert.equal(b.open(packet).ok, true, "the undamaged packet still opens once");
  assert.ok(b.drops.auth > 0);
});

test("replays are rejected; reordering within the window is not; an older boot epoch is rejected", () => {
  const a = sealer(1, { epoch: 5000n });
  const b = sealer(2);
  const packets = Array.from({ length: 50 }, (_, i) => a.seal(Buffer.from([i])));
  const rng = seededRng(7);
  const shuffled = [...packets].sort(() => rng.next() - 0.5);
  for (const packet of shuffled) assert.equal(b.open(packet).ok, true);
  for (const packet of packets) assert.deepEqual(b.open(packet), { ok: false, reason: "replay" });
  assert.equal(b.drops.replay, 50);
  const restarted = sealer(1, { epoch: 6000n });
  assert.equal(b.open(restarted.seal(Buffer.from("after restart"))).ok, true, "a new boot starts counting again");
  assert.deepEqual(b.open(a.seal(Buffer.from("old boot"))), { ok: false, reason: "replay" });
});

test("garbage and truncated packets never throw and are counted (truncation only fails authentication with crypto on)", () => {
  for (const cipher of ["aes256", "none"] as const) {
    const b = sealer(2, { cipher });
    const rng = seededRng(42);
    const good = sealer(1, { cipher }).seal(Buffer.from("token"));
    for (let i = 0; i < 2000; i++) {
      const junk = i % 2 === 0 || cipher === "none" ? Buffer.from(Array.from({ length: rng.int(80) }, () => rng.int(256))) : good.subarray(0, rng.int(good.length));
      assert.equal(b.open(junk).ok, false);
    }
    const counted = Object.values(b.drops).reduce((x, y) => x + y, 0);
    assert.equal(counted, 2000, `every drop is counted (${cipher})`);
  }
});

test("without crypto, another cluster_name is still kept out", () => {
  const a = sealer(1, { cipher: "none", clusterName: "alpha" });
  const b = sealer(2, { cipher: "none", clusterName: "beta" });
  assert.deepEqual(b.open(a.seal(Buffer.from("x"))), { ok: false, reason: "cluster" });
  assert.equal(sealer(3, { cipher: "none" }).open(a.seal(Buffer.from("x"))).ok, true);
});

test("crypto_cipher none with crypto_hash (HMAC only): the payload travels in clear but authenticated; another key or cluster, a flipped bit, a replay are dropped", () => {
  for (const hash of ["sha1", "sha256"] as const) {
    const a = sealer(1, { cipher: "none", hash });
    const b = sealer(2, { cipher: "none", hash });
    const payload = Buffer.from("hello totem ring, in clear");
    const packet = a.seal(payload);
    assert.ok(packet.includes(payload), "not encrypted");
    assert.equal(packet.length, 21 + payload.length + (hash === "sha1" ? 20 : 32), "header, payload, full-length digest");
    assert.deepEqual(sealer(2, { cipher: "none", hash, authkey: randomBytes(256) }).open(packet), { ok: false, reason: "auth" });
    assert.deepEqual(sealer(2, { cipher: "none", hash, clusterName: "beta" }).open(packet), { ok: false, reason: "auth" });
    assert.deepEqual(sealer(2, { cipher: "none" }).open(packet), { ok: false, reason: "version" }, "an unauthenticated node does not take it");
    assert.deepEqual(sealer(2).open(packet), { ok: false, reason: "version" }, "nor an encrypting one");
    for (let bit = 0; bit < packet.length * 8; bit += 5) {
      const damaged = Buffer.from(packet);
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(b.open(damaged).ok, false, `${hash}: bit ${bit} flipped must not open`);
    }
    const opened = b.open(packet);
    assert.ok(opened.ok && opened.sender === 1 && opened.payload.equals(payload));
    assert.deepEqual(b.open(packet), { ok: false, reason: "replay" });
    assert.ok(b.sealed, "status shows packets as authenticated");
  }
});

test("boot epochs grow with the wall clock", () => {
  assert.ok(bootEpoch(1_700_000_000_001, 0) > bootEpoch(1_700_000_000_000, 0xffff));
});
