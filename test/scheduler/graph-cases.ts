// Graph cases: a CIB, dot lines our graph must have, and the whole graph compared
// with crm_simulate's (less the optional actions it draws dashed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, run, type CibOptions } from "./cib-builder.js";
import { crmRunnableDot, dotBody, executable } from "./graph-oracle.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";

export interface GraphCase {
  name: string;
  cib: CibOptions;
  /** Dot lines that must be in our graph. */
  expect: string[];
}

/** Registers two tests per case: the expected edges, and agreement with crm_simulate. */
export function graphCaseTests(topic: string, cases: readonly GraphCase[]): void {
  for (const c of cases) {
    test(`${topic}: ${c.name}`, () => {
      const t = run(cibXml(c.cib));
      executable(t);
      const ours = graphDot(t).split("\n");
      for (const line of c.expect) assert.ok(ours.includes(line), `${line}\nin\n${ours.join("\n")}`);
    });
    test(`${topic} agrees with crm_simulate's graph: ${c.name}`, (t) => {
      const xml = cibXml(c.cib);
      const theirs = crmRunnableDot(xml);
      if (typeof theirs === "string") return t.skip(theirs);
      assert.deepEqual(dotBody(graphDot(run(xml)).split("\n")).sort(), theirs.sort());
    });
  }
}
