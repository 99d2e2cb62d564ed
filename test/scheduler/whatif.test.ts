import { test } from "node:test";
import assert from "node:assert/strict";
import { schedule } from "../../src/scheduler/index.js";
import { applyWhatIfs, parseOpSpec, type WhatIf } from "../../src/scheduler/whatif.js";
import { cibXml, inputOf, normalise, oracle, primitive, probedStopped, location, running, type CibOptions } from "./cib-builder.js";

const NOW_S = 1_700_000_000;
const base: CibOptions = {
  nodes: [["n1", { history: running("a") }], ["n2", { history: probedStopped("a") }], ["n3", { state: "offline" }]],
  resources: [primitive("a", { meta: { "migration-threshold": "1" }, ops: [{ name: "monitor", interval: "10s" }] })],
  constraints: [location("l", "a", "n3", "100")],
};

function whatIfSummary(options: CibOptions, events: WhatIf[]): string[] {
  const input = applyWhatIfs(inputOf(cibXml(options)), events, NOW_S);
  assert.ok(input.ok, input.ok ? "" : input.error);
  return schedule(input.value, NOW_S).summary.map(normalise);
}

const scenarios: Array<{ name: string; events: WhatIf[]; args: string[]; expect: string[] }> = [
  { name: "--node-down of the node running it starts it elsewhere", events: [{ kind: "node-down", node: "n1" }], args: ["--node-down", "n1"], expect: ["* Start a ( n2 )"] },
  { name: "--node-up of a preferred node moves it there", events: [{ kind: "node-up", node: "n3" }], args: ["--node-up", "n3"], expect: ["* Move a ( n1 -> n3 )"] },
  {
    name: "--op-inject of a failed monitor with migration-threshold=1 moves it away",
    events: [{ kind: "op-inject", op: { resource: "a", task: "monitor", intervalMs: 10000, node: "n1", rc: 7 } }],
    args: ["--op-inject", "a_monitor_10000@n1=7"], expect: ["* Recover a ( n1 -> n2 )"],
  },
  { name: "--node-fail without fencing starts it elsewhere", events: [{ kind: "node-fail", node: "n1" }], args: ["--node-fail", "n1"], expect: ["* Start a ( n2 )"] },
];

for (const s of scenarios) {
  test(`what-if: ${s.name}`, () => {
    assert.deepEqual(whatIfSummary(base, s.events), s.expect);
  });
  test(`what-if matches crm_simulate: ${s.name}`, (t) => {
    const theirs = oracle(cibXml(base), s.args);
    if (typeof theirs === "string") return t.skip(theirs);
    assert.deepEqual(theirs.summary, s.expect);
  });
}

test("what-if: an injected failure counts like a real one (fail-count and last-failure on the node)", () => {
  const input = applyWhatIfs(inputOf(cibXml(base)), [{ kind: "op-inject", op: { resource: "a", task: "monitor", intervalMs: 10000, node: "n1", rc: 7 } }], NOW_S);
  assert.ok(input.ok);
  const attrs = new Map(input.value.status.find((s) => s.uname === "n1")!.attributes);
  assert.equal(attrs.get("fail-count-a#monitor_10000"), "1");
  assert.equal(attrs.get("last-failure-a#monitor_10000"), String(NOW_S));
});

test("what-if: the input is not modified (a pure transformation)", () => {
  const input = inputOf(cibXml(base));
  const snapshot = JSON.stringify(input);
  applyWhatIfs(input, [{ kind: "node-down", node: "n1" }, { kind: "op-inject", op: { resource: "a", task: "start", intervalMs: 0, node: "n2", rc: 1 } }], NOW_S);
  assert.equal(JSON.stringify(input), snapshot);
});

test("what-if: unknown nodes and resources are errors, bad specs are rejected with the expected form", () => {
  const input = inputOf(cibXml(base));
  const node = applyWhatIfs(input, [{ kind: "node-down", node: "nope" }], NOW_S);
  assert.deepEqual(node, { ok: false, error: 'no node named "nope" in the configuration' });
  const rsc = applyWhatIfs(input, [{ kind: "op-inject", op: { resource: "zz", task: "start", intervalMs: 0, node: "n1", rc: 1 } }], NOW_S);
  assert.equal(rsc.ok, false);
  assert.equal(parseOpSpec("a_monitor@n1=7").ok, false);
  assert.deepEqual(parseOpSpec("my_rsc:1_migrate_to_0@node-1=1"), { ok: true, value: { resource: "my_rsc:1", task: "migrate_to", intervalMs: 0, node: "node-1", rc: 1 } });
});
