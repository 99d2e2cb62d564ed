import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeFrame, FrameReader } from "../../src/drbd/driver/framing.js";
import type { PeerMsg } from "../../src/drbd/core/types.js";

function decodeAll(parts: Buffer[], chunkBytes: number): PeerMsg[] {
  const stream = Buffer.concat(parts);
  const reader = new FrameReader();
  const out: PeerMsg[] = [];
  for (let at = 0; at < stream.length; at += chunkBytes) {
    reader.push(stream.subarray(at, at + chunkBytes));
    for (let msg = reader.next(); msg !== undefined; msg = reader.next()) {
      assert.ok(!(msg instanceof Error), String(msg));
      out.push(msg);
    }
  }
  return out;
}

test("a replicated write's payload travels as bytes: a Buffer (as read from an NBD socket) never goes into the JSON header", () => {
  const data = Buffer.alloc(4096, 0xab);
  const parts = encodeFrame({ t: "write", seq: 7, off: 8192, fua: true, data });
  // prefix, header, payload; the header names the payload and stays small (Buffer.toJSON would make it ~15 KB).
  assert.equal(parts.length, 3);
  assert.ok(parts[1]!.length < 100, `header of ${parts[1]!.length} bytes`);
  assert.equal(parts[2]!.length, 4096);
  for (const chunkBytes of [1, 5, 4099, 1 << 20]) {
    const [msg] = decodeAll(parts, chunkBytes);
    assert.ok(msg !== undefined && msg.t === "write");
    assert.deepEqual({ seq: msg.seq, off: msg.off, fua: msg.fua }, { seq: 7, off: 8192, fua: true });
    assert.deepEqual(Buffer.from(msg.data), data);
  }
});

test("frames without a payload and several frames in one chunk decode in order", () => {
  const parts = [...encodeFrame({ t: "write-ack", seq: 1, ok: true }), ...encodeFrame({ t: "ping" }), ...encodeFrame({ t: "write-ack", seq: 2, ok: false })];
  assert.deepEqual(decodeAll(parts, 1 << 20), [{ t: "write-ack", seq: 1, ok: true }, { t: "ping" }, { t: "write-ack", seq: 2, ok: false }]);
});

test("a large payload still on its way is reserved: the rest can be read straight into the message's own buffer", () => {
  const data = Buffer.alloc(256 * 1024, 0x5a);
  const stream = Buffer.concat(encodeFrame({ t: "write", seq: 3, off: 0, fua: false, data }));
  const reader = new FrameReader();
  const firstBytes = 1000;
  reader.push(stream.subarray(0, firstBytes));
  assert.equal(reader.next(), undefined);
  const sink = reader.sink();
  assert.ok(sink !== undefined, "the payload is reserved once its header is read");
  assert.equal(sink.length, stream.length - firstBytes, "the sink is exactly the rest of the frame");
  sink.set(stream.subarray(firstBytes));
  reader.sunk(sink.length);
  const msg = reader.next();
  assert.ok(msg !== undefined && !(msg instanceof Error) && msg.t === "write");
  assert.equal(msg.data.buffer, sink.buffer, "the message's data is the buffer the socket filled");
  assert.deepEqual(Buffer.from(msg.data), data);
});

test("malformed frames are errors, not messages", () => {
  const frame = (header: string, payloadBytes: number) => {
    const json = Buffer.from(header);
    const prefix = Buffer.alloc(6);
    prefix.writeUInt32BE(2 + json.length + payloadBytes, 0);
    prefix.writeUInt16BE(json.length, 4);
    return Buffer.concat([prefix, json, Buffer.alloc(payloadBytes)]);
  };
  const first = (bytes: Buffer) => {
    const reader = new FrameReader();
    reader.push(bytes);
    return reader.next();
  };
  assert.match(String(first(frame('{"t":"ping"}', 4))), /4 payload bytes without a payload key/);
  assert.match(String(first(frame('{"t":"write","$payload":"other"}', 4))), /bad payload key/);
  assert.match(String(first(frame("[1]", 0))), /frame without a type/);
  assert.match(String(first(frame("{", 0))), /bad frame header/);
  assert.match(String(first(Buffer.from([0, 0, 0, 1, 0, 0]))), /bad frame length 1/);
});
