import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));

test("quorate without a command prints the command list and exits 2", () => {
  const run = spawnSync(quorate, [], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stdout, /usage: quorate <command>/);
  assert.match(run.stdout, /crm +the crm shell/);
});

test("an unknown command is named in the error", () => {
  const run = spawnSync(quorate, ["frobnicate"], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /unknown command 'frobnicate'/);
});

test("an unknown option is a usage error with the command's summary, not a stack trace", () => {
  const run = spawnSync(quorate, ["demo", "--no-such-option"], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /quorate demo: Unknown option '--no-such-option'/);
  assert.doesNotMatch(run.stderr, /at .*\.js:\d+/);
});
