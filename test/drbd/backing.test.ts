import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Backing } from "../../src/drbd/driver/backing.js";
import { InlineWrites } from "../../src/lib/inline-writes.js";
import { SLOT_BYTES } from "../../src/drbd/core/metadata.js";

const dir = mkdtempSync(join(tmpdir(), "qd-backing-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;

function sparse(name: string, bytes: number): string {
  const path = join(dir, name);
  writeFileSync(path, "");
  truncateSync(path, bytes);
  return path;
}

test("internal metadata: create-md, persist, reload; a torn newer slot falls back to the older one", async () => {
  const disk = sparse("internal.img", 16 * MiB);
  const opened = await Backing.open(disk, "internal");
  assert.ok(opened.ok);
  const backing = opened.value;
  const sb = await backing.createMeta();
  assert.ok(sb.sizeBytes < 16 * MiB);
  await backing.persistMeta({ ...sb, seq: 2, disk: "UpToDate" }, [{ index: 0, bytes: new Uint8Array(4096).fill(0xff) }]);
  await backing.persistMeta({ ...sb, seq: 3, disk: "Outdated" }, []);
  const loaded = await backing.readMeta();
  assert.ok(loaded.ok);
  assert.equal(loaded.value.sb.seq, 3);
  assert.equal(loaded.value.bits[0], 0xff);
  await backing.close();
  // Tear slot 1 (seq 3): the checksum rejects it and seq 2 is in force.
  const fd = openSync(disk, "r+");
  writeSync(fd, Buffer.alloc(64, 0x55), 0, 64, backing.layout.metaOffsetBytes + SLOT_BYTES + 40);
  closeSync(fd);
  const again = await Backing.open(disk, "internal");
  assert.ok(again.ok);
  const reloaded = await again.value.readMeta();
  assert.ok(reloaded.ok);
  assert.equal(reloaded.value.sb.seq, 2);
  assert.equal(reloaded.value.sb.disk, "UpToDate");
  await again.value.close();
});

test("external metadata: the whole disk is usable and the metadata file holds the slots and bitmap", async () => {
  const disk = sparse("data.img", 8 * MiB);
  const meta = sparse("meta.img", 1 * MiB);
  const opened = await Backing.open(disk, meta);
  assert.ok(opened.ok);
  const sb = await opened.value.createMeta();
  assert.equal(sb.sizeBytes, 8 * MiB);
  await opened.value.write(8 * MiB - 4096, new Uint8Array(4096).fill(1), true);
  assert.ok((await opened.value.readMeta()).ok, "data at the end of the disk does not touch the metadata");
  await opened.value.close();
  assert.equal(statSync(disk).size, 8 * MiB);
});

test("a disk without metadata is refused with a hint", async () => {
  const disk = sparse("blank.img", 4 * MiB);
  const opened = await Backing.open(disk, "internal");
  assert.ok(opened.ok);
  const meta = await opened.value.readMeta();
  assert.ok(!meta.ok && /no valid metadata \(run create-md\)/.test(meta.error));
  await opened.value.close();
});

test("a flush waits for writes issued before it", async () => {
  const disk = sparse("flush.img", 8 * MiB);
  const opened = await Backing.open(disk, join(dir, "none"));
  assert.ok(!opened.ok, "a missing external metadata file is an error");
  const backing = (await Backing.open(disk, "internal"));
  assert.ok(backing.ok);
  const order: string[] = [];
  const write = backing.value.write(0, new Uint8Array(1 * MiB).fill(3), false).then(() => order.push("write"));
  const flush = backing.value.flush().then(() => order.push("flush"));
  await Promise.all([write, flush]);
  assert.deepEqual(order, ["write", "flush"]);
  await backing.value.close();
});

test("data writes up to 1 MiB go in from the event loop; after one that blocks, through the thread pool; the bytes land either way", async () => {
  const disk = sparse("inline.img", 16 * MiB);
  let clock = 0;
  let slowNext = false;
  const gate = new InlineWrites({ bytesMax: MiB, slowMs: 20, poolForMs: 30_000, now: () => (slowNext ? (clock += 25) : clock) });
  const opened = await Backing.open(disk, "internal", gate);
  assert.ok(opened.ok);
  const backing = opened.value;
  await backing.createMeta();
  await backing.write(0, new Uint8Array(MiB).fill(1), false);
  await backing.write(MiB, new Uint8Array(MiB + 4096).fill(2), false);
  assert.deepEqual([gate.inline, gate.pooled], [1, 1], "1 MiB inline, 1 MiB + 4 KiB on the pool");
  slowNext = true;
  await backing.write(3 * MiB, new Uint8Array(4096).fill(3), false);
  slowNext = false;
  await backing.write(4 * MiB, new Uint8Array(4096).fill(4), true);
  assert.deepEqual([gate.inline, gate.pooled], [2, 2], "after a slow inline write even small writes go to the pool");
  for (const [off, len, value] of [[0, MiB, 1], [MiB, MiB + 4096, 2], [3 * MiB, 4096, 3], [4 * MiB, 4096, 4]] as const) {
    const read = await backing.read(off, len);
    assert.ok(read.every((byte) => byte === value), `bytes at ${off}`);
  }
  await backing.close();
});
