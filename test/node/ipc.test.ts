import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { IpcServer } from "../../src/node/ipc/server.js";
import { QuorateClient } from "../../src/node/ipc/client.js";
import { socketName } from "../../src/node/ipc/protocol.js";
import { tempDir, waitFor } from "./helpers.js";

async function withServer(body: (server: IpcServer, runDir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir("ipc");
  const server = await IpcServer.listen(dir.path, (connection, request) => {
    if (request.op === "status") return { result: { nodeid: 7 } };
    if (request.op === "track") {
      connection.tracking = true;
      return {};
    }
    return { error: `${request.op} refused` };
  }, () => undefined);
  try {
    await body(server, dir.path);
  } finally {
    await server.dispose();
    await dir.remove();
  }
}

/** Sends raw lines and collects the reply lines. */
function raw(path: string, text: string, replies: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffered = "";
    socket.on("data", (d) => {
      buffered += d.toString();
      const lines = buffered.split("\n").filter((l) => l !== "");
      if (lines.length >= replies) {
        socket.destroy();
        resolve(lines);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(buffered.split("\n").filter((l) => l !== "")));
    socket.write(text);
  });
}

test("a client gets replies matched by id, errors as rejections, and pushed events after track()", async () => {
  await withServer(async (server, runDir) => {
    const client = await QuorateClient.connect(runDir);
    assert.deepEqual(await client.status(), { nodeid: 7 });
    await assert.rejects(client.cpgJoin("g", { deliver: () => {}, confchg: () => {} }), /cpg_join refused/);
    const rings: unknown[] = [];
    client.on("ring", (e) => rings.push(e));
    await client.track();
    server.publish({ event: "ring", ring_id: "1.4", members: [1, 2], joined: [2], left: [] });
    await waitFor("the pushed ring event", () => (rings.length === 1 ? true : undefined), 2000);
    assert.deepEqual(rings[0], { event: "ring", ring_id: "1.4", members: [1, 2], joined: [2], left: [] });
    client.close();
  });
});

test("malformed requests get an error reply and are counted; the endpoint keeps serving", async () => {
  await withServer(async (server, runDir) => {
    const path = join(runDir, socketName);
    const replies = await raw(path, '{"id":1,"op":"frob"}\n{"op":"status"}\n{"id":2,"op":"cpg_mcast","group":"g","pid":1}\n', 3);
    assert.deepEqual(replies.map((l) => JSON.parse(l)), [
      { id: 1, ok: false, error: 'unknown op "frob"' },
      { id: 0, ok: false, error: "a request needs an integer id" },
      { id: 2, ok: false, error: "data must be base64" },
    ]);
    const notJson = await raw(path, "this is not json\n", 1);
    assert.deepEqual(JSON.parse(notJson[0]!), { id: 0, ok: false, error: "a line is not JSON" });
    assert.equal(server.counters.badRequests, 4);
    const client = await QuorateClient.connect(runDir);
    assert.deepEqual(await client.status(), { nodeid: 7 });
    client.close();
  });
});
