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
