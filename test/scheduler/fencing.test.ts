// Fencing, unfencing and quorum: our Transition Summary and transition graph for each
// case of fencing-cases.ts, and the same CIB through crm_simulate (summary and graph),
// so a wrong reading of the documentation cannot hide in both expectation and code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cibXml, oracle, run, summaryOf } from "./cib-builder.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";
import { graphXml } from "../../src/scheduler/report/graph-xml.js";
import { FENCING_CASES } from "./fencing-cases.js";
import { crmDot, executable } from "./graph-oracle.js";

/** crm_simulate's graph as dot lines, without what it marks unrunnable (dashed): that is never executed. */
function crmGraph(xml: string): string[] | string {
  const dot = crmDot(xml);
  return typeof dot === "string" ? dot : dot.filter((l) => !l.includes("dashed"));
}

for (const c of FENCING_CASES) {
  test(`fencing: ${c.name} (${c.cite})`, () => {
    const t = run(cibXml(c.cib));
    assert.deepEqual(summaryOf(t), c.expect);
    executable(t);
    const dot = graphDot(t).split("\n");
    for (const line of c.edges ?? []) assert.ok(dot.includes(line), `${line}\nin\n${dot.join("\n")}`);
  });
  test(`crm_simulate agrees (summary): ${c.name}`, (t) => {
    const theirs = oracle(cibXml(c.cib));
    if (typeof theirs === "string") return t.skip(theirs);
    assert.deepEqual([...theirs.summary].sort(), [...c.expect].sort());
  });
  test(`crm_simulate agrees (graph): ${c.name}`, c.graphTodo === undefined ? {} : { todo: c.graphTodo }, (t) => {
    const xml = cibXml(c.cib);
    const theirs = crmGraph(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    const ours = graphDot(run(xml)).split("\n").filter((l) => l !== "");
    assert.deepEqual([...ours].sort(), [...theirs].sort());
  });
}

test("fencing in --save-graph: a stonith crm_event names the node and action; an implied stop is a pseudo_event", () => {
  const c = FENCING_CASES.find((x) => x.name.startsWith("what ran on a fenced node"))!;
  const xml = graphXml(run(cibXml(c.cib)));
  assert.match(xml, /<crm_event id="\d+" operation="stonith" operation_key="stonith-n2-reboot" on_node="n2" on_node_uuid="2">/);
  assert.match(xml, /CRM_meta_stonith_action="reboot"/);
  assert.match(xml, /<pseudo_event id="\d+" operation="stop" operation_key="a_stop_0">/);
});

/** The CRM_meta_digests_* attributes of a --save-graph text, sorted. */
function digestAttributes(graph: string): string[] {
  return (graph.match(/CRM_meta_digests_\w+="[^"]*"/g) ?? []).sort();
}

test("unfencing in --save-graph: the 'on' action carries the unfencing devices' digests, as crm_simulate's does", (t) => {
  const c = FENCING_CASES.find((x) => x.name.startsWith("changing a device's parameters"))!;
  const cib = cibXml(c.cib);
  const ours = graphXml(run(cib));
  assert.match(ours, /operation_key="stonith-n2-on"/);
  assert.match(ours, /CRM_meta_stonith_action="on"/);
  assert.ok(digestAttributes(ours).length === 2, ours);
  const dir = mkdtempSync(join(tmpdir(), "quorate-fencing-"));
  try {
    writeFileSync(join(dir, "cib.xml"), cib);
    const r = spawnSync("crm_simulate", ["-x", join(dir, "cib.xml"), "--save-graph", join(dir, "graph.xml")], { encoding: "utf8", timeout: 60_000 });
    if (r.error !== undefined) return t.skip(`crm_simulate is not available: ${r.error.message}`);
    assert.deepEqual(digestAttributes(ours), digestAttributes(readFileSync(join(dir, "graph.xml"), "utf8")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
