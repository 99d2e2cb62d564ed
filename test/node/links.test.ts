import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { LinkTransport, type LinkSpec } from "../../src/node/driver/links.js";
import { PacketSealer } from "../../src/node/driver/seal.js";
import type { NodeId } from "../../src/node/config/model.js";
import { waitFor } from "./helpers.js";

const key = randomBytes(128);
const id = (n: number) => n as NodeId;

/** Two nodes, two links each: link 0 on 127.0.4.x, link 1 on 127.0.5.x. */
async function pair(port: number) {
  const received: Array<{ at: NodeId; from: NodeId; text: string }> = [];
  const open = (self: number, other: number) => {
    const links: LinkSpec[] = [0, 1].map((link) => ({
      linknumber: link, local: { addr: `127.0.${4 + link}.${self}`, port: port + link },
      peers: new Map([[id(other), { addr: `127.0.${4 + link}.${other}`, port: port + link }]]),
    }));
    return LinkTransport.open({
      self: id(self), links, linkMode: "passive", pingIntervalMs: 20, pingTimeoutMs: 100,
      sealer: new PacketSealer({ nodeid: id(self), clusterName: "links", cipher: "aes256", hash: "sha256", authkey: key, epoch: BigInt(self) }),
      onData: (from, payload) => received.push({ at: id(self), from, text: payload.toString() }),
    });
  };
  return { a: await open(1, 2), b: await open(2, 1), received };
}

test("data reaches the peer on link 0 while it delivers; both links show connected", async () => {
  const { a, b, received } = await pair(15420);
  try {
    await waitFor("links up", () => (a.status().every((l) => l.peers[0]?.connected) ? true : undefined), 2000);
    a.send(id(2), Buffer.from("one"));
    b.broadcast(Buffer.from("two"));
    await waitFor("delivery", () => (received.length === 2 ? true : undefined), 2000);
    assert.deepEqual(received.map((r) => [r.at, r.from, r.text]).sort(), [[1, 2, "two"], [2, 1, "one"]]);
    assert.deepEqual(a.reachablePeers(), [2]);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test("when link 0 stops delivering, traffic fails over to link 1 and link status shows it", async () => {
  const { a, b, received } = await pair(15430);
  try {
    await waitFor("links up", () => (a.status().every((l) => l.peers[0]?.connected) ? true : undefined), 2000);
    // Close node 2's link-0 socket: node 1's datagrams on link 0 go nowhere from now on.
    (b as unknown as { links: Array<{ sockets: Array<{ close(): void }> }> }).links[0]!.sockets.forEach((s) => s.close());
    (b as unknown as { links: Array<{ sockets: unknown[] }> }).links[0]!.sockets = [];
    await waitFor("link 0 down", () => (a.status()[0]!.peers[0]!.connected ? undefined : true), 2000);
    // Under heavy load a 100 ms ping timeout may drop link 1 for a moment too: it must be (or come back) up.
    await waitFor("link 1 up", () => (a.status()[1]!.peers[0]!.connected ? true : undefined), 2000);
    a.send(id(2), Buffer.from("via link 1"));
    await waitFor("delivery on link 1", () => received.find((r) => r.text === "via link 1"), 2000);
  } finally {
    a.dispose();
    b.dispose();
  }
});
