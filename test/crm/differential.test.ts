import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CASES } from "./cases.js";
import { EMPTY_CIB, runCrm, script } from "./helpers.js";

const run = promisify(execFile);
const CRMSH = "/usr/sbin/crm";
const TIMEOUT_MS = 60_000;

/** Real crmsh on a CIB file: apply the script (-F: no STONITH needed), then `configure show`. */
async function crmshShow(body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "quorate-crmsh-"));
  try {
    const env = { ...process.env, HOME: dir, CIB_file: join(dir, "cib.xml") };
    await writeFile(join(dir, "cib.xml"), EMPTY_CIB);
    await writeFile(join(dir, "in.crm"), body);
    await run(CRMSH, ["-F", "-f", join(dir, "in.crm")], { env, timeout: TIMEOUT_MS }).catch(() => undefined);
    const { stdout } = await run(CRMSH, ["configure", "show"], { env, timeout: TIMEOUT_MS });
    return stdout.replace(/\x1b\[[0-9;]*m/g, "").trimEnd();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("differential: `show` after our own scripts is what real crmsh prints", async (t) => {
  if (!existsSync(CRMSH)) {
    t.skip("crmsh is not installed (Debian package crmsh)");
    return;
  }
  // Every third case keeps the run short (crmsh takes about a second per script).
  const sample = CASES.filter((_, i) => i % 3 === 0);
  const results = await Promise.all(sample.map(async (c) => {
    const body = script(...c.input);
    const [theirs, ours] = await Promise.all([crmshShow(body), runCrm(body).then((r) => r.show())]);
    return { name: c.name, theirs, ours };
  }));
  for (const r of results) assert.equal(r.ours, r.theirs, r.name);
});
