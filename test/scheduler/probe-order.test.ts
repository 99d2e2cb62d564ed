// Probes before stops (Pacemaker Explained, "Resource Discovery" with "Ordering
// Constraints"): when "first" stops or moves, the probes of what is ordered after it
// come before its stop (and before its migrate_to when it migrates), so a copy of
// "then" already running somewhere is found first. Compared with crm_simulate's graph.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, location, order, primitive, probedStopped, run, type CibOptions } from "./cib-builder.js";
import { crmDot, executable } from "./graph-oracle.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";

const CASES: Array<{ name: string; cib: CibOptions; expect: string[] }> = [
  {
    name: "then's probes come before first's stop when first moves",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [primitive("a"), primitive("b")],
      constraints: [location("l", "a", "n2", "100"), order("o", "a", "b")],
    },
    expect: ['"b_monitor_0 n3" -> "a_stop_0 n1" [ style = bold]'],
  },
  {
    name: "then's probes come before first's stop when first stops for good",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")],
      constraints: [order("o", "a", "b")],
    },
    expect: ['"b_monitor_0 n2" -> "a_stop_0 n1" [ style = bold]'],
  },
  {
    name: "then's probes come before first's migrate_to and stop when first migrates",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [primitive("a", { meta: { "allow-migrate": "true" } }), primitive("b")],
      constraints: [location("l", "a", "n2", "100"), location("lb", "a", "n3", "-INFINITY"), order("o", "a", "b")],
    },
    expect: ['"b_monitor_0 n3" -> "a_migrate_to_0 n1" [ style = bold]', '"b_monitor_0 n3" -> "a_stop_0 n1" [ style = bold]'],
  },
];

for (const c of CASES) {
  test(`probe order: ${c.name}`, () => {
    const t = run(cibXml(c.cib));
    executable(t);
    const ours = graphDot(t).split("\n");
    for (const line of c.expect) assert.ok(ours.includes(line), `${line}\nin\n${ours.join("\n")}`);
  });
  test(`probe order agrees with crm_simulate's graph: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const theirs = crmDot(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    const ours = graphDot(run(xml)).split("\n").filter((l) => l.startsWith('"'));
    assert.deepEqual(ours.sort(), theirs.filter((l) => l.startsWith('"') && !l.includes("dashed")).sort());
  });
}
