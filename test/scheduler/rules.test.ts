import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, oracle, run, summaryOf } from "./cib-builder.js";
import { formatScores } from "../../src/scheduler/report/scores.js";
import { CASES as DOCUMENTED } from "./semantics-cases.js";
import { BLOCKING_CASES } from "./blocking-cases.js";
import { DEFINITION_CASES } from "./definition-cases.js";
import { HEALTH_CASES } from "./health-cases.js";
import { ALLOCATION_CASES } from "./allocation-cases.js";
import { CLONE_CASES } from "./clone-cases.js";
import { REMOTE_CASES } from "./remote-cases.js";
import { FAILURE_CASES } from "./failure-cases.js";
import { MIGRATION_CASES } from "./migration-cases.js";
import { EXPRESSION_CASES } from "./expression-cases.js";
import { LOCK_CASES } from "./lock-cases.js";
import { UTILIZATION_CASES } from "./utilization-cases.js";
import { COLOCATION_CASES } from "./colocation-cases.js";

const CASES = [...DOCUMENTED, ...BLOCKING_CASES, ...DEFINITION_CASES, ...HEALTH_CASES, ...ALLOCATION_CASES, ...CLONE_CASES, ...REMOTE_CASES, ...FAILURE_CASES, ...MIGRATION_CASES, ...EXPRESSION_CASES, ...UTILIZATION_CASES, ...LOCK_CASES, ...COLOCATION_CASES];

// Each rule of Pacemaker Explained, on a CIB written for it: our Transition Summary.
for (const c of CASES) {
  test(`scheduler: ${c.name} (${c.cite})`, c.todo === undefined ? {} : { todo: c.todo }, () => {
    assert.deepEqual(summaryOf(run(cibXml(c.cib))), c.expect);
  });
}

// The same expectations checked against Pacemaker's scheduler, so a wrong reading
// of the documentation cannot hide in both the expectation and the implementation.
for (const c of CASES) {
  test(`crm_simulate agrees: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const theirs = oracle(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    assert.deepEqual(theirs.summary, c.expect);
  });
}

// --show-scores: every placement-unit score we print is one crm_simulate prints (it
// prints more: group members, clone instances, promotion scores).
for (const c of CASES) {
  const todo = c.scoresTodo === undefined ? {} : { todo: c.scoresTodo };
  test(`--show-scores agrees with crm_simulate: ${c.name}`, todo, (t) => {
    const xml = cibXml(c.cib);
    const theirs = oracle(xml, [], true);
    if (typeof theirs === "string") return t.skip(theirs);
    const extra = formatScores(run(xml)).filter((line) => !theirs.scores.includes(line));
    assert.deepEqual(extra, [], "allocation scores that crm_simulate does not print");
  });
}
