import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CibReplica, cloneElement, createElement, decodeCibMessage, descend, encodeCibMessage, readCibFile, serializeXml, writeCibFile,
  type ReplicaEffect, type XmlElement,
} from "../../src/cib/index.js";
import { parsedRoot, RICH_CIB } from "./fixtures.js";

/** A minimal driver: persists before it reports, and sends every message through the wire encoding. */
class Node {
  replica: CibReplica;
  constructor(readonly name: string, readonly directory: string, root: XmlElement) {
    this.replica = new CibReplica(name, root);
  }

  async carryOut(effects: ReplicaEffect[], outbox: string[]): Promise<void> {
    for (const effect of effects) {
      if (effect.kind === "persist") await writeCibFile(this.directory, effect.root);
      else if (effect.kind === "broadcast") outbox.push(encodeCibMessage({ kind: "update", update: effect.update }));
      else if (effect.kind === "broadcast-full") outbox.push(encodeCibMessage({ kind: "full", from: this.name, root: effect.root }));
      else if (effect.kind === "request-sync") outbox.push(encodeCibMessage({ kind: "sync-request", from: this.name, have: effect.have }));
    }
  }

  receive(payload: string, members: string[]): ReplicaEffect[] {
    const message = decodeCibMessage(payload);
    assert.ok(message.ok, message.ok ? "" : message.error);
    switch (message.value.kind) {
      case "update": return this.replica.receive(message.value.update);
      case "sync-request": return this.replica.answerSyncRequest(message.value.from, members);
      case "full": return this.replica.receiveFull(message.value.root);
    }
  }
}

/** Delivers queued payloads to every node in one total order until the queue is empty. */
async function run(nodes: Node[], outbox: string[]): Promise<void> {
  const members = nodes.map((node) => node.name);
  for (let delivered = 0; outbox.length > 0; delivered++) {
    assert.ok(delivered < 1000, "messages keep coming: the protocol does not settle");
    const payload = outbox.shift()!;
    for (const node of nodes) await node.carryOut(node.receive(payload, members), outbox);
  }
}

function withPrimitive(root: XmlElement, id: string): XmlElement {
  const copy = cloneElement(root);
  descend(copy, ["configuration", "resources"])!.children.push(createElement("primitive", { id, class: "ocf", provider: "heartbeat", type: "Dummy" }));
  return copy;
}

test("replicas persist every applied change; a node restarted from disk catches up by sync", async (t) => {
  const base = await mkdtemp(join(tmpdir(), "quorate-cib-replicas-"));
  t.after(() => rm(base, { recursive: true, force: true }));
  const nodes = await Promise.all(["n1", "n2", "n3"].map(async (name) => {
    await mkdir(join(base, name));
    return new Node(name, join(base, name), parsedRoot(RICH_CIB));
  }));
  const outbox: string[] = [];
  await nodes[0]!.carryOut(nodes[0]!.replica.propose(withPrimitive(nodes[0]!.replica.root, "a")).effects, outbox);
  await run(nodes, outbox);
  // n3 stops; two more changes happen without it.
  const [n1, n2, n3] = nodes as [Node, Node, Node];
  for (const id of ["b", "c"]) {
    await n2.carryOut(n2.replica.propose(withPrimitive(n2.replica.root, id)).effects, outbox);
    await run([n1, n2], outbox);
  }
  // n3 restarts from its own disk (at "a"), then sees the next change and syncs.
  const stored = await readCibFile(n3.directory);
  assert.ok(stored.ok, stored.ok ? "" : stored.error.message);
  const restarted = new Node("n3", n3.directory, stored.value.root);
  assert.ok(serializeXml(restarted.replica.root).includes('id="a"') && !serializeXml(restarted.replica.root).includes('id="b"'));
  await n1.carryOut(n1.replica.propose(withPrimitive(n1.replica.root, "d")).effects, outbox);
  await run([n1, n2, restarted], outbox);
  await n1.carryOut(n1.replica.propose(withPrimitive(n1.replica.root, "e")).effects, outbox);
  await run([n1, n2, restarted], outbox);
  const texts = [n1, n2, restarted].map((node) => serializeXml(node.replica.root));
  assert.equal(new Set(texts).size, 1);
  for (const id of ["a", "b", "c", "d", "e"]) assert.ok(texts[0]!.includes(`<primitive id="${id}"`), id);
  for (const node of [n1, n2, restarted]) {
    const onDisk = await readCibFile(node.directory);
    assert.ok(onDisk.ok);
    assert.equal(serializeXml(onDisk.value.root), texts[0], `${node.name} persisted the final CIB`);
  }
});
