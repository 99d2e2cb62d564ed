import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { totemCoreMissing } from "./cluster-harness.js";
import { quorateBin } from "./helpers.js";

test("quorate demo forms a 3-node ring, survives a SIGKILL, sees the node rejoin, and stops cleanly", { skip: totemCoreMissing() }, () => {
  const run = spawnSync(quorateBin, ["demo", "--duration", "1", "--port", "15990"], { encoding: "utf8", timeout: 90_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /One ring of 3 nodes, quorate/);
  assert.match(run.stdout, /New ring of 2 nodes, still quorate/);
  assert.match(run.stdout, /node3 rejoined: one ring of 3 again/);
  assert.match(run.stdout, /Stopping the cluster/);
});
