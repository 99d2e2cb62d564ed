// The transition graphs of the failure-handling cases (failure-cases.ts): executable,
// and action for action, edge for edge the same as crm_simulate's --save-dotfile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, run } from "./cib-builder.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";
import { crmDot, executable } from "./graph-oracle.js";
import { FAILURE_CASES } from "./failure-cases.js";

for (const c of FAILURE_CASES) {
  test(`graph agrees with crm_simulate's dot: ${c.name}`, c.graphTodo === undefined ? {} : { todo: c.graphTodo }, (t) => {
    const xml = cibXml(c.cib);
    const ours = run(xml);
    executable(ours);
    const theirs = crmDot(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    assert.deepEqual(graphDot(ours).split("\n").filter((l) => l !== "").sort(), [...theirs].sort());
  });
}
