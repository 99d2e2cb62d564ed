import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng } from "../../src/lib/rng.js";
import {
  CibReplica, cloneElement, createElement, descend, serializeXml, versionOf, encodeCibMessage, decodeCibMessage, type CibUpdate, type ReplicaEffect, type XmlElement,
} from "../../src/cib/index.js";
import { parsedRoot, RICH_CIB } from "./fixtures.js";

function withPrimitive(root: XmlElement, id: string): XmlElement {
  const copy = cloneElement(root);
  descend(copy, ["configuration", "resources"])!.children.push(createElement("primitive", { id, class: "ocf", provider: "heartbeat", type: "Dummy" }));
  return copy;
}

function withStatusAttribute(root: XmlElement, value: string): XmlElement {
  const copy = cloneElement(root);
  descend(copy, ["status"])!.attrs.set("marker", value);
  return copy;
}

function broadcasts(effects: ReplicaEffect[]): CibUpdate[] {
  return effects.flatMap((effect) => (effect.kind === "broadcast" ? [effect.update] : []));
}

/** Delivers updates to every replica in one total order, as CPG does; returns each replica's effects. */
function deliver(replicas: CibReplica[], updates: CibUpdate[]): Map<string, ReplicaEffect[]> {
  const effects = new Map(replicas.map((r) => [r.self, [] as ReplicaEffect[]]));
  for (const update of updates) for (const replica of replicas) effects.get(replica.self)!.push(...replica.receive(update));
  return effects;
}

test("a proposal changes nothing until delivered; then every replica applies it and persists first", () => {
  const replicas = ["n1", "n2", "n3"].map((name) => new CibReplica(name, parsedRoot(RICH_CIB)));
  const before = versionOf(replicas[0]!.root);
  const { effects } = replicas[0]!.propose(withPrimitive(replicas[0]!.root, "new1"));
  assert.deepEqual(versionOf(replicas[0]!.root), before);
  const results = deliver(replicas, broadcasts(effects));
  for (const replica of replicas) {
    assert.deepEqual(results.get(replica.self)!.map((e) => e.kind), ["persist", "applied"]);
    assert.deepEqual(replica.version, { ...before, epoch: before.epoch + 1, numUpdates: 0 });
  }
  const status = replicas[1]!.propose(withStatusAttribute(replicas[1]!.root, "x"));
  deliver(replicas, broadcasts(status.effects));
  assert.deepEqual(replicas[2]!.version, { ...before, epoch: before.epoch + 1, numUpdates: 1 });
  assert.equal(new Set(replicas.map((r) => serializeXml(r.root))).size, 1);
});

test("concurrent proposals from the same version: the first delivered wins everywhere, the others are rejected at their origin", () => {
  const replicas = ["n1", "n2", "n3"].map((name) => new CibReplica(name, parsedRoot(RICH_CIB)));
  const proposals = replicas.map((replica, i) => replica.propose(withPrimitive(replica.root, `from-${i}`)));
  const results = deliver(replicas, [2, 0, 1].map((i) => broadcasts(proposals[i]!.effects)[0]!));
  assert.equal(new Set(replicas.map((r) => serializeXml(r.root))).size, 1);
  assert.ok(serializeXml(replicas[0]!.root).includes('id="from-2"'));
  assert.ok(!serializeXml(replicas[0]!.root).includes('id="from-0"'));
  assert.deepEqual(results.get("n1")!.filter((e) => e.kind === "rejected").map((e) => e.kind === "rejected" && e.serial), [proposals[0]!.serial]);
  assert.deepEqual(results.get("n3")!.filter((e) => e.kind === "rejected"), []);
});

test("a replica that missed updates asks for a full copy, ignores patches meanwhile, and catches up", () => {
  const up = new CibReplica("n1", parsedRoot(RICH_CIB));
  const late = new CibReplica("n9", parsedRoot(RICH_CIB));
  for (const id of ["a", "b"]) deliver([up], broadcasts(up.propose(withPrimitive(up.root, id)).effects));
  const next = broadcasts(up.propose(withPrimitive(up.root, "c")).effects);
  const effects = late.receive(next[0]!);
  assert.deepEqual(effects.map((e) => e.kind), ["request-sync"]);
  assert.equal(late.isSyncing, true);
  deliver([up], next);
  assert.deepEqual(late.receive(next[0]!), []);
  assert.deepEqual(late.answerSyncRequest("n9", ["n1", "n9"]), [], "the asker never answers itself");
  const answer = up.answerSyncRequest("n9", ["n1", "n9"]);
  assert.deepEqual(answer.map((e) => e.kind), ["broadcast-full"]);
  assert.deepEqual(up.answerSyncRequest("n9", ["n0", "n1", "n9"]), [], "only the first other member answers");
  assert.deepEqual(late.receiveFull(answer[0]!.kind === "broadcast-full" ? answer[0]!.root : up.root).map((e) => e.kind), ["persist"]);
  assert.equal(serializeXml(late.root), serializeXml(up.root));
  assert.deepEqual(up.receiveFull(parsedRoot(RICH_CIB)), [], "an older full copy never replaces a newer CIB");
});

const SEED = 0xc1b5;

test(`random proposals in a total order keep every replica identical (seed=0x${SEED.toString(16)})`, () => {
  const rng = seededRng(SEED);
  const replicas = ["n1", "n2", "n3", "n4"].map((name) => new CibReplica(name, parsedRoot(RICH_CIB)));
  let pending: CibUpdate[] = [];
  const outcomes = new Map<string, number>();
  for (let step = 0; step < 200; step++) {
    const replica = replicas[rng.int(replicas.length)]!;
    const next = rng.int(2) === 0 ? withPrimitive(replica.root, `p${step}`) : withStatusAttribute(replica.root, String(step));
    pending.push(...broadcasts(replica.propose(next).effects));
    if (rng.int(3) === 0) {
      for (const effects of deliver(replicas, pending).values()) {
        for (const effect of effects) if (effect.kind === "applied" || effect.kind === "rejected") outcomes.set(effect.kind, (outcomes.get(effect.kind) ?? 0) + 1);
      }
      pending = [];
      assert.equal(new Set(replicas.map((r) => serializeXml(r.root))).size, 1, `seed=0x${SEED.toString(16)} step ${step}`);
    }
  }
  assert.ok((outcomes.get("applied") ?? 0) > 40 && (outcomes.get("rejected") ?? 0) > 10, JSON.stringify([...outcomes]));
});

test("replica messages survive encoding, and replicas fed decoded messages converge", () => {
  const replicas = ["n1", "n2"].map((name) => new CibReplica(name, parsedRoot(RICH_CIB)));
  const update = broadcasts(replicas[0]!.propose(withPrimitive(replicas[0]!.root, "wire")).effects)[0]!;
  const decoded = decodeCibMessage(encodeCibMessage({ kind: "update", update }));
  assert.ok(decoded.ok && decoded.value.kind === "update", decoded.ok ? "" : decoded.error);
  deliver(replicas, [decoded.value.update]);
  assert.equal(new Set(replicas.map((r) => serializeXml(r.root))).size, 1);
  assert.ok(serializeXml(replicas[1]!.root).includes('id="wire"'));
  const request = decodeCibMessage(encodeCibMessage({ kind: "sync-request", from: "n2", have: replicas[1]!.version }));
  assert.deepEqual(request.ok && request.value, { kind: "sync-request", from: "n2", have: replicas[1]!.version });
  const full = decodeCibMessage(encodeCibMessage({ kind: "full", from: "n1", root: replicas[0]!.root }));
  assert.ok(full.ok && full.value.kind === "full");
  assert.equal(serializeXml(full.value.root), serializeXml(replicas[0]!.root));
});

test("malformed replica messages are errors, never exceptions", () => {
  const good = encodeCibMessage({ kind: "update", update: broadcasts(new CibReplica("n1", parsedRoot(RICH_CIB)).propose(withPrimitive(parsedRoot(RICH_CIB), "x")).effects)[0]! });
  const rng = seededRng(0xbad);
  for (let i = 0; i < 500; i++) {
    const at = rng.int(good.length);
    const mutated = good.slice(0, at) + ["<", "\"", "x", "", "0"][rng.int(5)]! + good.slice(at + rng.int(4));
    const decoded = decodeCibMessage(mutated);
    if (!decoded.ok) assert.equal(typeof decoded.error, "string");
  }
  assert.deepEqual(decodeCibMessage("<cib-update origin=\"n1\" serial=\"0\"/>"), { ok: false, error: "<cib-update> needs a positive serial" });
  assert.deepEqual(decodeCibMessage("<hello from=\"n1\"/>"), { ok: false, error: "<hello> is not a CIB message" });
  assert.deepEqual(decodeCibMessage("<cib-full/>"), { ok: false, error: "<cib-full> does not say who sent it" });
});
