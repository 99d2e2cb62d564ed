// The order resources are assigned in (Pacemaker Explained, "Which resource is
// preferred to be assigned first"). Run by rules.test.ts.
import { createElement } from "../../src/cib/index.js";
import { clone, colocation, colocationSets, group, location, primitive, resourceSet, running, type CibOptions, type HistoryEntry } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const cpu = { cpu: "1" };
const ON_TIES = "Which node is preferred on equal scores (observed with crm_simulate)";
const ORDER = "Utilization and Placement Strategy: which resource is preferred to be assigned first";
const runs = (...ids: string[]): HistoryEntry[] => ids.flatMap((id) => running(id));
const PRIMARIES = "Colocation: the primary is placed first (which primary first, observed with crm_simulate)";
/** n1 has room for one of the 2-cpu resources, n2 for none: whichever is placed first runs. */
const roomForOne: Pick<CibOptions, "properties" | "nodes"> = {
  properties: { "placement-strategy": "utilization" },
  nodes: [["n1", { utilization: { cpu: "2" } }], ["n2", { utilization: { cpu: "1" } }]],
};
const cpu2 = { utilization: { cpu: "2" } };
/** One rsc_location with a rule per [score, node]: each rule matches #uname eq node. */
const ruleLocation = (rsc: string, rules: Array<[string, string]>): ReturnType<typeof createElement> => createElement("rsc_location", { id: `l-${rsc}`, rsc },
  rules.map(([score, node], i) => createElement("rule", { id: `l-${rsc}-r${i}`, score }, [createElement("expression", { id: `l-${rsc}-r${i}-e`, attribute: "#uname", operation: "eq", value: node })])));

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
  {
    name: "on a tie, the node with fewer resources assigned wins over the node a resource runs on",
    cite: ON_TIES,
    cib: { nodes: ["n1", ["n2", { history: runs("r1", "r2") }]], resources: [primitive("r1"), primitive("r2")] },
    expect: ["* Move r2 ( n2 -> n1 )"],
  },
  {
    name: "a positive score holds a resource on its node on a tie, whatever the load",
    cite: ON_TIES,
    cib: { rscDefaults: { "resource-stickiness": "1" }, nodes: ["n1", ["n2", { history: runs("r1", "r2") }]], resources: [primitive("r1"), primitive("r2")] },
    expect: [],
  },
  {
    name: "a resource that may not move counts as assigned to its node",
    cite: ON_TIES,
    cib: {
      nodes: [["n1", { history: runs("r1", "r2") }], "n2"],
      resources: [primitive("r1", { meta: { "is-managed": "false" } }), primitive("r2")],
      constraints: [location("l1", "r1", "n2", "10")],
    },
    expect: ["* Move r2 ( n1 -> n2 )"],
  },
  {
    name: "a failed resource is recovered where it runs when the load is even",
    cite: ON_TIES,
    cib: {
      nodes: [["n1", { history: runs("a") }], ["n2", { history: [...runs("c", "b"), { rsc: "b", operation: "monitor", intervalMs: 10_000, rc: 1 }] }]],
      resources: [primitive("a"), primitive("c"), primitive("b", { ops: [{ name: "monitor", interval: "10s" }] })],
    },
    expect: ["* Recover b ( n2 )"],
  },
  {
    name: "with the default strategy, resources are placed in configuration order, running or not",
    cite: ORDER,
    cib: { nodes: [["n1", { history: runs("r1") }], "n2"], resources: [primitive("r0"), primitive("r1")] },
    expect: ["* Start r0 ( n1 )", "* Move r1 ( n1 -> n2 )"],
  },
  {
    name: "with placement-strategy utilization, a running resource is placed before a stopped one",
    cite: ORDER,
    cib: { properties: { "placement-strategy": "utilization" }, nodes: [["n1", { history: runs("r1") }], "n2"], resources: [primitive("r0"), primitive("r1")] },
    expect: ["* Start r0 ( n2 )"],
  },
  {
    name: "with placement-strategy minimal, ties go to the first node by name, not the least loaded",
    cite: ON_TIES,
    cib: { properties: { "placement-strategy": "minimal" }, nodes: ["n1", ["n2", { history: runs("r1", "r2") }]], resources: [primitive("r1"), primitive("r2")] },
    expect: ["* Move r1 ( n2 -> n1 )", "* Move r2 ( n2 -> n1 )"],
  },
  {
    name: "stopped resources are placed by their score on the first node where they differ, and listed in that order",
    cite: ORDER,
    cib: {
      properties: { "placement-strategy": "balanced" },
      nodes: ["n1", "n2"],
      resources: [primitive("r0"), primitive("r1"), primitive("r2")],
      constraints: [location("l0", "r0", "n2", "10"), location("l1", "r1", "n1", "5"), location("l2", "r2", "n1", "10")],
    },
    expect: ["* Start r2 ( n1 )", "* Start r1 ( n1 )", "* Start r0 ( n2 )"],
  },
  {
    name: "a resource tied to a clone counts -INFINITY on a standby node in the order, however much it prefers that node",
    cite: ORDER,
    cib: vmsOnStandby(true),
    expect: ["* Stop d:2 ( n3 ) due to node availability", "* Move vm1 ( n3 -> n1 )", "* Move vm2 ( n3 -> n2 )"],
  },
  {
    name: "without that colocation, the preference for its standby node puts a resource first",
    cite: ORDER,
    cib: vmsOnStandby(false),
    expect: ["* Move vm2 ( n3 -> n1 )", "* Move vm1 ( n3 -> n2 )"],
  },
  {
    name: "a resource's primaries are placed by id when nothing else differs, whatever the constraint order",
    cite: PRIMARIES,
    cib: { ...roomForOne, resources: [primitive("a"), primitive("r2", cpu2), primitive("r3", cpu2)], constraints: [colocation("a-r3", "a", "r3", "4000"), colocation("a-r2", "a", "r2", "4000")] },
    expect: ["* Start a ( n1 )", "* Start r2 ( n1 )"],
  },
  {
    name: "a resource's primary of higher priority is placed first",
    cite: PRIMARIES,
    cib: {
      ...roomForOne,
      resources: [primitive("a", { meta: { priority: "10" } }), primitive("r2", cpu2), primitive("r3", { ...cpu2, meta: { priority: "5" } })],
      constraints: [colocation("a-r2", "a", "r2", "4000"), colocation("a-r3", "a", "r3", "4000")],
    },
    expect: ["* Start a ( n1 )", "* Start r3 ( n1 )"],
  },
  {
    name: "a group primary is placed before a primitive one",
    cite: PRIMARIES,
    cib: {
      ...roomForOne,
      resources: [primitive("a", { meta: { priority: "10" } }), primitive("r2", cpu2), group("zg", [primitive("z1", cpu2)])],
      constraints: [colocation("a-r2", "a", "r2", "4000"), colocation("a-zg", "a", "zg", "4000")],
    },
    expect: ["* Start a ( n1 )", "* Start z1 ( n1 )"],
  },
  {
    name: "a colocation counts as soon as its primary is placed: the next primary follows the first",
    cite: PRIMARIES,
    cib: {
      nodes: ["n1", "n2"],
      resources: [group("g", [primitive("m1"), primitive("m2")]), primitive("r2"), primitive("r3")],
      constraints: [colocation("m1-r2", "m1", "r2", "4000"), colocation("g-r3", "g", "r3", "4000")],
    },
    expect: ["* Start m1 ( n1 )", "* Start m2 ( n1 )", "* Start r2 ( n1 )", "* Start r3 ( n1 )"],
    scoresTodo: "crm_simulate's group line leaves the group's colocations out (g on n1: 0); they show in the members' lines",
  },
  {
    name: "in a colocation set, each member is placed with the one before it",
    cite: "Colocation Sets: set A B places B with A",
    cib: {
      nodes: ["n1", "n2"],
      resources: [primitive("a"), primitive("b", { meta: { "target-role": "Stopped" } }), primitive("c")],
      constraints: [colocationSets("co", "INFINITY", [resourceSet("s", ["a", "b", "c"])])],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "a colocation set with ordering=listed chains the other way: each member with the one after it",
    cite: "Colocation Sets (resource_set ordering, observed with crm_simulate)",
    cib: {
      nodes: ["n1", "n2"],
      resources: [primitive("a"), primitive("b", { meta: { "target-role": "Stopped" } }), primitive("c")],
      constraints: [colocationSets("co", "INFINITY", [resourceSet("s", ["a", "b", "c"], { ordering: "listed" })])],
    },
    expect: ["* Start c ( n1 )"],
  },
  {
    name: "a group anti-colocated with INFINITY stickiness pushes its primary off their node (its later members count in full)",
    cite: "Colocation: a dependent's preferences weigh on its primary (observed with crm_simulate)",
    cib: {
      rscDefaults: { "resource-stickiness": "INFINITY" },
      nodes: [["n1", { history: runs("a1", "a2", "b1", "b2") }], "n2"],
      resources: [group("ga", [primitive("a1"), primitive("a2")]), group("gb", [primitive("b1"), primitive("b2")])],
      constraints: [colocation("c", "ga", "gb", "-500")],
    },
    expect: ["* Move b1 ( n1 -> n2 )", "* Move b2 ( n1 -> n2 )"],
    scoresTodo: "crm_simulate prints group lines without their members' stickiness and colocations (ga, gb on n1: 0)",
  },
  {
    name: "a primitive anti-colocated with INFINITY stickiness only scales down: its primary stays",
    cite: "Colocation: a dependent's preferences weigh on its primary (observed with crm_simulate)",
    cib: {
      rscDefaults: { "resource-stickiness": "INFINITY" },
      nodes: [["n1", { history: runs("a", "b") }], "n2"],
      resources: [primitive("a"), primitive("b")],
      constraints: [colocation("c", "a", "b", "-500")],
    },
    expect: [],
  },
  {
    name: "a later group member's preference weighs in full on the group's primary",
    cite: "Colocation: a dependent's preferences weigh on its primary (observed with crm_simulate)",
    cib: {
      nodes: ["n1", "n2"],
      resources: [primitive("r1"), group("g", [primitive("m1"), primitive("m2")])],
      constraints: [colocation("c", "g", "r1", "500"), location("l2", "m2", "n2", "300")],
    },
    expect: ["* Start r1 ( n2 )", "* Start m1 ( n2 )", "* Start m2 ( n2 )"],
    scoresTodo: "crm_simulate prints the group's line without its members' locations (g on n2: 0)",
  },
  {
    name: "the rules of one location constraint add up: a -INFINITY rule bans the node another rule prefers",
    cite: "Rules: a location constraint may hold several rules (observed with crm_simulate)",
    cib: { nodes: ["n1", "n2"], resources: [primitive("a")], constraints: [ruleLocation("a", [["10", "n1"], ["-INFINITY", "n1"]])] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "the rules of one location constraint add up: two preferences for a node count together",
    cite: "Rules: a location constraint may hold several rules (observed with crm_simulate)",
    cib: { nodes: ["n1", "n2"], resources: [primitive("a")], constraints: [ruleLocation("a", [["10", "n1"], ["15", "n1"], ["20", "n2"]])] },
    expect: ["* Start a ( n1 )"],
  },
];

/**
 * vm1 and vm2 (2 cpu each, vm2 with an INFINITY location on n3) run on n3, which is
 * standby; balanced placement. With `tiedToClone`, both must run with clone c (d).
 */
function vmsOnStandby(tiedToClone: boolean): CibOptions {
  const clones = tiedToClone ? runs("d") : [];
  const vm = (id: string): ReturnType<typeof primitive> => primitive(id, { utilization: { cpu: "2" } });
  return {
    properties: { "placement-strategy": "balanced" },
    nodes: [
      ["n1", { utilization: { cpu: "4" }, history: clones }], ["n2", { utilization: { cpu: "4" }, history: clones }],
      ["n3", { utilization: { cpu: "4" }, attributes: { standby: "on" }, history: [...clones, ...runs("vm1", "vm2")] }],
    ],
    resources: [...(tiedToClone ? [clone("c", primitive("d"))] : []), vm("vm1"), vm("vm2")],
    constraints: [
      ...(tiedToClone ? [colocation("vm1-c", "vm1", "c", "INFINITY"), colocation("vm2-c", "vm2", "c", "INFINITY")] : []),
      location("vm2-n3", "vm2", "n3", "INFINITY"),
    ],
  };
}
