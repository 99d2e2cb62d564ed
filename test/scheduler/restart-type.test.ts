// Restarts along orderings that the Transition Summary shows: a mandatory order after a
// promotable clone's promotion, and the deprecated restart-type=restart meta attribute
// that makes an optional order restart "then" too (Pacemaker Explained, "Ordering
// Constraints", "Resource Meta-Attributes"). Each case is also compared with crm_simulate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibXml, clone, group, location, oracle, order, primitive, probedStopped, run, running, summaryOf, type CibOptions, type HistoryEntry } from "./cib-builder.js";

const STATEFUL = { class: "ocf", provider: "pacemaker", type: "Stateful" };
const moveA = (b: ReturnType<typeof primitive>, kind: Record<string, string>): CibOptions => ({
  nodes: [["n1", { history: [...running("a"), ...running("b")] }], ["n2", { history: [...probedStopped("a"), ...probedStopped("b")] }]],
  resources: [primitive("a"), b],
  constraints: [location("a-to-n2", "a", "n2", "100"), location("b-on-n1", "b", "n1", "100"), order("a-then-b", "a", "b", { kind: "Optional", ...kind })],
});
const statefulAt = (rsc: string, promoted: boolean, x: string): HistoryEntry[] => running(rsc, promoted).map((e) => ({ ...e, agent: STATEFUL, params: { x } }));

const CASES: Array<{ name: string; cib: CibOptions; summary: string[] }> = [
  {
    name: "an optional order leaves 'then' alone when 'first' moves",
    cib: moveA(primitive("b"), {}),
    summary: ["* Move a ( n1 -> n2 )"],
  },
  {
    name: "restart-type=restart on 'then' restarts it along an optional start order",
    cib: moveA(primitive("b", { meta: { "restart-type": "restart" } }), {}),
    summary: ["* Move a ( n1 -> n2 )", "* Restart b ( n1 ) due to required a start"],
  },
  {
    name: "restart-type=restart along an optional order between stops: a restart with no reason",
    cib: moveA(primitive("b", { meta: { "restart-type": "restart" } }), { "first-action": "stop", "then-action": "stop" }),
    summary: ["* Move a ( n1 -> n2 )", "* Restart b ( n1 )"],
  },
  {
    name: "a group with restart-type=restart after a notifying clone's promotion restarts member by member",
    cib: {
      nodes: [["n1", { history: [...statefulAt("s:0", true, "1"), ...running("g1"), ...running("g2")] }], ["n2", { history: statefulAt("s:1", false, "2") }]],
      resources: [
        clone("ms", primitive("s", { agent: STATEFUL, params: { x: "2" } }), { promotable: "true", notify: "true", "promoted-max": "1" }),
        group("g", [primitive("g1"), primitive("g2")], { "restart-type": "restart" }),
      ],
      constraints: [location("ms-on-n1", "ms", "n1", "100", { role: "Promoted" }), location("g-on-n1", "g", "n1", "100"), order("o", "ms", "g", { "first-action": "promote", "then-action": "start", kind: "Optional" })],
    },
    summary: [
      "* Restart s:0 ( Promoted n1 ) due to resource definition change",
      "* Restart g1 ( n1 ) due to required ms notified",
      "* Restart g2 ( n1 ) due to required g1 start",
    ],
  },
];

for (const c of CASES) {
  test(`ordering restarts: ${c.name}`, () => {
    assert.deepEqual([...summaryOf(run(cibXml(c.cib)))].sort(), c.summary.map((l) => l.replace(/\s+/g, " ")).sort());
  });
  test(`ordering restarts agree with crm_simulate: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const theirs = oracle(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    assert.deepEqual([...summaryOf(run(xml))].sort(), [...theirs.summary].sort());
  });
}
