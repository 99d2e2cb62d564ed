import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RICH_CIB } from "./fixtures.js";
import { hasProgram } from "./corpus.js";

const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));

function workspace(t: { after: (fn: () => void) => void }): string {
  const directory = mkdtempSync(join(tmpdir(), "quorate-cib-cli-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(quorate, ["cib", ...args], { encoding: "utf8" });
}

test("quorate cib check: a good CIB is valid; --json gives a stable summary", (t) => {
  const directory = workspace(t);
  const file = join(directory, "cib.xml");
  writeFileSync(file, RICH_CIB);
  const text = run(["check", file, "--no-schema"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /cib\.xml: valid, version 1\.7\.3, 7 primitives, 12 constraints, 0 warnings/);
  const json = JSON.parse(run(["check", file, "--json", "--no-schema"]).stdout) as { ok: boolean; summary: { primitives: number } };
  assert.deepEqual([json.ok, json.summary.primitives], [true, 7]);
});

test("quorate cib check: malformed XML fails with FILE:LINE:COL; schema errors fail when xmllint is there", (t) => {
  const directory = workspace(t);
  const broken = join(directory, "broken.xml");
  writeFileSync(broken, "<cib>\n  <configuration>\n</cib>\n");
  const result = run(["check", broken]);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /broken\.xml:3:1: end tag <\/cib> does not match <configuration> opened at 2:3/);
  if (!hasProgram("xmllint")) return t.skip("xmllint is not installed");
  const invalid = join(directory, "invalid.xml");
  writeFileSync(invalid, RICH_CIB.replace('<primitive id="fence1"', '<primitive bogus="1" id="fence1"'));
  const schema = run(["check", invalid]);
  assert.equal(schema.status, 1);
  assert.match(schema.stdout, /invalid\.xml:\d+: .*primitive/);
});

test("quorate cib diff then patch reproduces the new CIB; a patch for another version writes nothing", (t) => {
  const directory = workspace(t);
  const [oldFile, newFile, patchFile, out] = ["old.xml", "new.xml", "patch.xml", "out.xml"].map((name) => join(directory, name)) as [string, string, string, string];
  writeFileSync(oldFile, RICH_CIB);
  writeFileSync(newFile, RICH_CIB.replace('epoch="7"', 'epoch="8"').replace('value="10.0.0.88"', 'value="10.0.0.99"'));
  const diff = run(["diff", oldFile, newFile]);
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /<change operation="modify" path="\/cib\/configuration\/resources\/primitive\[@id=&apos;ip&apos;\]\/instance_attributes\[@id=&apos;ip-params&apos;\]\/nvpair\[@id=&apos;ip-ip&apos;\]">/);
  writeFileSync(patchFile, diff.stdout);
  const applied = run(["patch", oldFile, patchFile, "--output", out]);
  assert.equal(applied.status, 0, applied.stderr);
  assert.equal(readFileSync(out, "utf8"), run(["patch", oldFile, patchFile]).stdout);
  assert.match(readFileSync(out, "utf8"), /value="10\.0\.0\.99"/);
  const refused = run(["patch", newFile, patchFile, "--output", join(directory, "never.xml")]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /patch applies to version 1\.7\.3, the CIB is at 1\.8\.3; nothing was written/);
  assert.throws(() => readFileSync(join(directory, "never.xml")));
});

test("quorate cib without a verb prints usage and exits 2", () => {
  const result = run([]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /usage: quorate cib check FILE/);
});
