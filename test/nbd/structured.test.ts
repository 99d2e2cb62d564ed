import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NbdSession, type ExportCatalog, type SessionEffect } from "../../src/nbd/index.js";
import { ChunkType, REPLY_FLAG_DONE, STRUCTURED_REPLY_MAGIC, encodeReadChunks } from "../../src/nbd/core/structured.js";
import { fileDevice, hasProgram, hasPythonNbd, run, serve, systemPython, tempDir, type ServedExports } from "./helpers.js";
import { clientFlags, concat, goData, option, parseOptionReplies, request } from "./wire.js";

// Structured replies and block status (proto.md "Structured reply chunk
// message", "Metadata querying"), in the core and with libnbd clients.
const catalog: ExportCatalog = { names: () => ["disk"], describe: (name) => (name === "disk" ? { sizeBytes: 1 << 20, readOnly: false, multiConn: true } : undefined) };
const OPT = { GO: 7, STRUCTURED_REPLY: 8, LIST_META_CONTEXT: 9, SET_META_CONTEXT: 10 };
const REP = { ACK: 1, META_CONTEXT: 4, ERR_INVALID: 0x80000003 };
const sent = (effects: SessionEffect[]) => concat(effects.flatMap((e) => (e.kind === "send" ? [e.bytes] : [])));

function metaData(name: string, queries: string[]): Uint8Array {
  const strings = [name, ...queries].map((s) => new TextEncoder().encode(s));
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
  parts.push(u32(strings[0]!.length), strings[0]!, u32(queries.length));
  for (const q of strings.slice(1)) parts.push(u32(q.length), q);
  return concat(parts);
}

function chunks(parts: Uint8Array[]): Array<{ flags: number; type: number; offset: number; length: number }> {
  const bytes = concat(parts);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = 0; at < bytes.length;) {
    assert.equal(view.getUint32(at), STRUCTURED_REPLY_MAGIC);
    const length = view.getUint32(at + 16);
    const type = view.getUint16(at + 6);
    out.push({ flags: view.getUint16(at + 4), type, offset: Number(view.getBigUint64(at + 20)), length: type === ChunkType.OFFSET_HOLE ? view.getUint32(at + 28) : length - 8 });
    at += 20 + length;
  }
  return out;
}

test("a read becomes OFFSET_DATA chunks and OFFSET_HOLE chunks for whole zero 4 KiB blocks; the last carries DONE", () => {
  const data = new Uint8Array(5 * 4096);
  data.fill(7, 0, 4096);
  data.fill(9, 3 * 4096 + 5, 3 * 4096 + 6);
  assert.deepEqual(chunks(encodeReadChunks(1n, 8192, data)), [
    { flags: 0, type: ChunkType.OFFSET_DATA, offset: 8192, length: 4096 },
    { flags: 0, type: ChunkType.OFFSET_HOLE, offset: 8192 + 4096, length: 8192 },
    { flags: 0, type: ChunkType.OFFSET_DATA, offset: 8192 + 3 * 4096, length: 4096 },
    { flags: REPLY_FLAG_DONE, type: ChunkType.OFFSET_HOLE, offset: 8192 + 4 * 4096, length: 4096 },
  ]);
  assert.deepEqual(chunks(encodeReadChunks(2n, 0, new Uint8Array(100))), [{ flags: REPLY_FLAG_DONE, type: ChunkType.OFFSET_DATA, offset: 0, length: 100 }], "a short tail is data");
  const lastByteSet = new Uint8Array(4096);
  lastByteSet[4095] = 1;
  assert.deepEqual(chunks(encodeReadChunks(3n, 0, lastByteSet)), [{ flags: REPLY_FLAG_DONE, type: ChunkType.OFFSET_DATA, offset: 0, length: 4096 }], "a block zero but for its last byte is data");
});

test("meta contexts need structured replies first; base:allocation is listed and selected; BLOCK_STATUS needs it", () => {
  const session = new NbdSession(catalog);
  session.receive(clientFlags(3));
  const first = parseOptionReplies(sent(session.receive(option(OPT.SET_META_CONTEXT, metaData("disk", ["base:allocation"])))));
  assert.equal(first[0]!.type, REP.ERR_INVALID);
  assert.equal(parseOptionReplies(sent(session.receive(option(OPT.STRUCTURED_REPLY, new Uint8Array(1)))))[0]!.type, REP.ERR_INVALID, "takes no data");
  assert.equal(parseOptionReplies(sent(session.receive(option(OPT.STRUCTURED_REPLY))))[0]!.type, REP.ACK);
  const listed = parseOptionReplies(sent(session.receive(option(OPT.LIST_META_CONTEXT, metaData("disk", [])))));
  assert.deepEqual(listed.map((r) => r.type), [REP.META_CONTEXT, REP.ACK]);
  assert.equal(Buffer.from(listed[0]!.data.subarray(4)).toString(), "base:allocation");
  const other = parseOptionReplies(sent(session.receive(option(OPT.SET_META_CONTEXT, metaData("disk", ["qemu:dirty-bitmap:x"])))));
  assert.deepEqual(other.map((r) => r.type), [REP.ACK], "no match: ACK alone");
  session.receive(option(OPT.GO, goData("disk")));
  const refused = sent(session.receive(request(7, 5n, 0, 4096)));
  assert.equal(new DataView(refused.buffer, refused.byteOffset).getUint32(0), STRUCTURED_REPLY_MAGIC, "the EINVAL is an error chunk");
  assert.equal(new DataView(refused.buffer, refused.byteOffset).getUint32(20), 22);
});

const clients = ["nbdinfo", "nbdcopy"].every(hasProgram) && (await hasPythonNbd()) ? false : "needs nbdinfo, nbdcopy (libnbd-bin) and python3-libnbd";

describe("structured replies with libnbd clients", { skip: clients }, () => {
  let dir: { path: string; dispose(): Promise<void> };
  let served: ServedExports;
  const image = randomBytes(1 << 20);
  before(async () => {
    dir = await tempDir("qn-structured-");
    image.fill(0, 256 * 1024, 768 * 1024); // a zero middle: read back as holes
    const device = await fileDevice(dir.path, "disk.img", image.length);
    await device.write(0, image, false);
    served = await serve(16460, { disk: device });
  });
  after(async () => {
    await served?.dispose();
    await dir?.dispose();
  });

  test("nbdinfo reports structured replies and maps base:allocation; nbdcopy reads back byte for byte", async () => {
    const info = await run("nbdinfo", [served.uri("disk")]);
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /using structured packets/);
    const map = await run("nbdinfo", ["--map", served.uri("disk")]);
    assert.equal(map.status, 0, map.stderr);
    assert.match(map.stdout, /^\s+0\s+1048576\s+0\s+data/m);
    const out = join(dir.path, "out.img");
    const copy = await run("nbdcopy", [served.uri("disk"), out]);
    assert.equal(copy.status, 0, copy.stderr);
    assert.ok(readFileSync(out).equals(image));
  });

  test("libnbd sees the zero middle as hole chunks; without structured replies it reads the same bytes", async () => {
    const script = join(dir.path, "chunks.py");
    writeFileSync(script, `
import nbd, sys
h = nbd.NBD()
h.connect_uri(sys.argv[1])
kinds = []
def chunk(sub, off, status, err):
    kinds.append((status, off, len(sub)))
    return 0
buf = h.pread_structured(1 << 20, 0, chunk)
holes = sum(n for s, o, n in kinds if s == nbd.READ_HOLE)
print(holes, h.get_structured_replies_negotiated())
plain = nbd.NBD()
plain.set_request_structured_replies(False)
plain.connect_uri(sys.argv[1])
print(plain.pread(1 << 20, 0) == buf, plain.get_structured_replies_negotiated())
`);
    const result = await run(systemPython, [script, served.uri("disk")]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${512 * 1024} True\nTrue False\n`);
  });
});
