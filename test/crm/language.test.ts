import { test } from "node:test";
import assert from "node:assert/strict";
import { serializeXml, validateWithPacemakerSchema } from "../../src/cib/index.js";
import { CASES } from "./cases.js";
import { EMPTY_CIB, runCrm, script } from "./helpers.js";

for (const c of CASES) {
  test(`crm language: ${c.name}`, async () => {
    const run = await runCrm(script(...c.input));
    assert.equal(run.stderr, "");
    assert.equal(run.failed, false);
    assert.equal(await run.show(), c.show);
  });
}

test("crm language: generated ids follow crmsh (<rsc>-instance_attributes-<name>, <rsc>-<op>-<interval>, <id>-rule-expression)", async () => {
  const run = await runCrm(script(
    "primitive p Dummy params fake=1 op monitor interval=10s OCF_CHECK_LEVEL=10",
    "location l p rule 10: #uname eq n1 rule 20: #uname eq n2",
  ));
  const xml = serializeXml(run.store.cib);
  for (const id of [
    "p-instance_attributes", "p-instance_attributes-fake", "p-monitor-10s", "p-monitor-10s-instance_attributes",
    "p-monitor-10s-instance_attributes-OCF_CHECK_LEVEL", "l-rule", "l-rule-expression", "l-rule-0", "l-rule-0-expression",
  ]) {
    assert.match(xml, new RegExp(`id="${id}"`), id);
  }
});

test("crm language: a trailing backslash continues a statement, # lines are comments", async () => {
  const run = await runCrm("configure\n# a web server\nprimitive a Dummy \\\n\tmeta target-role=Stopped \\\n\top monitor interval=5s\ncommit\n");
  assert.equal(await run.show(), "primitive a Dummy \\\n\tmeta target-role=Stopped \\\n\top monitor interval=5s");
});

test("crm language: show ID prints only that object; show xml prints the configuration", async () => {
  const run = await runCrm(script("primitive a Dummy", "primitive b Dummy") + "configure\nshow b\nshow xml\n");
  assert.match(run.stdout, /^primitive b Dummy\n<configuration>/);
  assert.match(run.stdout, /<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"\/>/);
});

test("crm language: epoch goes up by one per commit", async () => {
  const run = await runCrm(script("primitive a Dummy") + script("primitive b Dummy"));
  assert.equal(run.store.cib.attrs.get("epoch"), "3");
  assert.equal(run.store.writes, 2);
});

test("crm language: every CIB our cases write validates against Pacemaker's RELAX NG schema", async (t) => {
  const check = await validateWithPacemakerSchema(EMPTY_CIB);
  if (check.status === "unavailable") {
    t.skip("xmllint or Pacemaker's schemas are not installed (libxml2-utils, pacemaker-common)");
    return;
  }
  for (const c of CASES) {
    const run = await runCrm(script(...c.input));
    const result = await validateWithPacemakerSchema(serializeXml(run.store.cib));
    assert.equal(result.status, "valid", `${c.name}: ${JSON.stringify(result)}`);
  }
});

test("crm language: filter edits objects through a shell command; they keep their place and the ids of their parts", async () => {
  const run = await runCrm(script(
    "primitive a Dummy", "primitive b Dummy", "primitive c Dummy", "group g a b",
    "location l a rule $id=keep -inf: not_defined x",
    `filter "sed 's/a b/c b/'" g`,
    `filter "sed 's/not_defined x/not_defined x or y eq 1/'" l`,
  ));
  assert.equal(run.stderr, "");
  assert.equal(await run.show(), "primitive a Dummy\nprimitive b Dummy\nprimitive c Dummy\ngroup g c b\nlocation l a \\\n\trule -inf: not_defined x or y eq 1");
  const xml = serializeXml(run.store.cib);
  assert.match(xml, /<rule id="keep" /);
  assert.match(xml, /id="keep-expression"\/>\s*<expression [^>]*id="keep-expression-0"/);
  // c moved into g's place in the document; a, released from g, follows it.
  assert.match(xml, /<resources>\s*<group id="g">\s*<primitive id="c"[^>]*\/>\s*<primitive id="b"[^>]*\/>\s*<\/group>\s*<primitive id="a"/);
});
