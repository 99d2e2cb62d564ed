import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));

test("quorate sim replays a seed and prints the same report each time", () => {
  const args = ["sim", "--seed", "0x2a", "--nodes", "3", "--steps", "3000", "--json"];
  const first = spawnSync(quorate, args, { encoding: "utf8" });
  const second = spawnSync(quorate, args, { encoding: "utf8" });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, second.stdout);
  const report = JSON.parse(first.stdout) as { seed: string; ok: boolean; deliveries: number };
  assert.deepEqual([report.seed, report.ok], ["0x2a", true]);
  assert.ok(report.deliveries > 0);
});

test("quorate sim rejects bad options with usage and exit status 2", () => {
  const run = spawnSync(quorate, ["sim", "--nodes", "zero"], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--nodes must be a non-negative integer \(got "zero"\)/);
  assert.match(run.stderr, /usage: quorate sim --seed S --nodes N --steps K/);
});
