import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCibFile, writeCibFile, serializeXml, cibDigest, CIB_FILE_NAME, SIGNATURE_FILE_NAME } from "../../src/cib/index.js";
import { parsedRoot, RICH_CIB } from "./fixtures.js";

async function withDirectory(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "quorate-cib-store-"));
  t.after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

test("a written CIB reads back identical, with a SHA-256 signature beside it", async (t) => {
  const directory = await withDirectory(t);
  const root = parsedRoot(RICH_CIB);
  await writeCibFile(directory, root);
  const text = await readFile(join(directory, CIB_FILE_NAME), "utf8");
  assert.equal((await readFile(join(directory, SIGNATURE_FILE_NAME), "utf8")).trim(), cibDigest(text));
  const read = await readCibFile(directory);
  assert.ok(read.ok);
  assert.equal(serializeXml(read.value.root), serializeXml(root));
});

test("a CIB edited behind our back (digest mismatch) is refused with the reason", async (t) => {
  const directory = await withDirectory(t);
  await writeCibFile(directory, parsedRoot(RICH_CIB));
  const path = join(directory, CIB_FILE_NAME);
  await writeFile(path, (await readFile(path, "utf8")).replace('epoch="7"', 'epoch="8"'));
  const read = await readCibFile(directory);
  assert.equal(read.ok, false);
  assert.equal(read.ok ? "" : read.error.kind, "digest-mismatch");
  assert.match(read.ok ? "" : read.error.message, /does not match .*cib\.xml\.sig/);
});

test("a truncated CIB whose signature matches is refused as corrupt, with the parse position", async (t) => {
  const directory = await withDirectory(t);
  const truncated = RICH_CIB.slice(0, 200);
  await writeFile(join(directory, CIB_FILE_NAME), truncated);
  await writeFile(join(directory, SIGNATURE_FILE_NAME), cibDigest(truncated) + "\n");
  const read = await readCibFile(directory);
  assert.equal(read.ok ? "" : read.error.kind, "corrupt");
  assert.match(read.ok ? "" : read.error.message, /cib\.xml:\d+:\d+: /);
});

test("missing files are refused: no CIB, or a CIB without its signature", async (t) => {
  const directory = await withDirectory(t);
  assert.equal((await readCibFile(directory)).ok, false);
  await writeFile(join(directory, CIB_FILE_NAME), RICH_CIB);
  const read = await readCibFile(directory);
  assert.equal(read.ok ? "" : read.error.kind, "missing");
  assert.match(read.ok ? "" : read.error.message, /unsigned/);
});

test("a write interrupted between the two renames is completed on load", async (t) => {
  const directory = await withDirectory(t);
  await writeCibFile(directory, parsedRoot(RICH_CIB));
  // Simulate the crash: the new signature is in place, the new document still in cib.xml.tmp.
  const next = parsedRoot(RICH_CIB.replace('epoch="7"', 'epoch="8"'));
  const nextText = serializeXml(next) + "\n";
  await writeFile(join(directory, `${CIB_FILE_NAME}.tmp`), nextText);
  await writeFile(join(directory, SIGNATURE_FILE_NAME), cibDigest(nextText) + "\n");
  const read = await readCibFile(directory);
  assert.ok(read.ok, read.ok ? "" : read.error.message);
  assert.equal(read.value.root.attrs.get("epoch"), "8");
  assert.equal(await readFile(join(directory, CIB_FILE_NAME), "utf8"), nextText);
});
