import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileBlockDevice } from "../../src/nbd/index.js";

const dir = mkdtempSync(join(tmpdir(), "qn-file-device-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;

test("file device: a long write-zeroes lets the event loop turn between its chunks (they may be written inline)", async () => {
  const path = join(dir, "zeroes.img");
  const device = await FileBlockDevice.open(path, { sizeBytes: 32 * MiB });
  await device.write(0, new Uint8Array(32 * MiB).fill(0xee), false);
  let turns = 0;
  let zeroing = true;
  const turn = (): void => {
    turns++;
    if (zeroing) setImmediate(turn);
  };
  setImmediate(turn);
  await device.writeZeroes(MiB, 30 * MiB, false);
  zeroing = false;
  await device.close();
  assert.ok(turns >= 29, `the event loop turned ${turns} times during 30 chunks`);
  const bytes = readFileSync(path);
  assert.equal(bytes[MiB - 1], 0xee);
  assert.ok(bytes.subarray(MiB, 31 * MiB).every((b) => b === 0));
  assert.equal(bytes[31 * MiB], 0xee);
});
