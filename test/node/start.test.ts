import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { localClusterConf } from "../../src/node/local-cluster.js";
import { quorateBin, tempDir } from "./helpers.js";

// Nothing starts on a bad file, a missing key or an unknown identity: each has its own exit status.
const start = (args: string[]) => spawnSync(quorateBin, ["start", ...args], { encoding: "utf8", timeout: 10_000 });

test("quorate start on a malformed corosync.conf names file:line, exits 8 and opens no socket", async () => {
  const dir = await tempDir("start");
  try {
    const file = join(dir.path, "corosync.conf");
    await writeFile(file, "totem {\n  version: 2\n  token: soon\n}\nnodelist {\n");
    const run = start(["--config", file, "--nodeid", "1", "--run-dir", join(dir.path, "run")]);
    assert.equal(run.status, 8);
    assert.match(run.stderr, new RegExp(`error: ${file}:6: section "nodelist" opened at line 5 is never closed`));
    assert.match(run.stderr, /nothing started/);
    assert.equal(existsSync(join(dir.path, "run")), false);
  } finally {
    await dir.remove();
  }
});

test("quorate start without the authkey exits 9 and says how to make one", async () => {
  const dir = await tempDir("start");
  try {
    await writeFile(join(dir.path, "c.conf"), localClusterConf({ dir: dir.path, size: 3, addressPrefix: "127.0.1.", port: 15490 }));
    const run = start(["--config", join(dir.path, "c.conf"), "--nodeid", "1", "--run-dir", join(dir.path, "run")]);
    assert.equal(run.status, 9);
    assert.match(run.stderr, /cannot read the authkey .*authkey: ENOENT \(create one with quorate keygen -k/);
  } finally {
    await dir.remove();
  }
});

test("quorate start with a node id that is not in the nodelist exits 10", async () => {
  const dir = await tempDir("start");
  try {
    await writeFile(join(dir.path, "c.conf"), localClusterConf({ dir: dir.path, size: 3, addressPrefix: "127.0.1.", port: 15490, crypto: false }));
    const run = start(["--config", join(dir.path, "c.conf"), "--nodeid", "7", "--run-dir", join(dir.path, "run")]);
    assert.equal(run.status, 10);
    assert.match(run.stderr, /node id 7 is not in the nodelist/);
    const ambiguous = start(["--config", join(dir.path, "c.conf"), "--run-dir", join(dir.path, "run")]);
    assert.equal(ambiguous.status, 10);
    assert.match(ambiguous.stderr, /several nodes .* have local addresses \(1, 2, 3\); choose one with --nodeid/);
  } finally {
    await dir.remove();
  }
});

test("quorate status with no node running says so and exits 1", async () => {
  const dir = await tempDir("status");
  try {
    const run = spawnSync(quorateBin, ["status", "--run-dir", dir.path], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no quorate node is running/);
  } finally {
    await dir.remove();
  }
});
