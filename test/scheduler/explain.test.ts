import { test } from "node:test";
import assert from "node:assert/strict";
import { schedule } from "../../src/scheduler/index.js";
import { explain, type Explanation } from "../../src/scheduler/explain/explain.js";
import { renderExplanation } from "../../src/scheduler/explain/render.js";
import { cibXml, clone, group, inputOf, location, primitive, running, type CibOptions } from "./cib-builder.js";

function explainIn(options: CibOptions, id: string): { e: Explanation; text: string } {
  const input = inputOf(cibXml(options));
  const e = explain(input, schedule(input, 1_700_000_000), id);
  assert.ok(e !== undefined, `explain ${id}`);
  return { e, text: renderExplanation(e) };
}

function factorsOn(e: Explanation, node: string): string[] {
  return e.nodes.find((v) => v.node === node)!.factors.map((f) => f.text);
}

test("explain: each node's factors add up to the scheduler's allocation score", () => {
  const { e } = explainIn({
    nodes: [["n1", { history: running("a") }], "n2", ["n3", { attributes: { standby: "on" } }]],
    resources: [primitive("a", { meta: { "resource-stickiness": "30" } })],
    constraints: [location("l1", "a", "n2", "100"), location("l2", "a", "n1", "40")],
  }, "a");
  for (const v of e.nodes) {
    const sum = v.factors.reduce((s, f) => (f.score === undefined ? s : Math.max(-1_000_000, Math.min(1_000_000, s + f.score))), 0);
    assert.equal(sum, v.score, `${v.node}: ${JSON.stringify(v.factors)}`);
  }
  // n3 is in standby: it keeps its score, as crm_simulate prints it, but is not allowed.
  assert.deepEqual(e.nodes.map((v) => [v.node, v.score, v.allowed, v.chosen]), [["n2", 100, true, true], ["n1", 70, true, false], ["n3", 0, false, false]]);
  assert.ok(factorsOn(e, "n3").includes("n3 is in standby: it can run nothing now, whatever its score"));
  assert.deepEqual(e.planned.map((p) => [p.verb, p.from, p.to]), [["Move", "n1", "n2"]]);
});

test("explain: a target-role=Stopped resource is explained as not allowed anywhere", () => {
  const { e, text } = explainIn({ nodes: ["n1", "n2"], resources: [primitive("a", { meta: { "target-role": "Stopped" } })] }, "a");
  assert.ok(factorsOn(e, "n1").includes("target-role=Stopped"));
  assert.match(text, /Decision: no node is allowed \(every node scores -INFINITY\), so it cannot run\./);
  assert.match(text, /target-role=Stopped/);
});

test("explain: equal scores are called a tie, not a preference", () => {
  const { text } = explainIn({ nodes: ["n1", "n2"], resources: [primitive("a")] }, "a");
  assert.match(text, /Decision: n1 \(0\), tied with n2: on equal scores the scheduler spreads resources/);
});

test("explain: opt-in clusters, group members, no quorum and unmanaged resources are named", () => {
  const { e } = explainIn({
    properties: { "symmetric-cluster": "false", "no-quorum-policy": "freeze" }, quorum: false,
    nodes: ["n1", "n2"], resources: [group("g", [primitive("a"), primitive("b", { meta: { "is-managed": "false" } })])],
    constraints: [location("l", "g", "n2", "10")],
  }, "b");
  assert.ok(e.notes.includes("b is placed as part of group g: the scores below are g's"));
  assert.ok(e.notes.some((n) => n.startsWith("the resource is unmanaged")));
  assert.ok(e.notes.includes("the cluster has no quorum; no-quorum-policy=freeze"));
  assert.ok(factorsOn(e, "n1")[0]!.startsWith("opt-in cluster"));
  assert.equal(e.unit, "g");
});

test("explain: promotable clones show promotion scores; utilization needs are listed", () => {
  const { e } = explainIn({
    properties: { "placement-strategy": "utilization" },
    nodes: [["n1", { transient: { "master-s": "5" }, utilization: { cpu: "4" } }], ["n2", { transient: { "master-s": "10" }, utilization: { cpu: "4" } }]],
    resources: [clone("ms", primitive("s", { utilization: { cpu: "1" } }), { promotable: "true" })],
  }, "ms");
  assert.ok(e.notes.some((n) => n === "promotable: at most 1 promoted (1 per node); promotion scores: n2 10, n1 5"), e.notes.join("\n"));
  assert.ok(e.notes.some((n) => n.startsWith("placement-strategy=utilization: it needs cpu=1")), e.notes.join("\n"));
  assert.equal(e.nodes.filter((v) => v.chosen).length, 2);
});

test("explain: an unknown resource gives undefined", () => {
  const input = inputOf(cibXml({ nodes: ["n1"], resources: [primitive("a")] }));
  assert.equal(explain(input, schedule(input, 0), "nope"), undefined);
});
