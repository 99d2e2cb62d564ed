// Clone and promotable-clone rules from Pacemaker Explained, in the same form as
// semantics-cases.ts (each expectation is also checked against crm_simulate).
import { clone, primitive, probedStopped, running } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const promotable = (meta: Record<string, string> = {}) => clone("ms", primitive("s"), { promotable: "true", ...meta });

export const CLONE_CASES: SemanticsCase[] = [
  {
    name: "equal promotion scores keep the lower-numbered instance promoted",
    cite: "Promotable Clones: promoted-max (only that many instances stay promoted)",
    cib: {
      nodes: [
        // Listed first, n2 runs instance 0: the tie is not broken by node name.
        ["n2", { transient: { "master-s": "10" }, history: running("s", true) }],
        ["n1", { transient: { "master-s": "10" }, history: running("s", true) }],
      ],
      resources: [promotable({ "promoted-max": "1" })],
    },
    expect: ["* Demote s:1 ( Promoted -> Unpromoted n1 )"],
  },
  {
    name: "a negative promotion preference does not keep an instance off a node",
    cite: "Promotable Clones: promotion scores (a negative score only prevents promotion)",
    cib: {
      nodes: [["n1", { transient: { "master-s": "-5" }, history: probedStopped("s") }], ["n2", { history: probedStopped("s") }]],
      resources: [promotable({ "clone-max": "1" })],
    },
    expect: ["* Start s:0 ( n1 )"],
  },
];
