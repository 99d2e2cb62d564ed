// The transition graphs of live migrations (Pacemaker Explained, "Migrating Resources"):
// migrate_to on the source, migrate_from on the target, the source's stop after it,
// and a pseudo start that completes when both are done. Each case of migration-cases.ts
// is compared edge for edge with crm_simulate's graph (its dot file, less the optional
// actions it draws dashed), and checked to be executable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, run } from "./cib-builder.js";
import { crmRunnableDot, dotBody, executable } from "./graph-oracle.js";
import { MIGRATION_CASES } from "./migration-cases.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";
import { graphXml } from "../../src/scheduler/report/graph-xml.js";
import type { Transition } from "../../src/scheduler/index.js";

function ourDot(t: Transition): string[] {
  return dotBody(graphDot(t).split("\n"));
}

for (const c of MIGRATION_CASES) {
  test(`migration graph agrees with crm_simulate's: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const ours = run(xml);
    executable(ours);
    const theirs = crmRunnableDot(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    assert.deepEqual(ourDot(ours).sort(), theirs.sort());
  });
}

test("migration graph: a partial migration is finished by migrate_from alone, then the source's stop", () => {
  const c = MIGRATION_CASES.find((k) => k.name.startsWith("a partial migration whose target is still best"))!;
  const t = run(cibXml(c.cib));
  const ops = t.graph.actions.map((a) => `${a.operation}${a.pseudo ? "(pseudo)" : ""} ${a.node}`);
  assert.ok(!ops.some((o) => o.startsWith("migrate_to")), "no second migrate_to");
  for (const expected of ["migrate_from n2", "stop n1", "start(pseudo) n2"]) assert.ok(ops.includes(expected), `${expected} in ${ops.join(", ")}`);
  const xml = graphXml(t);
  assert.match(xml, /CRM_meta_migrate_source="n1" CRM_meta_migrate_target="n2"/);
  assert.match(xml, /<pseudo_event id="\d+" operation="start" operation_key="vm_start_0">/);
});
