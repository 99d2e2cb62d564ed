// "Utilization and Placement Strategy" (Pacemaker Explained) with colocated
// resources, in the same form as semantics-cases.ts (checked against crm_simulate too).
import { clone, colocation, group, location, primitive, type CibOptions } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const cpu = (n: number): { cpu: string } => ({ cpu: String(n) });
/** Two nodes with room for 2 and 4 cpus, placement-strategy=utilization. */
const smallAndLarge = (large = 4): Pick<CibOptions, "properties" | "nodes"> => ({
  properties: { "placement-strategy": "utilization" },
  nodes: [["n1", { utilization: cpu(2) }], ["n2", { utilization: cpu(large) }]],
});

export const UTILIZATION_CASES: SemanticsCase[] = [
  {
    name: "a resource goes where there is room for it and for what must run with it",
    cite: "Utilization and Placement Strategy: a node is eligible only with enough free capacity (mandatory colocations count)",
    cib: {
      ...smallAndLarge(),
      resources: [primitive("a", { utilization: cpu(2) }), primitive("b", { utilization: cpu(2) }), primitive("c", { utilization: cpu(1) })],
      constraints: [colocation("b-with-a", "b", "a", "INFINITY")],
    },
    expect: ["* Start a ( n2 )", "* Start b ( n2 )", "* Start c ( n1 )"],
  },
  {
    name: "when no node has room for a resource and all its colocated resources, it goes where there is most room",
    cite: "Utilization and Placement Strategy: the dependents that no longer fit stay stopped",
    cib: {
      ...smallAndLarge(3),
      resources: [primitive("a", { utilization: cpu(2) }), primitive("b", { utilization: cpu(2) }), primitive("c", { utilization: cpu(2) })],
      constraints: [colocation("b-with-a", "b", "a", "INFINITY"), colocation("c-with-a", "c", "a", "INFINITY")],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "only the nodes a resource may run on are checked for room for its colocated resources",
    cite: "Utilization and Placement Strategy; Location Constraints",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: cpu(4) }], ["n2", { utilization: cpu(2) }]],
      resources: [primitive("a"), primitive("b", { utilization: cpu(4) })],
      constraints: [location("a-not-n1", "a", "n1", "-INFINITY"), colocation("b-with-a", "b", "a", "INFINITY")],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "with room everywhere, colocated resources place as without utilization",
    cite: "Utilization and Placement Strategy: utilization (equal scores: fewest resources, then node order)",
    cib: {
      ...smallAndLarge(),
      resources: [primitive("a", { utilization: cpu(1) }), primitive("b", { utilization: cpu(1) }), primitive("c", { utilization: cpu(1) })],
      constraints: [colocation("b-with-a", "b", "a", "INFINITY")],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n1 )", "* Start c ( n2 )"],
  },
  {
    name: "a clone instance goes where there is room for it and for one instance of the clone that must run with it",
    cite: "Utilization and Placement Strategy (clone instances, observed with crm_simulate)",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: cpu(4) }], ["n2", { utilization: cpu(100) }], ["n3", { utilization: cpu(100) }]],
      resources: [
        clone("c1", primitive("r1", { utilization: cpu(2) }), { "clone-max": "2" }),
        clone("c2", group("g", [primitive("r2", { utilization: cpu(2) }), primitive("r3", { utilization: cpu(2) })]), { "clone-max": "2" }),
      ],
      constraints: [colocation("c2-with-c1", "c2", "c1", "INFINITY")],
    },
    expect: ["* Start r1:0 ( n2 )", "* Start r1:1 ( n3 )", "* Start r2:0 ( n2 )", "* Start r3:0 ( n2 )", "* Start r2:1 ( n3 )", "* Start r3:1 ( n3 )"],

  },
  {
    name: "a clone instance whose only node left lacks room for what must run with it goes there if it fits alone",
    cite: "Utilization and Placement Strategy (clone instances, observed with crm_simulate)",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: cpu(7) }], ["n2", { utilization: cpu(100) }], ["n3", { utilization: cpu(100) }]],
      resources: [
        clone("c1", primitive("r1", { utilization: cpu(2) }), { "clone-max": "2" }),
        clone("c2", group("g", [primitive("r2", { utilization: cpu(2) }), primitive("r3", { utilization: cpu(2) })]), { "clone-max": "2" }),
        group("g2", [primitive("r4", { utilization: cpu(2) }), primitive("r5", { utilization: cpu(2) })]),
      ],
      constraints: [colocation("c2-with-c1", "c2", "c1", "INFINITY"), colocation("g2-with-c2", "g2", "c2", "INFINITY")],
    },
    expect: [
      "* Start r1:0 ( n1 )", "* Start r1:1 ( n2 )", "* Start r2:0 ( n2 )", "* Start r3:0 ( n2 )",
      "* Start r2:1 ( n1 )", "* Start r3:1 ( n1 )", "* Start r4 ( n2 )", "* Start r5 ( n2 )",
    ],

    scoresTodo: "crm_simulate prints a group's line before its colocations apply (g2 on n3: 0)",
  },
  {
    name: "a group with no node that has room for all of it starts its first members on the roomiest node while they fit",
    cite: "Utilization and Placement Strategy (groups, observed with crm_simulate)",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: cpu(3) }], ["n2", { utilization: cpu(1) }]],
      resources: [group("g", [primitive("a", { utilization: cpu(2) }), primitive("b", { utilization: cpu(1) }), primitive("c", { utilization: cpu(2) })])],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n1 )"],
  },
  {
    name: "a group goes where there is room for all of it when some node has",
    cite: "Utilization and Placement Strategy (groups, observed with crm_simulate)",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: cpu(3) }], ["n2", { utilization: cpu(4) }]],
      resources: [group("g", [primitive("a", { utilization: cpu(2) }), primitive("b", { utilization: cpu(2) })])],
    },
    expect: ["* Start a ( n2 )", "* Start b ( n2 )"],
  },
];
