import { test } from "node:test";
import assert from "node:assert/strict";
import { serializeXml } from "../../src/cib/index.js";
import { emptyStore, runCrm, script } from "./helpers.js";

// Bad input: every syntax error names line:column and the offending token, and
// nothing is written (issue: "nothing is written on error").

const SYNTAX: { input: string; where: string; message: RegExp }[] = [
  { input: "colocation c1 inf d1 d2", where: "test.crm:2:15:", message: /expected <score>: .* near 'inf'/ },
  { input: "location l1 d1 100 node1", where: "test.crm:2:16:", message: /expected <score>: <node> or rule near '100'/ },
  { input: "location l1 d1 rule inf: date foo 2020-01-01", where: "test.crm:2:31:", message: /date operator .* near 'foo'/ },
  { input: "location l1 d1 rule inf: #uname eq", where: "test.crm:2:35:", message: /expected a value, got end of line/ },
  { input: "primitive p1 Dummy op interval=10s", where: "test.crm:2:23:", message: /operation name .* near 'interval=10s'/ },
  { input: "order o1 Mandatory: ( d1 d2", where: "test.crm:2:21:", message: /unmatched opening bracket near '\('/ },
  { input: "primitive 1bad Dummy", where: "test.crm:2:11:", message: /1bad: invalid object id near '1bad'/ },
  { input: "property stonith-enabled", where: "test.crm:2:10:", message: /expected name=value near 'stonith-enabled'/ },
  { input: 'primitive p Dummy params a="unterminated', where: "test.crm:2:28:", message: /unterminated double quote/ },
  { input: "group g2", where: "test.crm:2:9:", message: /group needs at least one resource/ },
];

for (const c of SYNTAX) {
  test(`syntax error names position and token: ${c.input}`, async () => {
    const store = emptyStore();
    const before = serializeXml(store.cib);
    const run = await runCrm(script(c.input), { store, force: false });
    assert.equal(run.failed, true);
    assert.ok(run.stderr.includes(c.where), `${run.stderr} should contain ${c.where}`);
    assert.match(run.stderr, c.message);
    assert.equal(serializeXml(store.cib), before, "the CIB is unchanged");
  });
}

test("an error on a continued line is reported at its physical line", async () => {
  const run = await runCrm("configure\nprimitive p Dummy \\\n\tparams a=1 \\\n\tfrobnicate x\ncommit\n");
  assert.match(run.stderr, /test\.crm:4:2: expected params, meta, utilization, op or operations near 'frobnicate'/);
});

test("references to missing ids and duplicate ids are errors; the rest of the script still applies", async () => {
  const run = await runCrm(script(
    "primitive a Dummy", "primitive a Dummy", "group g nosuch", "primitive t @nosuch-template", "primitive b Dummy",
  ));
  assert.equal(run.failed, true);
  assert.match(run.stderr, /a: id is already in use/);
  assert.match(run.stderr, /g refers to missing object nosuch/);
  assert.match(run.stderr, /nosuch-template: no such resource template/);
  assert.equal(await run.show(), "primitive a Dummy\nprimitive b Dummy");
});

test("commit is atomic: a configuration that fails verify is not written, and the message says what and where", async () => {
  const store = emptyStore();
  const setup = await runCrm(script("primitive a Dummy", "property stonith-enabled=false"), { store });
  assert.equal(setup.failed, false);
  const before = serializeXml(store.cib);
  const writes = store.writes;
  const run = await runCrm(script("primitive b Dummy", "colocation c1 inf: a nosuch", "order o1 Mandatory: a b"), { store, force: false });
  assert.equal(run.failed, true);
  assert.match(run.stderr, /commit refused/);
  assert.match(run.stderr, /rsc_colocation c1: with-rsc refers to missing resource nosuch/);
  assert.equal(store.writes, writes, "nothing written");
  assert.equal(serializeXml(store.cib), before);
});

test("verify reports invalid intervals and scores", async () => {
  const run = await runCrm(script("primitive a Dummy op monitor interval=often", "colocation c inf: a a", "colocation c2 bogus: a a"), { force: false });
  assert.match(run.stderr, /op monitor has invalid interval 'often'/);
  assert.match(run.stderr, /rsc_colocation c2: invalid score 'bogus'/);
  assert.equal(run.store.writes, 0);
});

test("verify reports an unknown agent class", async () => {
  const run = await runCrm(script("primitive a frob:Dummy"), { force: false });
  assert.match(run.stderr, /unknown resource agent class 'frob'/);
  assert.equal(run.store.writes, 0);
});

test("an unknown command is named; a one-letter-swap typo is forgiven as crmsh does", async () => {
  const run = await runCrm(script("frobnicate d1", "primitve p1 Dummy"));
  assert.match(run.stderr, /configure\.frobnicate: No such command/);
  assert.equal(await run.show(), "primitive p1 Dummy");
});

test("a failing statement changes nothing, even in the middle of a multi-step edit", async () => {
  const run = await runCrm(script("primitive a Dummy", "primitive b Dummy", "group g a b", "delete a nosuch", "modgroup g remove nosuch"));
  assert.match(run.stderr, /object nosuch does not exist/);
  assert.equal(await run.show(), "primitive a Dummy\nprimitive b Dummy\ngroup g a b");
});
