// CIBs for allocation-score rules (Pacemaker Explained: "Colocation Constraints",
// "Infinity Math", "Utilization and Placement Strategy", promotable clones), with the
// --show-scores lines crm_simulate 2.1.5 prints for them.
import { type CibOptions, clone, colocation, group, location, primitive, running } from "./cib-builder.js";

export interface ScoreCase {
  name: string;
  cite: string;
  cib: CibOptions;
  /** --show-scores lines that must be printed exactly so. */
  expect: string[];
}

const assign = (rsc: string, node: string, score: string): string => `pcmk__primitive_assign: ${rsc} allocation score on ${node}: ${score}`;

export const SCORE_CASES: ScoreCase[] = [
  {
    name: "a node that cannot host anything keeps its score",
    cite: "Node scores; standby and offline nodes run no resources",
    cib: {
      nodes: ["n1", ["n2", { attributes: { standby: "on" } }], ["n3", { state: "offline" }]],
      resources: [primitive("a")],
      constraints: [location("l2", "a", "n2", "200"), location("l3", "a", "n3", "300")],
    },
    expect: [assign("a", "n1", "0"), assign("a", "n2", "200"), assign("a", "n3", "300")],
  },
  {
    name: "a mandatory anti-colocation takes the dependent's preferences off the primary's scores",
    cite: "Colocation Constraints: the primary is placed knowing where the dependent would like to be",
    cib: {
      nodes: ["n1", "n2", "n3"],
      resources: [primitive("a"), primitive("b")],
      constraints: [location("la", "a", "n1", "100"), location("lb1", "b", "n1", "50"), location("lb3", "b", "n3", "3"), colocation("c", "b", "a", "-INFINITY")],
    },
    expect: [assign("a", "n1", "50"), assign("a", "n2", "0"), assign("a", "n3", "-3")],
  },
  {
    name: "an anti-colocation does not turn the dependent's dislikes into likes",
    cite: "Colocation Constraints: negative scores",
    cib: {
      nodes: ["n1", "n2"],
      resources: [primitive("a"), primitive("b")],
      constraints: [location("lb", "b", "n2", "-30"), colocation("c", "b", "a", "-INFINITY")],
    },
    expect: [assign("a", "n1", "0"), assign("a", "n2", "0")],
  },
  {
    name: "an advisory colocation adds the dependent's preferences scaled by score/INFINITY, rounded half away from zero",
    cite: "Colocation Constraints: advisory scores; Infinity Math",
    cib: {
      nodes: ["n1", "n2", "n3"],
      resources: [primitive("a"), primitive("b")],
      constraints: [location("l1", "b", "n1", "7500"), location("l2", "b", "n2", "12500"), location("l3", "b", "n3", "-12500"), colocation("c", "b", "a", "200")],
    },
    expect: [assign("a", "n1", "2"), assign("a", "n2", "3"), assign("a", "n3", "-3")],
  },
  {
    name: "a scaled preference too small to count still counts 1 in the colocation's direction",
    cite: "Colocation Constraints: advisory scores",
    cib: {
      nodes: ["n1", "n2", "n3"],
      resources: [primitive("a"), primitive("b"), primitive("c")],
      constraints: [location("lb1", "b", "n1", "500"), location("lb2", "b", "n2", "-2000"), colocation("cb", "b", "a", "200"), location("lc", "c", "n3", "7"), colocation("cc", "c", "a", "-500")],
    },
    expect: [assign("a", "n1", "1"), assign("a", "n2", "1"), assign("a", "n3", "-1")],
  },
  {
    name: "a promotion score is the agent's promotion attribute plus role=Promoted locations, -1 without an attribute",
    cite: "Promotable Clones: promotion scores (master-<rsc> node attributes); Location constraints with role",
    cib: {
      nodes: [["n1", { transient: { "master-s": "10" } }], "n2", ["n3", { transient: { "master-s": "0" } }], ["n4", { transient: { "master-s": "-5" } }]],
      resources: [clone("ms", primitive("s"), { promotable: "true", "promoted-max": "4" })],
      constraints: ["n1", "n2", "n3", "n4"].map((n) => location(`l-${n}`, "ms", n, "100", { role: "Promoted" })),
    },
    expect: ["s:0 promotion score on n1: 110", "s:1 promotion score on n2: 99", "s:2 promotion score on n3: 100", "s:3 promotion score on n4: 95"],
  },
  {
    name: "without a promotion attribute a promoted instance scores -1 and is demoted, stickiness or not",
    cite: "Promotable Clones: an instance is promoted only where its promotion score is positive",
    cib: {
      nodes: [["n1", { history: running("s", true) }], ["n2", { history: running("s") }]],
      resources: [clone("ms", primitive("s", { meta: { "resource-stickiness": "100" } }), { promotable: "true" })],
    },
    expect: ["s:0 promotion score on n1: -1", "s:1 promotion score on n2: -1"],
  },
  {
    name: "a banned dependent of the promoted role lowers a positive promotion score to 1, not below",
    cite: "Colocation Constraints with roles; Promotable Clones: promotion scores",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10", "fail-count-a#start_0": "1" }, history: running("s", true) }],
        ["n2", { transient: { "master-s": "10" }, history: running("s") }],
      ],
      resources: [clone("ms", primitive("s"), { promotable: "true" }), group("g", [primitive("a", { meta: { "migration-threshold": "1" } }), primitive("b")])],
      constraints: [colocation("g-with-promoted", "g", "ms", "INFINITY", { "with-rsc-role": "Promoted" })],
    },
    expect: ["s:0 promotion score on n1: 1", "s:1 promotion score on n2: 10"],
  },
  {
    name: "into a clone, a dependent that would leave it no node is left out; one that is placed before it counts",
    cite: "Colocation Constraints: the primary is placed knowing where the dependent would like to be (dependents taken by id)",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "5" }, history: [...running("s"), { rsc: "a", operation: "monitor", rc: 5, expected: 7 }] }],
        ["n2", { transient: { "master-s": "5" }, history: [...running("s"), { rsc: "a", operation: "monitor", rc: 5, expected: 7 }] }],
      ],
      resources: [clone("ms", primitive("s"), { promotable: "true" }), primitive("a"), primitive("b")],
      constraints: [colocation("b-with-ms", "b", "ms", "INFINITY"), colocation("a-with-ms", "a", "ms", "INFINITY"), location("b-likes-n2", "b", "n2", "10")],
    },
    expect: ["pcmk__clone_allocate: ms allocation score on n1: 0", "pcmk__clone_allocate: ms allocation score on n2: 10", "s:1 promotion score on n2: 15"],
  },
  {
    name: "into a clone, a dependent's ban lowers a positive score to 1; dependents are taken by id, so a later one's preference still counts in full",
    cite: "Colocation Constraints: the primary is placed knowing where the dependent would like to be",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "5" }, history: [...running("s"), { rsc: "a", operation: "monitor", rc: 5, expected: 7 }] }],
        ["n2", { transient: { "master-s": "5" }, history: [...running("s"), { rsc: "a", operation: "monitor", rc: 7, expected: 7 }] }],
      ],
      resources: [clone("ms", primitive("s"), { promotable: "true" }), primitive("a"), primitive("b")],
      constraints: [
        colocation("b-with-ms", "b", "ms", "INFINITY"), colocation("a-with-ms", "a", "ms", "INFINITY"),
        location("b-likes-n2", "b", "n2", "10"), location("b-likes-n1", "b", "n1", "3"), location("ms-likes-n1", "ms", "n1", "2"), location("ms-likes-n2", "ms", "n2", "4"),
      ],
    },
    expect: ["pcmk__clone_allocate: ms allocation score on n1: 4", "pcmk__clone_allocate: ms allocation score on n2: 14"],
  },
];
