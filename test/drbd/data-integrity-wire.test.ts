import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { hasProgram, run, waitFor } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// data-integrity-alg on real sockets: alpha reaches beta through a proxy that
// damages one byte of one replicated write, as a bad NIC would (TCP's
// checksum is computed after the damage). Beta must write nothing of it, drop
// the connection, and after the reconnect the block is resynced: both copies
// equal, the client's data intact on the peer.
const skip = hasProgram("qemu-io") ? false : "needs qemu-io (qemu-utils)";
const PROXY_PORT = 16502;
const PATTERN = 0x5a;

/** The first run of 64 PATTERN bytes in a chunk: inside a write's payload, never in a frame header. */
function payloadAt(chunk: Buffer): number {
  return chunk.indexOf(Buffer.alloc(64, PATTERN));
}

describe("data-integrity-alg: a write damaged on the wire", { skip }, () => {
  let nodes: TwoNodes;
  let proxy: Server;
  const sockets = new Set<Socket>();
  let armed = false;
  let damaged = 0;

  before(async () => {
    nodes = await TwoNodes.create("qd-integrity-", {
      ipBlock: 9, firstPair: 5, backingMiB: 8, net: "data-integrity-alg sha256;",
      // alpha (the node that dials) reaches beta at the proxy, on alpha's own address.
      nodeConfig: {
        alpha: (text) => {
          const alphaIp = /on alpha \{[^}]*address ([\d.]+):16500;/.exec(text)![1]!;
          return text.replace(/(on beta \{[^}]*address )[\d.]+:16500;/, `$1${alphaIp}:${PROXY_PORT};`);
        },
      },
    });
    proxy = createServer((client) => {
      const upstream = connect(16500, nodes.ip("beta"));
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on("data", (chunk: Buffer) => {
        const at = armed ? payloadAt(chunk) : -1;
        if (at >= 0) {
          chunk[at + 10] = chunk[at + 10]! ^ 0xff;
          armed = false;
          damaged++;
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(PROXY_PORT, nodes.ip("alpha"), resolve));
    await nodes.startSynced();
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    proxy?.close();
    await nodes?.dispose();
  });

  const qemuIo = async (node: NodeName, command: string, readOnly = false) => {
    const result = await run("qemu-io", [...(readOnly ? ["-r"] : []), "-f", "raw", "-c", command, nodes.uri(node)], { timeoutMs: 60_000 });
    assert.equal(result.status, 0, `${command}: ${result.stderr}`);
    assert.doesNotMatch(result.stdout, /Pattern verification failed/, command);
  };

  test("the peer refuses the damaged write, the link drops, the block is resynced and both copies agree", async () => {
    armed = true;
    await qemuIo("alpha", `write -P ${PATTERN} 1M 4k`);
    assert.equal(damaged, 1, "the proxy damaged one write");
    await waitFor("beta to log the failed check", () => /Digest integrity check FAILED/.test(nodes.log("beta")), 15_000);
    await nodes.waitConnected("alpha", 30_000);
    await nodes.waitInSync("beta");
    assert.equal(await nodes.verify("alpha"), 0, "online verify finds no difference");
    await nodes.ok("alpha", "secondary", "r0");
    await nodes.ok("beta", "primary", "r0");
    await qemuIo("beta", `read -P ${PATTERN} 1M 4k`, true);
    await nodes.ok("beta", "secondary", "r0");
  });
});
