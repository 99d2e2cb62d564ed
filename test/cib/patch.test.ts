import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng, type Rng } from "../../src/lib/rng.js";
import {
  diffCib, applyPatch, patchToXml, patchFromXml, parseXml, serializeXml, cloneElement, createElement, createComment, walk,
  versionOf, setVersion, nextVersion, compareCibVersions, childElements, formatCibError,
  type XmlElement, type Patch,
} from "../../src/cib/index.js";
import { parsedRoot } from "./fixtures.js";
import { RICH_CIB } from "./fixtures.js";
import { corpusFiles, schedulerCorpus } from "./corpus.js";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const SEED = 0xd1ff;

function roundTrip(before: XmlElement, after: XmlElement, context: string): Patch {
  const patch = diffCib(before, after);
  const applied = applyPatch(before, patch);
  assert.ok(applied.ok, `${context}: ${applied.ok ? "" : applied.error.message}`);
  assert.equal(serializeXml(applied.value), serializeXml(after), context);
  const wire = parseXml(serializeXml(patchToXml(patch)), "patch.xml");
  assert.ok(wire.ok);
  const decoded = patchFromXml(wire.value.root, "patch.xml");
  assert.ok(decoded.ok, decoded.ok ? "" : formatCibError(decoded.error));
  const again = applyPatch(before, decoded.value);
  assert.ok(again.ok, context);
  assert.equal(serializeXml(again.value), serializeXml(after), `${context} (through the XML form)`);
  return patch;
}

function elements(root: XmlElement): XmlElement[] {
  const all: XmlElement[] = [];
  walk(root, (element) => void all.push(element));
  return all;
}

/** One random edit of the kind a configuration or status update makes. */
function mutate(root: XmlElement, rng: Rng, serial: number): void {
  const all = elements(root);
  const target = all[rng.int(all.length)]!;
  switch (rng.int(7)) {
    case 0: target.attrs.set(`a${rng.int(3)}`, `v${serial}`); break;
    case 1: { const names = [...target.attrs.keys()].filter((n) => n !== "id"); if (names[0]) target.attrs.delete(names[rng.int(names.length)]!); break; }
    case 2: target.children.splice(rng.int(target.children.length + 1), 0, createElement("nvpair", { id: `new-${serial}`, name: "x", value: "y" })); break;
    case 3: target.children.splice(rng.int(target.children.length + 1), 0, createElement("anon", { n: String(serial) })); break;
    case 4: target.children.splice(rng.int(target.children.length + 1), 0, createComment(` note ${rng.int(3)} `)); break;
    case 5: if (target !== root && target.children.length > 0) target.children.splice(rng.int(target.children.length), 1); break;
    default: if (target.children.length > 1) target.children.splice(rng.int(target.children.length), 0, ...target.children.splice(rng.int(target.children.length), 1));
  }
}

test(`diff then apply reproduces the target exactly, for random edits (seed=0x${SEED.toString(16)})`, () => {
  const rng = seededRng(SEED);
  for (let i = 0; i < 300; i++) {
    const before = parsedRoot(RICH_CIB);
    const after = cloneElement(before);
    const edits = 1 + rng.int(6);
    for (let e = 0; e < edits; e++) mutate(after, rng, i * 10 + e);
    setVersion(after, nextVersion(versionOf(before), true));
    roundTrip(before, after, `seed=0x${SEED.toString(16)} iteration ${i}`);
  }
});

test("a v2 patch names its changes like Pacemaker: create/delete/modify/move with paths", () => {
  const before = parsedRoot(`<cib admin_epoch="0" epoch="1" num_updates="4"><configuration><resources><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints><rsc_location id="l" rsc="a" node="n1" score="10"/></constraints></configuration><status/></cib>`);
  const after = parsedRoot(`<cib admin_epoch="0" epoch="2" num_updates="0"><configuration><resources><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="a" class="ocf" provider="heartbeat" type="Stateful"/><group id="g"/></resources><constraints/></configuration><status/></cib>`);
  const patch = roundTrip(before, after, "example");
  assert.deepEqual(patch.source, { adminEpoch: 0, epoch: 1, numUpdates: 4 });
  assert.deepEqual(patch.target, { adminEpoch: 0, epoch: 2, numUpdates: 0 });
  assert.deepEqual(patch.changes.map((c) => `${c.op} ${c.path}${"position" in c ? ` @${c.position}` : ""}`), [
    "move /cib/configuration/resources/primitive[@id='b'] @0",
    "create /cib/configuration/resources @2",
    "modify /cib/configuration/resources/primitive[@id='a']",
    "delete /cib/configuration/constraints/rsc_location[@id='l']",
  ]);
  const xml = serializeXml(patchToXml(patch));
  assert.match(xml, /^<diff format="2">\n  <version>\n    <source admin_epoch="0" epoch="1" num_updates="4"\/>/);
  assert.match(xml, /<change-attr name="type" operation="set" value="Stateful"\/>/);
});

test("a patch that does not apply changes nothing (atomic), and says which change failed", () => {
  const before = parsedRoot(RICH_CIB);
  const text = serializeXml(before);
  const version = versionOf(before);
  const patch: Patch = {
    source: version, target: nextVersion(version, true),
    changes: [
      { op: "delete", path: "/cib/configuration/resources/primitive[@id='ip']" },
      { op: "delete", path: "/cib/configuration/resources/primitive[@id='no-such']" },
    ],
  };
  const result = applyPatch(before, patch);
  assert.equal(result.ok, false);
  assert.equal(result.ok ? "" : result.error.message, "change 2 (delete /cib/configuration/resources/primitive[@id='no-such']): no such node");
  assert.equal(serializeXml(before), text);
  const bad: Patch = { ...patch, changes: [{ op: "create", path: "/cib/configuration", position: 99, node: createElement("x") }] };
  assert.match(applyPatch(before, bad).ok ? "" : (applyPatch(before, bad) as { error: { message: string } }).error.message, /position 99 is out of range/);
  assert.equal(serializeXml(before), text);
});

test("a patch for another version is refused (replicas apply patches in version order)", () => {
  const before = parsedRoot(RICH_CIB);
  const after = cloneElement(before);
  childElements(after, "configuration")[0]!.children.push(createElement("tags"));
  setVersion(after, nextVersion(versionOf(before), true));
  const patch = diffCib(before, after);
  const stale = cloneElement(before);
  setVersion(stale, { adminEpoch: 1, epoch: 6, numUpdates: 0 });
  const result = applyPatch(stale, patch);
  assert.equal(result.ok, false);
  assert.equal(result.ok ? "" : result.error.kind, "version-mismatch");
  assert.equal(result.ok ? "" : result.error.message, "patch applies to version 1.7.3, the CIB is at 1.6.0");
});

test("versions: configuration changes bump epoch and reset num_updates; status changes bump num_updates", () => {
  const v = { adminEpoch: 2, epoch: 10, numUpdates: 5 };
  assert.deepEqual(nextVersion(v, true), { adminEpoch: 2, epoch: 11, numUpdates: 0 });
  assert.deepEqual(nextVersion(v, false), { adminEpoch: 2, epoch: 10, numUpdates: 6 });
  assert.equal(compareCibVersions({ adminEpoch: 1, epoch: 0, numUpdates: 0 }, { adminEpoch: 0, epoch: 99, numUpdates: 99 }), 1);
  assert.equal(compareCibVersions(v, { ...v }), 0);
  assert.equal(compareCibVersions(v, nextVersion(v, false)), -1);
});

test("malformed patch XML is refused with a position", () => {
  const parsed = parseXml(`<diff format="2">\n<version><source admin_epoch="0" epoch="1" num_updates="0"/><target admin_epoch="0" epoch="2" num_updates="0"/></version>\n<change operation="explode" path="/cib"/></diff>`, "p.xml");
  assert.ok(parsed.ok);
  const result = patchFromXml(parsed.value.root, "p.xml");
  assert.equal(result.ok ? "" : formatCibError(result.error), `p.xml:3:1: operation="explode" is not create, delete, modify or move`);
});

test("diff then apply turns any corpus CIB into any other (large, unrelated edits)", (t) => {
  const files = corpusFiles();
  if (files.length === 0) return t.skip(`no corpus at ${schedulerCorpus}`);
  const rng = seededRng(SEED + 1);
  for (let i = 0; i < 25; i++) {
    const [a, b] = [files[rng.int(files.length)]!, files[rng.int(files.length)]!];
    const before = parsedRoot(readFileSync(a, "utf8"), basename(a));
    const after = parsedRoot(readFileSync(b, "utf8"), basename(b));
    roundTrip(before, after, `${basename(a)} → ${basename(b)}`);
  }
});
