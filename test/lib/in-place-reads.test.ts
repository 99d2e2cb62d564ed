import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection, createServer, type Socket } from "node:net";
import { once } from "node:events";
import { ByteQueue } from "../../src/lib/byte-queue.js";
import { acceptWithInPlaceReads, inPlaceReads } from "../../src/lib/in-place-reads.js";

/** Frames of a u32 length and a payload, parsed with reservations, as NBD writes and peer frames are. */
class FrameParser {
  readonly queue = new ByteQueue((n) => Buffer.allocUnsafe(n));
  readonly frames: Uint8Array[] = [];
  private expected: number | undefined;
  sunkBytes = 0;

  readonly consumer = {
    sink: () => this.queue.sink(),
    sunk: (n: number) => {
      this.sunkBytes += n;
      this.queue.sunk(n);
      this.parse();
    },
    received: (chunk: Uint8Array) => {
      this.queue.push(chunk);
      this.parse();
    },
  };

  private parse(): void {
    for (;;) {
      if (this.expected === undefined) {
        if (this.queue.length < 4) return;
        this.expected = Buffer.from(this.queue.take(4)).readUInt32BE(0);
      }
      if (this.queue.length < this.expected) return this.queue.reserve(this.expected);
      this.frames.push(this.queue.take(this.expected));
      this.expected = undefined;
    }
  }
}

function frame(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(4 + size);
  out.writeUInt32BE(size, 0);
  for (let i = 0; i < size; i++) out[4 + i] = (i * 31 + seed) & 0xff;
  return out;
}

test("an accepted socket reading in place delivers every frame intact, large payloads straight into their buffers", async () => {
  const parser = new FrameParser();
  let serverSide: Socket | undefined;
  const server = createServer({ pauseOnConnect: true }, (accepted) => {
    serverSide = acceptWithInPlaceReads(accepted, inPlaceReads(() => parser.consumer));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const sizes = [1, 28, 4096, 1 << 20, 3, 300_000, 65_536, 2 << 20, 17];
  const client = createConnection({ port, host: "127.0.0.1" });
  await once(client, "connect");
  for (const [index, size] of sizes.entries()) client.write(frame(size, index));
  client.end();
  const deadline = Date.now() + 10_000;
  while (parser.frames.length < sizes.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(parser.frames.map((f) => f.length), sizes);
  for (const [index, size] of sizes.entries()) assert.ok(Buffer.from(parser.frames[index]!).equals(frame(size, index).subarray(4)), `frame ${index}`);
  assert.ok(parser.sunkBytes > 2 << 20, `most of the large payloads were read in place (${parser.sunkBytes} bytes)`);
  // The peer's end closes the socket as on any net.Socket.
  if (!serverSide!.destroyed) await once(serverSide!, "close");
  server.close();
});
