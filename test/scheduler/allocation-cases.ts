// The order resources are assigned in (Pacemaker Explained, "Which resource is
// preferred to be assigned first"). Run by rules.test.ts.
import { createElement } from "../../src/cib/index.js";
import { location, primitive, running } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const cpu = { cpu: "1" };

/** rsc_template t (ocf:heartbeat:Dummy) needing 2 cpu, and a primitive built from it. */
const cpuTemplate = createElement("template", { id: "t", class: "ocf", provider: "heartbeat", type: "Dummy" }, [
  createElement("utilization", { id: "t-u" }, [createElement("nvpair", { id: "t-u-cpu", name: "cpu", value: "2" })]),
]);
const fromTemplate = (id: string, ownCpu?: string): ReturnType<typeof createElement> => createElement("primitive", { id, template: "t" },
  ownCpu === undefined ? [] : [createElement("utilization", { id: `${id}-u` }, [createElement("nvpair", { id: `${id}-u-cpu`, name: "cpu", value: ownCpu })])]);

export const ALLOCATION_CASES: SemanticsCase[] = [
  {
    name: "a resource that can keep its node is assigned before one that must move",
    cite: "Utilization and Placement Strategy: which resource is preferred to be assigned first",
    cib: {
      properties: { "placement-strategy": "balanced" },
      nodes: [["n1", { history: running("a"), utilization: cpu, attributes: { standby: "on" } }], ["n2", { history: running("b"), utilization: cpu }]],
      resources: [primitive("a", { utilization: cpu }), primitive("b", { utilization: cpu })],
      constraints: [location("la", "a", "n2", "100"), location("lb", "b", "n2", "50")],
    },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "a node too small for a resource does not count as the place it can keep",
    cite: "Utilization and Placement Strategy: which resource is preferred to be assigned first",
    cib: {
      properties: { "placement-strategy": "balanced" },
      rscDefaults: { "resource-stickiness": "100" },
      nodes: [["n1", { history: running("a"), utilization: { cpu: "0" } }], ["n2", { history: running("b"), utilization: cpu }]],
      resources: [primitive("a", { utilization: cpu }), primitive("b", { utilization: cpu })],
    },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "higher priority is assigned first",
    cite: "Resource Meta-Attributes: priority",
    cib: {
      properties: { "placement-strategy": "balanced" },
      nodes: [["n1", { utilization: cpu }]],
      resources: [primitive("a", { utilization: cpu }), primitive("b", { utilization: cpu, meta: { priority: "10" } })],
    },
    expect: ["* Start b ( n1 )"],
  },
  {
    name: "a primitive's own utilization wins over its template's",
    cite: "Resource Templates: a primitive's own attributes override the template's",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: cpu }]],
      resources: [cpuTemplate, fromTemplate("a"), fromTemplate("b", "1")],
    },
    expect: ["* Start b ( n1 )"],
  },
];
