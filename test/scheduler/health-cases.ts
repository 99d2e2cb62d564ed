// Node health (Pacemaker Explained, "Tracking Node Health"): #health-* node attributes
// scored by node-health-strategy. Run by rules.test.ts.
import { location, primitive, running } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const progressive = { "node-health-strategy": "progressive", "node-health-yellow": "-100", "node-health-red": "-INFINITY" };

export const HEALTH_CASES: SemanticsCase[] = [
  {
    name: "migrate-on-red moves resources off a red node",
    cite: "Tracking Node Health: node-health-strategy=migrate-on-red",
    cib: {
      properties: { "node-health-strategy": "migrate-on-red" },
      nodes: [["n1", { history: running("a"), transient: { "#health-disk": "red" } }], "n2"],
      resources: [primitive("a")],
    },
    expect: ["* Move a ( n1 -> n2 )"],
  },
  {
    name: "migrate-on-red keeps resources on a yellow node",
    cite: "Tracking Node Health: node-health-strategy=migrate-on-red",
    cib: {
      properties: { "node-health-strategy": "migrate-on-red" },
      nodes: [["n1", { history: running("a"), transient: { "#health-disk": "yellow" } }], "n2"],
      resources: [primitive("a")],
    },
    expect: [],
  },
  {
    name: "only-green moves resources off a yellow node",
    cite: "Tracking Node Health: node-health-strategy=only-green",
    cib: {
      properties: { "node-health-strategy": "only-green" },
      nodes: [["n1", { history: running("a"), transient: { "#health-disk": "yellow" } }], "n2"],
      resources: [primitive("a")],
    },
    expect: ["* Move a ( n1 -> n2 )"],
  },
  {
    name: "progressive adds node-health-yellow to every resource's score on the node",
    cite: "Tracking Node Health: node-health-strategy=progressive",
    cib: {
      properties: progressive,
      nodes: [["n1", { transient: { "#health-disk": "yellow" } }]],
      resources: [primitive("a"), primitive("b")],
      constraints: [location("la", "a", "n1", "150"), location("lb", "b", "n1", "50")],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "without a node-health-strategy health attributes do nothing",
    cite: "Tracking Node Health: node-health-strategy=none (default)",
    cib: {
      nodes: [["n1", { history: running("a"), transient: { "#health-disk": "red" } }], "n2"],
      resources: [primitive("a")],
    },
    expect: [],
  },
];
