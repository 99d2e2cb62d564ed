// Allocation scores (--show-scores), value by value, for the rules of Pacemaker
// Explained that decide them; each expectation is checked against crm_simulate too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, location, oracle, primitive, run } from "./cib-builder.js";
import { formatScores } from "../../src/scheduler/report/scores.js";
import { SCORE_CASES } from "./score-cases.js";

for (const c of SCORE_CASES) {
  test(`allocation scores: ${c.name} (${c.cite})`, () => {
    const ours = formatScores(run(cibXml(c.cib)));
    for (const line of c.expect) assert.ok(ours.includes(line), `missing: ${line}\nours:\n${ours.join("\n")}`);
  });
  test(`crm_simulate prints the same scores: ${c.name}`, (t) => {
    const theirs = oracle(cibXml(c.cib), [], true);
    if (typeof theirs === "string") return t.skip(theirs);
    for (const line of c.expect) assert.ok(theirs.scores.includes(line), `crm_simulate does not print: ${line}\n${theirs.scores.join("\n")}`);
  });
}

test("allocation scores: the scores of every node are printed, usable or not", () => {
  const xml = cibXml({ nodes: ["n1", ["n2", { state: "offline" }]], resources: [primitive("a")], constraints: [location("l", "a", "n2", "20")] });
  const lines = formatScores(run(xml)).filter((l) => l.includes(" a allocation"));
  assert.deepEqual(lines, ["pcmk__primitive_assign: a allocation score on n1: 0", "pcmk__primitive_assign: a allocation score on n2: 20"]);
});
