import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { quorateBin, tempDir } from "./helpers.js";

test("quorate keygen -k writes a 256-byte random key with mode 0400, like corosync-keygen", async () => {
  const dir = await tempDir("keygen");
  try {
    const first = join(dir.path, "authkey");
    const run = spawnSync(quorateBin, ["keygen", "-k", first], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Writing corosync key to ${first}\\.`));
    const info = await stat(first);
    assert.equal(info.mode & 0o777, 0o400);
    assert.equal(info.size, 256);
    const second = join(dir.path, "authkey2");
    assert.equal(spawnSync(quorateBin, ["keygen", "-k", second, "-s", "128"]).status, 0);
    const [a, b] = [await readFile(first), await readFile(second)];
    assert.equal(b.length, 128);
    assert.notDeepEqual(a.subarray(0, 128), b, "two keys must differ");
    assert.equal(spawnSync(quorateBin, ["keygen", "-k", first]).status, 0, "an existing key is replaced, as corosync-keygen does");
    assert.notDeepEqual(await readFile(first), a);
  } finally {
    await dir.remove();
  }
});

test("quorate keygen refuses key sizes corosync-keygen refuses", async () => {
  const dir = await tempDir("keygen");
  try {
    const run = spawnSync(quorateBin, ["keygen", "-k", join(dir.path, "k"), "-s", "10"], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Unsupported key size \(supported <128,4096>\)/);
  } finally {
    await dir.remove();
  }
});
