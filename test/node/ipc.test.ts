import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { IpcServer } from "../../src/node/ipc/server.js";
import { QuorateClient } from "../../src/node/ipc/client.js";
import { frameBytesMax, socketName } from "../../src/node/ipc/protocol.js";
import { encodeCpgFrame, encodeJsonFrame, frameKind, onFrames } from "../../src/node/ipc/frames.js";
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

/** Sends raw bytes and collects the JSON reply frames. */
function raw(path: string, bytes: Buffer, replies: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const got: unknown[] = [];
    onFrames(socket, (_kind, body) => {
      got.push(JSON.parse(body.toString()));
      if (got.length >= replies) socket.destroy();
    }, () => socket.destroy());
    socket.on("error", reject);
    socket.on("close", () => resolve(got));
    socket.write(bytes);
  });
}

const jsonText = (text: string) => {
  const frame = Buffer.alloc(5 + Buffer.byteLength(text));
  frame.writeUInt32BE(frame.length - 4, 0);
  frame.writeUInt8(frameKind.json, 4);
  frame.write(text, 5);
  return frame;
};

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
    const badMcast = encodeCpgFrame(frameKind.cpgMcast, { number: 3, pid: 0, group: "g", payload: Buffer.from("x") });
    const replies = await raw(path, Buffer.concat([encodeJsonFrame({ id: 1, op: "frob" }), encodeJsonFrame({ op: "status" }), badMcast, jsonText("this is not json")]), 4);
    assert.deepEqual(replies, [
      { id: 1, ok: false, error: 'unknown op "frob"' },
      { id: 0, ok: false, error: "a request needs an integer id" },
      { id: 3, ok: false, error: "pid must be a positive integer" },
      { id: 0, ok: false, error: "a request is not JSON" },
    ]);
    const huge = Buffer.alloc(5);
    huge.writeUInt32BE(frameBytesMax + 1, 0);
    assert.deepEqual(await raw(path, huge, 1), [{ id: 0, ok: false, error: `a frame of ${frameBytesMax + 1} bytes (1..${frameBytesMax} allowed)` }]);
    assert.equal(server.counters.badRequests, 5);
    const client = await QuorateClient.connect(runDir);
    assert.deepEqual(await client.status(), { nodeid: 7 });
    client.close();
  });
});
