import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Socket, connect } from "node:net";
import { type BlockDevice, BlockDeviceError, type BlockErrno, NbdServer } from "../../src/nbd/index.js";
import { seededRng } from "../../src/lib/rng.js";
import { listenInRange, waitFor } from "./helpers.js";
import { clientFlags, concat, goData, option, parseSimpleReply, request } from "./wire.js";

// The TCP driver with raw sockets: bounded in-flight requests, out-of-order replies, garbage.
const portBase = 16040;
let port = portBase;
const MiB = 1024 * 1024;

/** A device whose reads wait until the test releases them, in any order. */
class GatedDevice implements BlockDevice {
  readonly sizeBytes = MiB;
  readonly waiting: Array<{ offsetBytes: number; release(): void }> = [];
  inFlightMax = 0;
  private inFlight = 0;
  writable(): boolean { return true; }
  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    this.inFlightMax = Math.max(this.inFlightMax, ++this.inFlight);
    await new Promise<void>((release) => this.waiting.push({ offsetBytes, release }));
    this.inFlight--;
    return new Uint8Array(lengthBytes).fill(offsetBytes & 0xff);
  }
  async write(): Promise<void> {}
  async flush(): Promise<void> {}
  async trim(): Promise<void> {}
  async writeZeroes(): Promise<void> {}
  releaseAll(): void {
    for (const gate of this.waiting.splice(0)) gate.release();
  }
}

/** Fails each write with the error it is told (by the write's first byte), like a device that lost its role or disk. */
class FailingDevice implements BlockDevice {
  static readonly failures: Array<BlockErrno | "bug"> = ["EPERM", "EIO", "ENOSPC", "ESHUTDOWN", "bug"];
  readonly sizeBytes = MiB;
  writable(): boolean { return true; }
  async read(_o: number, lengthBytes: number): Promise<Uint8Array> { return new Uint8Array(lengthBytes); }
  async write(_o: number, data: Uint8Array): Promise<void> {
    const failure = FailingDevice.failures[data[0]!]!;
    throw failure === "bug" ? new Error("an unexpected failure") : new BlockDeviceError(failure, `failing with ${failure}`);
  }
  async flush(): Promise<void> {}
  async trim(): Promise<void> {}
  async writeZeroes(): Promise<void> {}
}

/** A raw client: connects, negotiates an export with NBD_OPT_GO and collects what the server sends after. */
async function rawClient(exportName = "disk"): Promise<{ socket: Socket; received(): Uint8Array; closed(): boolean }> {
  const socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on("data", (c: Buffer) => chunks.push(c)).on("close", () => (closed = true)).on("error", () => undefined);
  socket.write(concat([clientFlags(3), option(7, goData(exportName))]));
  // greeting 18 + INFO_EXPORT (20+12) + INFO_BLOCK_SIZE (20+14) + ACK 20
  const handshakeBytes = 18 + 32 + 34 + 20;
  await waitFor("the handshake", () => Buffer.concat(chunks).length >= handshakeBytes);
  return { socket, received: () => Buffer.concat(chunks).subarray(handshakeBytes), closed: () => closed };
}

function replyHandles(bytes: Uint8Array, dataBytes: number): bigint[] {
  const handles: bigint[] = [];
  for (let at = 0; at + 16 <= bytes.length; at += 16 + dataBytes) handles.push(parseSimpleReply(bytes.subarray(at, at + 16)).handle);
  return handles;
}

describe("NBD TCP driver", () => {
  let server: NbdServer;
  let device: GatedDevice;
  before(async () => {
    device = new GatedDevice();
    server = new NbdServer({ connectionLimits: { inFlightMax: 4, inFlightBytesMax: 64 * MiB, negotiationTimeoutMs: 300 }, log: () => undefined });
    server.addExport("disk", device);
    server.addExport("failing", new FailingDevice());
    port = await listenInRange(server, portBase, 5);
  });
  after(async () => {
    device.releaseAll();
    await server.dispose();
  });

  test("requests beyond the in-flight limit wait unparsed; all complete once earlier ones finish", async () => {
    device.inFlightMax = 0;
    const client = await rawClient();
    client.socket.write(concat(Array.from({ length: 20 }, (_, i) => request(0, BigInt(i), i * 512, 512))));
    await waitFor("4 reads to reach the device", () => device.waiting.length === 4);
    let released = 0;
    while (released < 20) {
      await waitFor("the next reads", () => device.waiting.length > 0);
      assert.ok(device.waiting.length <= 4);
      released += device.waiting.length;
      device.releaseAll();
    }
    await waitFor("20 replies", () => client.received().length === 20 * (16 + 512));
    assert.equal(device.inFlightMax, 4);
    assert.deepEqual(replyHandles(client.received(), 512).sort(), Array.from({ length: 20 }, (_, i) => BigInt(i)).sort());
    client.socket.destroy();
  });

  test("a request that finishes first is answered first (replies out of order, matched by handle)", async () => {
    const client = await rawClient();
    client.socket.write(concat([request(0, 100n, 0, 4096), request(0, 200n, 4096, 4096)]));
    await waitFor("both reads to reach the device", () => device.waiting.length === 2);
    device.waiting.find((g) => g.offsetBytes === 4096)!.release();
    await waitFor("the first reply", () => client.received().length >= 16 + 4096);
    assert.equal(parseSimpleReply(client.received()).handle, 200n);
    assert.ok(client.received().subarray(16, 16 + 4096).every((b) => b === (4096 & 0xff)));
    device.releaseAll();
    await waitFor("the second reply", () => client.received().length === 2 * (16 + 4096));
    assert.deepEqual(replyHandles(client.received(), 4096), [200n, 100n]);
    client.socket.destroy();
  });

  test("device errors reach the client as NBD errors: EPERM 1, EIO 5, ENOSPC 28, ESHUTDOWN 108, anything else EIO", async () => {
    const client = await rawClient("failing");
    client.socket.write(concat(FailingDevice.failures.map((_, i) => request(1, BigInt(i), 0, 1, 0, Uint8Array.of(i)))));
    await waitFor("five replies", () => client.received().length === 5 * 16);
    const errors = new Map(Array.from({ length: 5 }, (_, i) => {
      const reply = parseSimpleReply(client.received().subarray(i * 16));
      return [FailingDevice.failures[Number(reply.handle)], reply.error];
    }));
    assert.deepEqual(Object.fromEntries(errors), { EPERM: 1, EIO: 5, ENOSPC: 28, ESHUTDOWN: 108, bug: 5 });
    client.socket.destroy();
  });

  test("on shutdown the server answers in-flight requests before it closes the connection", async () => {
    const other = new NbdServer({ log: () => undefined });
    other.addExport("disk", device);
    const otherPort = await listenInRange(other, portBase + 5, 5);
    const socket = connect(otherPort, "127.0.0.1");
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on("data", (c: Buffer) => chunks.push(c)).on("close", () => (closed = true)).on("error", () => undefined);
    socket.write(concat([clientFlags(3), option(7, goData("disk")), request(0, 5n, 0, 512)]));
    await waitFor("the read to reach the device", () => device.waiting.length === 1);
    const disposed = other.dispose();
    device.releaseAll();
    await disposed;
    await waitFor("the connection to close", () => closed);
    const reply = Buffer.concat(chunks).subarray(18 + 32 + 34 + 20);
    assert.equal(reply.length, 16 + 512);
    assert.equal(parseSimpleReply(reply).handle, 5n);
  });

  test("a client that never chooses an export is cut at the negotiation deadline; an attached idle client stays", async () => {
    const attached = await rawClient(); // connected first: its deadline, were it kept, would pass first
    const idle = connect(port, "127.0.0.1");
    let idleClosed = false;
    idle.on("close", () => (idleClosed = true)).on("error", () => undefined).resume();
    await waitFor("the negotiation deadline to cut the idle client", () => idleClosed, 5_000);
    assert.equal(attached.closed(), false);
    attached.socket.destroy();
  });

  test("random bytes on 40 connections never bring the server down (seeded)", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = seededRng(seed);
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => undefined).resume();
      const prefix = seed % 2 === 0 ? concat([clientFlags(3), option(7, goData("disk"))]) : new Uint8Array(0);
      socket.end(concat([prefix, Uint8Array.from({ length: 1 + rng.int(2000) }, () => rng.int(256))]));
      await new Promise((resolve) => socket.once("close", resolve));
    }
    device.releaseAll();
    const client = await rawClient();
    client.socket.write(request(0, 7n, 0, 16));
    await waitFor("the read to reach the device", () => device.waiting.length === 1);
    device.releaseAll();
    await waitFor("a reply after the fuzzing", () => client.received().length === 32);
    assert.equal(parseSimpleReply(client.received()).error, 0);
    client.socket.destroy();
  });
});
