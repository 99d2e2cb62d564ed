import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseXml, serializeXml, formatCibError } from "../../src/cib/index.js";
import { corpusFiles, hasProgram, schedulerCorpus } from "./corpus.js";

const files = corpusFiles();

test("every CIB of Pacemaker's scheduler corpus parses, and serialise → parse → serialise is stable", (t) => {
  if (files.length === 0) return t.skip(`no corpus at ${schedulerCorpus}`);
  for (const file of files) {
    const first = parseXml(readFileSync(file, "utf8"), basename(file));
    assert.ok(first.ok, first.ok ? "" : formatCibError(first.error));
    const written = serializeXml(first.value.root);
    const second = parseXml(written, basename(file));
    assert.ok(second.ok);
    assert.equal(serializeXml(second.value.root), written, basename(file));
  }
});

test("serialisation is byte-identical to `cibadmin --query` on corpus CIBs (oracle: Pacemaker)", (t) => {
  if (files.length === 0) return t.skip(`no corpus at ${schedulerCorpus}`);
  if (!hasProgram("cibadmin")) return t.skip("cibadmin (pacemaker-cli-utils) is not installed");
  const dir = mkdtempSync(join(tmpdir(), "quorate-cib-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sample = files.filter((_, index) => index % Math.ceil(files.length / 12) === 0);
  for (const file of sample) {
    const copy = join(dir, "cib.xml");
    copyFileSync(file, copy);
    const oracle = spawnSync("cibadmin", ["--query"], { env: { ...process.env, CIB_file: copy }, encoding: "utf8" });
    assert.equal(oracle.status, 0, oracle.stderr);
    const ours = parseXml(readFileSync(file, "utf8"));
    assert.ok(ours.ok);
    assert.equal(serializeXml(ours.value.root) + "\n", oracle.stdout, basename(file));
  }
});
