import { test } from "node:test";
import assert from "node:assert/strict";
import { NbdSession, type SessionEffect, type ExportCatalog, type ExportDescription } from "../../src/nbd/index.js";
import { seededRng } from "../../src/lib/rng.js";
import { clientFlags, concat, goData, option, parseOptionReplies, parseSimpleReply, request } from "./wire.js";

// Tests cite proto.md ("The NBD protocol", NetworkBlockDevice/nbd doc/proto.md).
const MiB = 1024 * 1024;
const exportsByName: Record<string, ExportDescription> = {
  disk: { sizeBytes: 64 * MiB, readOnly: false, multiConn: true },
  ro: { sizeBytes: 1 * MiB, readOnly: true, multiConn: true },
};
const catalog: ExportCatalog = { names: () => Object.keys(exportsByName), describe: (name) => exportsByName[name] };
const OPT = { EXPORT_NAME: 1, ABORT: 2, LIST: 3, INFO: 6, GO: 7, STRUCTURED_REPLY: 8 };
const REP = { ACK: 1, SERVER: 2, INFO: 3, ERR_UNSUP: 0x80000001, ERR_INVALID: 0x80000003, ERR_UNKNOWN: 0x80000006 };
const CMD = { READ: 0, WRITE: 1, DISC: 2, FLUSH: 3, TRIM: 4, WRITE_ZEROES: 6 };

function sent(effects: SessionEffect[]): Uint8Array {
  return concat(effects.flatMap((e) => (e.kind === "send" ? [e.bytes] : [])));
}

function attached(name = "disk"): NbdSession {
  const session = new NbdSession(catalog);
  session.greeting();
  const effects = session.receive(concat([clientFlags(3), option(OPT.GO, goData(name))]));
  assert.ok(effects.some((e) => e.kind === "attach" && e.exportName === name));
  return session;
}

test("the server greets with NBDMAGIC, IHAVEOPT and FIXED_NEWSTYLE|NO_ZEROES (proto.md: fixed newstyle negotiation)", () => {
  const bytes = sent(new NbdSession(catalog).greeting());
  assert.equal(Buffer.from(bytes.subarray(0, 16)).toString("latin1"), "NBDMAGICIHAVEOPT");
  assert.deepEqual([...bytes.subarray(16)], [0, 3]);
});

test("unknown client flags make the server drop the connection (proto.md: client flags)", () => {
  const session = new NbdSession(catalog);
  const effects = session.receive(clientFlags(0x4));
  assert.deepEqual(effects.at(-1), { kind: "close", reason: "unknown client flags 0x4", violation: true });
  assert.equal(session.closed, true);
});

test("NBD_OPT_LIST answers one NBD_REP_SERVER per export, then NBD_REP_ACK", () => {
  const session = new NbdSession(catalog);
  const replies = parseOptionReplies(sent(session.receive(concat([clientFlags(1), option(OPT.LIST)]))));
  assert.deepEqual(replies.map((r) => r.type), [REP.SERVER, REP.SERVER, REP.ACK]);
  assert.equal(Buffer.from(replies[0]!.data.subarray(4)).toString(), "disk");
  const invalid = parseOptionReplies(sent(session.receive(option(OPT.LIST, new Uint8Array(1)))));
  assert.equal(invalid[0]!.type, REP.ERR_INVALID);
});

test("NBD_OPT_INFO describes an export and stays in negotiation; an unknown name gets NBD_REP_ERR_UNKNOWN", () => {
  const session = new NbdSession(catalog);
  session.receive(clientFlags(1));
  assert.equal(parseOptionReplies(sent(session.receive(option(OPT.INFO, goData("nope")))))[0]!.type, REP.ERR_UNKNOWN);
  const effects = session.receive(option(OPT.INFO, goData("ro", [1])));
  assert.ok(!effects.some((e) => e.kind === "attach"));
  const replies = parseOptionReplies(sent(effects));
  assert.deepEqual(replies.map((r) => r.type), [REP.INFO, REP.INFO, REP.INFO, REP.ACK]);
  const info = new DataView(replies[0]!.data.buffer, replies[0]!.data.byteOffset);
  assert.equal(info.getUint16(0), 0); // NBD_INFO_EXPORT
  assert.equal(info.getBigUint64(2), BigInt(MiB));
  assert.equal(info.getUint16(10), 0b1_0000_1111 & ~0b1100_0000); // HAS_FLAGS READ_ONLY FLUSH FUA MULTI_CONN, no TRIM/ZEROES
  assert.equal(Buffer.from(replies[1]!.data.subarray(2)).toString(), "ro"); // NBD_INFO_NAME, as requested
  assert.equal(new DataView(replies[2]!.data.buffer, replies[2]!.data.byteOffset).getUint16(0), 3); // NBD_INFO_BLOCK_SIZE
});

test("NBD_OPT_GO ends negotiation on the named export with a writable export's flags", () => {
  const session = new NbdSession(catalog);
  const effects = session.receive(concat([clientFlags(1), option(OPT.GO, goData("disk"))]));
  const flags = new DataView(parseOptionReplies(sent(effects))[0]!.data.buffer).getUint16(10 + 20);
  assert.equal(flags, 0x1 | 0x4 | 0x8 | 0x20 | 0x40 | 0x100);
  assert.deepEqual(effects.at(-1), { kind: "attach", exportName: "disk" });
});

test("malformed NBD_OPT_GO data and unsupported options are errors that keep the session", () => {
  const session = new NbdSession(catalog);
  session.receive(clientFlags(1));
  assert.equal(parseOptionReplies(sent(session.receive(option(OPT.GO, new Uint8Array([0, 0, 0, 9, 0])))))[0]!.type, REP.ERR_INVALID);
  assert.equal(parseOptionReplies(sent(session.receive(option(99))))[0]!.type, REP.ERR_UNSUP);
  assert.equal(session.closed, false);
});

test("NBD_OPT_EXPORT_NAME replies size and flags, with the 124 zero bytes unless NO_ZEROES was agreed", () => {
  const withZeroes = new NbdSession(catalog).receive(concat([clientFlags(1), option(OPT.EXPORT_NAME, Buffer.from("disk"))]));
  assert.equal(sent(withZeroes).length, 134);
  const noZeroes = new NbdSession(catalog).receive(concat([clientFlags(3), option(OPT.EXPORT_NAME, Buffer.from("disk"))]));
  assert.equal(sent(noZeroes).length, 10);
  const unknown = new NbdSession(catalog).receive(concat([clientFlags(3), option(OPT.EXPORT_NAME, Buffer.from("x"))]));
  assert.equal(unknown.at(-1)?.kind, "close");
});

test("NBD_OPT_ABORT is acknowledged, then the session ends without a violation", () => {
  const effects = new NbdSession(catalog).receive(concat([clientFlags(1), option(OPT.ABORT)]));
  assert.equal(parseOptionReplies(sent(effects))[0]!.type, REP.ACK);
  assert.deepEqual(effects.at(-1), { kind: "close", reason: "client aborted negotiation", violation: false });
});

test("a write split into single bytes arrives as one request with its payload", () => {
  const session = attached();
  const payload = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
  const stream = request(CMD.WRITE, 7n, 4096, payload.length, 1, payload);
  const effects = [...stream].flatMap((byte) => session.receive(Uint8Array.of(byte)));
  assert.equal(effects.length, 1);
  const effect = effects[0]!;
  assert.ok(effect.kind === "request" && effect.request.kind === "write");
  assert.deepEqual({ ...effect.request, data: [...effect.request.data] }, { kind: "write", handle: 7n, offsetBytes: 4096, data: [...payload], fua: true });
});

function errorOf(effects: SessionEffect[]): number {
  return parseSimpleReply(sent(effects)).error;
}

test("invalid requests get the errors proto.md names, and a refused write's payload is skipped", () => {
  const session = attached();
  assert.equal(errorOf(session.receive(request(CMD.WRITE, 1n, 64 * MiB - 1, 2, 0, new Uint8Array(2)))), 28); // ENOSPC past the end
  assert.equal(errorOf(session.receive(request(CMD.READ, 2n, 64 * MiB, 1))), 22); // EINVAL
  assert.equal(errorOf(session.receive(request(CMD.READ, 3n, 0, 33 * MiB))), 75); // EOVERFLOW above the maximum block size
  assert.equal(errorOf(session.receive(request(9, 4n, 0, 0))), 22); // unknown command
  assert.equal(errorOf(session.receive(request(CMD.READ, 5n, 0, 1, 0x2))), 22); // NO_HOLE is not a read flag
  assert.equal(errorOf(session.receive(request(CMD.FLUSH, 6n, 0, 512))), 22); // flush offset/length must be zero
  const big = 33 * MiB;
  assert.deepEqual(session.receive(request(CMD.WRITE, 8n, 0, big, 0)), []); // no reply in the middle of the payload
  assert.deepEqual(session.receive(new Uint8Array(big - 1)), []);
  assert.equal(errorOf(session.receive(new Uint8Array(1))), 75);
  const next = session.receive(request(CMD.FLUSH, 9n, 0, 0));
  assert.deepEqual(next, [{ kind: "request", request: { kind: "flush", handle: 9n } }]);
});

test("a read-only export refuses write, trim and write-zeroes with EPERM", () => {
  const session = attached("ro");
  assert.equal(errorOf(session.receive(request(CMD.WRITE, 1n, 0, 4, 0, new Uint8Array(4)))), 1);
  assert.equal(errorOf(session.receive(request(CMD.TRIM, 2n, 0, 4))), 1);
  assert.equal(errorOf(session.receive(request(CMD.WRITE_ZEROES, 3n, 0, 4))), 1);
  assert.equal(session.receive(request(CMD.READ, 4n, 0, 4))[0]?.kind, "request");
});

test("bad request magic is a violation; NBD_CMD_DISC is a clean end", () => {
  const bad = attached();
  const garbage = request(CMD.READ, 1n, 0, 1);
  garbage[0] = 0;
  assert.deepEqual(bad.receive(garbage).at(-1), { kind: "close", reason: "bad request magic", violation: true });
  assert.deepEqual(bad.receive(request(CMD.READ, 1n, 0, 1)), []);
  const disc = attached();
  assert.deepEqual(disc.receive(request(CMD.DISC, 1n, 0, 0)), [{ kind: "close", reason: "client disconnected", violation: false }]);
});

test("an option longer than the limit is treated as abuse and ends the session", () => {
  const session = new NbdSession(catalog);
  const header = option(OPT.LIST);
  new DataView(header.buffer).setUint32(12, 1 << 30);
  assert.equal(session.receive(concat([clientFlags(1), header])).at(-1)?.kind, "close");
});

function randomChunks(bytes: Uint8Array, rng: ReturnType<typeof seededRng>): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + rng.int(Math.min(200, bytes.length - at));
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

function normalise(effects: SessionEffect[]): string {
  return JSON.stringify(effects, (_, v) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? [...v] : v));
}

test("the session's effects do not depend on how the stream is cut into chunks (seeded)", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const rng = seededRng(seed);
    const parts = [clientFlags(3), option(OPT.LIST), option(OPT.INFO, goData("disk")), option(OPT.GO, goData("disk"))];
    for (let i = 0; i < 20; i++) {
      const length = 1 + rng.int(3000);
      parts.push(rng.int(2) === 0 ? request(CMD.READ, BigInt(i), rng.int(MiB), length) : request(CMD.WRITE, BigInt(i), rng.int(MiB), length, rng.int(2), new Uint8Array(length).fill(i)));
    }
    const stream = concat(parts);
    const whole = normalise(new NbdSession(catalog).receive(stream));
    const pieces = new NbdSession(catalog);
    const cut = normalise(randomChunks(stream, rng).flatMap((chunk) => pieces.receive(chunk)));
    assert.equal(cut, whole, `seed=${seed}`);
  }
});

test("random garbage never throws and never yields an out-of-range request (fuzz, seeded)", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const rng = seededRng(seed);
    const session = new NbdSession(catalog);
    const prefix = rng.int(3) === 0 ? new Uint8Array(0) : concat([clientFlags(rng.int(4)), option(OPT.GO, goData("disk"))]);
    const garbage = Uint8Array.from({ length: 1 + rng.int(4000) }, () => rng.int(256));
    if (rng.int(2) === 0) garbage.set(request(rng.int(8), 1n, rng.int(2 * 64 * MiB), rng.int(2 * MiB), rng.int(4)).subarray(0, 28));
    for (const chunk of randomChunks(concat([prefix, garbage]), rng)) {
      for (const effect of session.receive(chunk)) {
        if (effect.kind !== "request" || effect.request.kind === "flush") continue;
        const length = effect.request.kind === "write" ? effect.request.data.length : effect.request.lengthBytes;
        assert.ok(effect.request.offsetBytes + length <= 64 * MiB && length > 0, `seed=${seed}: request out of range`);
      }
    }
  }
});

test("take(n) hands out at most n requests and keeps the rest as unparsed bytes", () => {
  const session = attached();
  session.push(concat(Array.from({ length: 5 }, (_, i) => request(CMD.READ, BigInt(i), 0, 512))));
  assert.deepEqual(session.take(2).map((e) => e.kind === "request" && e.request.handle), [0n, 1n]);
  assert.equal(session.bufferedBytes, 3 * 28);
  assert.deepEqual(session.take(10).map((e) => e.kind === "request" && e.request.handle), [2n, 3n, 4n]);
  assert.equal(session.bufferedBytes, 0);
});
