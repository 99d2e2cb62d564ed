import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import {
  createEmptyCib, serializeXml, validateWithPacemakerSchema, latestSchema, schemaFor, diffCib, applyPatch, cloneElement,
  createElement, descend, nextVersion, setVersion, versionOf, parseXml, CIB_VALIDATE_WITH, type XmlElement,
} from "../../src/cib/index.js";
import { parsedRoot, RICH_CIB } from "./fixtures.js";
import { corpusFiles, hasProgram, schedulerCorpus } from "./corpus.js";

function schemaSkipReason(): string | undefined {
  if (!hasProgram("xmllint")) return "xmllint is not installed (Debian package libxml2-utils)";
  if (!latestSchema()) return "Pacemaker's RELAX NG schemas are not installed (Debian package pacemaker-common)";
  return undefined;
}

async function assertValid(root: XmlElement, name: string): Promise<void> {
  const check = await validateWithPacemakerSchema(serializeXml(root), name, schemaFor(root.attrs.get("validate-with") ?? "") ?? latestSchema());
  assert.equal(check.status, "valid", `${name}: ${check.status === "invalid" ? check.errors.join("\n") : check.status}`);
}

/** CIBs as Quorate writes them: new, rich, edited through a patch, with comments from the crm shell. */
function writtenCibs(): Array<[string, XmlElement]> {
  const empty = createEmptyCib();
  const rich = parsedRoot(RICH_CIB);
  rich.attrs.set("validate-with", CIB_VALIDATE_WITH);
  const edited = cloneElement(rich);
  descend(edited, ["configuration", "resources"])!.children.push(
    createElement("primitive", { id: "extra", class: "ocf", provider: "heartbeat", type: "Dummy" }, [
      { kind: "comment", text: " added by a test " },
      createElement("operations", {}, [createElement("op", { id: "extra-monitor", name: "monitor", interval: "10s" })]),
    ]),
  );
  setVersion(edited, nextVersion(versionOf(rich), true));
  const patched = applyPatch(rich, diffCib(rich, edited));
  assert.ok(patched.ok);
  return [["empty", empty], ["rich", rich], ["patched", patched.value]];
}

test("every CIB Quorate writes validates against Pacemaker's newest RELAX NG schema (xmllint)", async (t) => {
  const skip = schemaSkipReason();
  if (skip) return t.skip(skip);
  for (const [name, root] of writtenCibs()) await assertValid(root, name);
});

test("schema validation reports what is wrong, with the line", async (t) => {
  const skip = schemaSkipReason();
  if (skip) return t.skip(skip);
  const root = createEmptyCib();
  descend(root, ["configuration", "resources"])!.children.push(createElement("primitive", { id: "p", class: "ocf", type: "Dummy", bogus: "1" }));
  const check = await validateWithPacemakerSchema(serializeXml(root), "bad.xml");
  assert.equal(check.status, "invalid");
  assert.match(check.status === "invalid" ? check.errors.join("\n") : "", /^bad\.xml:\d+: .*primitive/m);
});

test("corpus CIBs still validate against their own schema after parse and serialise", async (t) => {
  const skip = schemaSkipReason();
  if (skip) return t.skip(skip);
  const files = corpusFiles();
  if (files.length === 0) return t.skip(`no corpus at ${schedulerCorpus}`);
  for (const file of files.filter((_, i) => i % 60 === 0)) {
    const parsed = parseXml(readFileSync(file, "utf8"), basename(file));
    assert.ok(parsed.ok);
    if (!schemaFor(parsed.value.root.attrs.get("validate-with") ?? "")) continue;
    await assertValid(parsed.value.root, basename(file));
  }
});
