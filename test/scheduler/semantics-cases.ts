// Scheduler rules from Pacemaker Explained (2.1), each as a small CIB and the
// Transition Summary the documentation implies. The same cases run against our
// scheduler and, where installed, crm_simulate (to check the expectation itself).
import {
  cibXml, clone, colocation, group, location, locationRule, order, primitive, probedStopped, running, type CibOptions, type HistoryEntry,
} from "./cib-builder.js";

export interface SemanticsCase {
  name: string;
  /** Pacemaker Explained section the rule comes from. */
  cite: string;
  cib: CibOptions;
  /** Normalised summary lines ("* Start a ( n1 )"). */
  expect: string[];
  /** Our scheduler does not do this yet: reported to the core's owner. */
  todo?: string;
  /** Our allocation scores differ from crm_simulate's here (reported to the core's owner). */
  scoresTodo?: string;
}

const two = ["n1", "n2"];
const three = ["n1", "n2", "n3"];
const probed = (...rscs: string[]): HistoryEntry[] => rscs.flatMap(probedStopped);
const node = (name: string, history: HistoryEntry[]): [string, { history: HistoryEntry[] }] => [name, { history }];

export const CASES: SemanticsCase[] = [
  {
    name: "a positive location score draws a new resource to its node",
    cite: "Constraints > Location Constraints",
    cib: { nodes: three, resources: [primitive("a")], constraints: [location("l", "a", "n2", "100")] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "-INFINITY location bans a node; the resource goes to another",
    cite: "Location Constraints, score -INFINITY",
    cib: { nodes: two, resources: [primitive("a")], constraints: [location("l", "a", "n1", "-INFINITY")] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "without any allowed node the resource stays stopped",
    cite: "Location Constraints; INFINITY arithmetic (-INFINITY wins)",
    cib: { nodes: two, resources: [primitive("a")], constraints: [location("l1", "a", "n1", "-INFINITY"), location("l2", "a", "n2", "-INFINITY")] },
    expect: [],
  },
  {
    name: "INFINITY plus -INFINITY is -INFINITY",
    cite: "Infinity Math: any value plus -INFINITY is -INFINITY",
    cib: { nodes: two, resources: [primitive("a")], constraints: [location("l1", "a", "n1", "INFINITY"), location("l2", "a", "n1", "-INFINITY")] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "symmetric-cluster=false: a resource runs only where a constraint allows it",
    cite: "Opt-In Clusters",
    cib: { properties: { "symmetric-cluster": "false" }, nodes: three, resources: [primitive("a"), primitive("b")], constraints: [location("l", "a", "n3", "0")] },
    expect: ["* Start a ( n3 )"],
  },
  {
    name: "a rule scores nodes by their attributes",
    cite: "Rules > Node Attribute Expressions",
    cib: {
      nodes: [["n1", { attributes: { kind: "small" } }], ["n2", { attributes: { kind: "big" } }]],
      resources: [primitive("a")], constraints: [locationRule("l", "a", "500", [["kind", "eq", "big"]])],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "a -INFINITY rule with 'not_defined' bans nodes lacking the attribute",
    cite: "Rules > Node Attribute Expressions (not_defined)",
    cib: {
      nodes: [["n1", { attributes: { gpu: "1" } }], "n2", "n3"],
      resources: [primitive("a")], constraints: [locationRule("l", "a", "-INFINITY", [["gpu", "not_defined"]])],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "stickiness keeps a running resource where it is against a weaker preference",
    cite: "Resource Meta-Attributes: resource-stickiness",
    cib: {
      nodes: [node("n1", running("a")), node("n2", probed("a"))],
      resources: [primitive("a", { meta: { "resource-stickiness": "200" } })], constraints: [location("l", "a", "n2", "100")],
    },
    expect: [],
  },
  {
    name: "a preference stronger than stickiness moves the resource",
    cite: "Resource Meta-Attributes: resource-stickiness",
    cib: {
      nodes: [node("n1", running("a")), node("n2", probed("a"))],
      resources: [primitive("a", { meta: { "resource-stickiness": "50" } })], constraints: [location("l", "a", "n2", "100")],
    },
    expect: ["* Move a ( n1 -> n2 )"],
  },
  {
    name: "mandatory colocation places the dependent with its primary",
    cite: "Colocation Constraints: score INFINITY",
    cib: { nodes: three, resources: [primitive("a"), primitive("b")], constraints: [location("l", "a", "n3", "100"), colocation("c", "b", "a", "INFINITY")] },
    expect: ["* Start a ( n3 )", "* Start b ( n3 )"],
  },
  {
    name: "mandatory anti-colocation (-INFINITY) keeps two resources apart",
    cite: "Colocation Constraints: score -INFINITY",
    cib: {
      nodes: two, resources: [primitive("a"), primitive("b")],
      constraints: [location("la", "a", "n1", "100"), location("lb", "b", "n1", "50"), colocation("c", "b", "a", "-INFINITY")],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n2 )"],
  },
  {
    name: "the dependent cannot run when its mandatory primary cannot",
    cite: "Colocation Constraints: if the primary cannot run, the dependent cannot either",
    cib: { nodes: two, resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")], constraints: [colocation("c", "b", "a", "INFINITY")] },
    expect: [],
  },
  {
    name: "an advisory colocation loses against a stronger location preference",
    cite: "Colocation Constraints: advisory (finite) scores",
    cib: {
      nodes: two, resources: [primitive("a"), primitive("b")],
      constraints: [location("la", "a", "n1", "100"), location("lb", "b", "n2", "500"), colocation("c", "b", "a", "200")],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n2 )"],
  },
  {
    name: "a group starts its members together on one node",
    cite: "Groups: implicit colocation and ordering",
    cib: { nodes: two, resources: [group("g", [primitive("a"), primitive("b")])], constraints: [location("l", "g", "n2", "100")] },
    expect: ["* Start a ( n2 )", "* Start b ( n2 )"],
  },
  {
    name: "a stopped group member stops the members after it",
    cite: "Groups: a member cannot run if the one before it cannot",
    cib: { nodes: two, resources: [group("g", [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")])] },
    expect: [],
  },
  {
    name: "a clone runs one instance per node by default",
    cite: "Clones: clone-max defaults to the number of nodes, clone-node-max to 1",
    cib: { nodes: three, resources: [clone("c", primitive("a"))] },
    expect: ["* Start a:0 ( n1 )", "* Start a:1 ( n2 )", "* Start a:2 ( n3 )"],
  },
  {
    name: "clone-max limits the number of instances",
    cite: "Clone Options: clone-max",
    cib: { nodes: three, resources: [clone("c", primitive("a"), { "clone-max": "2" })], constraints: [location("l", "c", "n3", "100")] },
    expect: ["* Start a:0 ( n3 )", "* Start a:1 ( n1 )"],
  },
  {
    name: "a promotable clone promotes one instance (promoted-max=1) where the promotion score is highest",
    cite: "Promotable Clones: promoted-max, promotion scores",
    cib: {
      nodes: two, resources: [clone("ms", primitive("s"), { promotable: "true", "promoted-max": "1" })],
      constraints: [location("lp", "ms", "n2", "100", { role: "Promoted" })],
    },
    expect: ["* Start s:0 ( n1 )", "* Promote s:1 ( Stopped -> Promoted n2 )"],
  },
  {
    name: "target-role=Stopped stops a running resource",
    cite: "Resource Meta-Attributes: target-role",
    cib: { nodes: [node("n1", running("a")), "n2"], resources: [primitive("a", { meta: { "target-role": "Stopped" } })] },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "is-managed=false leaves even a banned resource alone",
    cite: "Resource Meta-Attributes: is-managed",
    cib: { nodes: [node("n1", running("a")), "n2"], resources: [primitive("a", { meta: { "is-managed": "false" } })], constraints: [location("l", "a", "n1", "-INFINITY")] },
    expect: [],
  },
  {
    name: "maintenance-mode freezes the whole cluster",
    cite: "Cluster Options: maintenance-mode",
    cib: { properties: { "maintenance-mode": "true" }, nodes: [node("n1", running("a")), "n2"], resources: [primitive("a"), primitive("b")], constraints: [location("l", "a", "n1", "-INFINITY")] },
    expect: [],
  },
  {
    name: "a standby node loses its resources",
    cite: "Node Attributes: standby",
    cib: { nodes: [["n1", { attributes: { standby: "on" }, history: running("a") }], node("n2", probed("a"))], resources: [primitive("a")] },
    expect: ["* Move a ( n1 -> n2 )"],
  },
  {
    name: "a resource on an offline node is started elsewhere",
    cite: "Node availability (offline node, no fencing)",
    cib: { nodes: [["n1", { state: "offline", history: running("a") }], "n2"], resources: [primitive("a")] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "a lost node is fenced before its resources move when stonith is enabled",
    cite: "Fencing: nodes that leave without a clean shutdown are fenced",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "lost", history: running("a") }], node("n2", probed("a", "fence")), node("n3", probed("a", "fence"))],
      resources: [primitive("fence", { agent: { class: "stonith", type: "fence_dummy" } }), primitive("a")],
      constraints: [location("lf", "fence", "n3", "100"), location("la", "a", "n2", "50")],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'", "* Start fence ( n3 )", "* Move a ( n1 -> n2 )"],
  },
  {
    name: "no-quorum-policy=stop stops resources in a partition without quorum",
    cite: "Cluster Options: no-quorum-policy=stop",
    cib: { quorum: false, nodes: [node("n1", running("a")), "n2"], resources: [primitive("a")] },
    expect: ["* Stop a ( n1 ) due to no quorum"],
  },
  {
    name: "no-quorum-policy=ignore carries on without quorum",
    cite: "Cluster Options: no-quorum-policy=ignore",
    cib: { quorum: false, properties: { "no-quorum-policy": "ignore" }, nodes: two, resources: [primitive("a")], constraints: [location("l", "a", "n1", "10")] },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "no-quorum-policy=freeze keeps what runs and starts nothing new",
    cite: "Cluster Options: no-quorum-policy=freeze",
    cib: { quorum: false, properties: { "no-quorum-policy": "freeze" }, nodes: [node("n1", running("a")), "n2"], resources: [primitive("a"), primitive("b")] },
    expect: ["* Start b ( n2 ) due to quorum freeze (blocked)"],
  },
  {
    name: "a failed monitor recovers the resource in place",
    cite: "Failure handling: on-fail=restart (default for monitor)",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }]), node("n2", probed("a"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s" }] })],
    },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "reaching migration-threshold moves the resource away",
    cite: "Failure Response: migration-threshold",
    cib: {
      nodes: [["n1", { history: running("a"), transient: { "fail-count-a#monitor_10000": "3" } }], node("n2", probed("a"))],
      resources: [primitive("a", { meta: { "migration-threshold": "3" } })],
    },
    expect: ["* Move a ( n1 -> n2 )"],
  },
  {
    name: "fail-count below migration-threshold keeps it in place",
    cite: "Failure Response: migration-threshold",
    cib: {
      nodes: [["n1", { history: running("a"), transient: { "fail-count-a#monitor_10000": "2" } }], node("n2", probed("a"))],
      resources: [primitive("a", { meta: { "migration-threshold": "3" } })],
    },
    expect: [],
  },
  {
    name: "a mandatory order stops the dependent before the first restarts (then-action follows)",
    cite: "Ordering Constraints: kind=Mandatory",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }, ...running("b")]), node("n2", probed("a", "b"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s" }] }), primitive("b")],
      constraints: [order("o", "a", "b"), colocation("c", "b", "a", "INFINITY")],
    },
    expect: ["* Recover a ( n1 )", "* Restart b ( n1 ) due to required a start"],
  },
  {
    name: "allow-migrate migrates instead of stop/start",
    cite: "Migrating Resources: allow-migrate",
    cib: {
      nodes: [node("n1", running("a")), node("n2", probed("a"))],
      resources: [primitive("a", { meta: { "allow-migrate": "true" } })], constraints: [location("l", "a", "n2", "100")],
    },
    expect: ["* Migrate a ( n1 -> n2 )"],
  },
  {
    name: "utilization: a resource goes only where capacity suffices",
    cite: "Utilization and Placement Strategy: placement-strategy=utilization",
    cib: {
      properties: { "placement-strategy": "utilization" },
      nodes: [["n1", { utilization: { memory: "1024" } }], ["n2", { utilization: { memory: "4096" } }]],
      resources: [primitive("a", { utilization: { memory: "2048" } })], constraints: [location("l", "a", "n1", "100")],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "an Optional order does not restart the dependent when the first restarts",
    cite: "Ordering Constraints: kind=Optional",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }, ...running("b")]), node("n2", probed("a", "b"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s" }] }), primitive("b")],
      constraints: [order("o", "a", "b", { kind: "Optional" }), location("lb", "b", "n1", "10")],
    },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "a non-symmetrical order does not restart the dependent when the first stops",
    cite: "Ordering Constraints: symmetrical=false",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }, ...running("b")]), node("n2", probed("a", "b"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s" }] }), primitive("b")],
      constraints: [order("o", "a", "b", { symmetrical: "false" }), location("lb", "b", "n1", "10")],
    },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "a mandatory order keeps the dependent stopped while the first cannot run",
    cite: "Ordering Constraints: kind=Mandatory (then cannot start unless first is active)",
    cib: { nodes: two, resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")], constraints: [order("o", "a", "b")] },
    expect: ["* Start b ( n1 ) due to unrunnable a start (blocked)"],
  },
  {
    name: "clone-node-max=2 lets two instances of a globally-unique clone share a node",
    cite: "Clone Options: clone-node-max, globally-unique",
    cib: { nodes: two, resources: [clone("c", primitive("a"), { "clone-max": "4", "clone-node-max": "2", "globally-unique": "true" })] },
    expect: ["* Start a:0 ( n1 )", "* Start a:1 ( n2 )", "* Start a:2 ( n1 )", "* Start a:3 ( n2 )"],
  },
  {
    name: "promotion scores from node attributes (master-) choose the promoted node",
    cite: "Promotable Clones: promotion scores set by the agent as node attributes",
    cib: {
      nodes: [["n1", { transient: { "master-s": "5" }, history: probed("s") }], ["n2", { transient: { "master-s": "10" }, history: probed("s") }]],
      resources: [clone("ms", primitive("s"), { promotable: "true" })],
    },
    expect: ["* Promote s:0 ( Stopped -> Promoted n2 )", "* Start s:1 ( n1 )"],
  },
  {
    name: "a resource never probed on a node is probed; its start waits (summary lists only the start)",
    cite: "Resource discovery: probes before the first start",
    cib: { nodes: two, resources: [primitive("a")], constraints: [location("l", "a", "n2", "10")] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "resource-discovery=never on a node with a -INFINITY ban still keeps it away",
    cite: "Location Constraints: resource-discovery",
    cib: { nodes: two, resources: [primitive("a")], constraints: [location("l", "a", "n1", "-INFINITY", { "resource-discovery": "never" })] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "on-fail=block leaves a failed resource where it is",
    cite: "Operation properties: on-fail=block",
    scoresTodo: "scores of a blocked failed resource differ from crm_simulate's",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }]), node("n2", probed("a"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "block" }] })],
    },
    expect: [],
  },
  {
    name: "on-fail=ignore keeps a failed resource running",
    cite: "Operation properties: on-fail=ignore",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }]), node("n2", probed("a"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "ignore" }] })],
    },
    expect: [],
  },
  {
    name: "on-fail=stop stops the resource and keeps it stopped",
    cite: "Operation properties: on-fail=stop",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }]), node("n2", probed("a"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "stop" }] })],
    },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "on-fail=standby moves everything off the node",
    cite: "Operation properties: on-fail=standby",
    cib: {
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }, ...running("b")]), node("n2", probed("a", "b"))],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "standby" }] }), primitive("b")],
    },
    expect: ["* Recover a ( n1 -> n2 )", "* Move b ( n1 -> n2 )"],
  },
  {
    name: "on-fail=fence fences the node when stonith is enabled",
    cite: "Operation properties: on-fail=fence",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [node("n1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }, ...probed("fence")]), node("n2", [...probed("a"), ...running("fence").map((e) => ({ ...e, agent: { class: "stonith", type: "fence_dummy" } }))])],
      resources: [primitive("fence", { agent: { class: "stonith", type: "fence_dummy" } }), primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "fence" }] })],
      constraints: [location("lf", "fence", "n2", "100")],
    },
    expect: ["* Fence (reboot) n1 'a failed there'", "* Recover a ( n1 -> n2 )"],
  },
  {
    name: "a failed start (start-failure-is-fatal) moves the resource to another node",
    cite: "Cluster Options: start-failure-is-fatal",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start", rc: 1 }], transient: { "fail-count-a#start_0": "INFINITY" } }], node("n2", probed("a"))],
      resources: [primitive("a")], constraints: [location("l", "a", "n1", "100")],
    },
    expect: ["* Recover a ( n1 -> n2 )"],
  },
  {
    name: "placement-strategy=balanced spreads by free capacity",
    cite: "Utilization and Placement Strategy: balanced",
    cib: {
      properties: { "placement-strategy": "balanced" },
      nodes: [["n1", { utilization: { cpu: "8" } }], ["n2", { utilization: { cpu: "2" } }]],
      resources: [primitive("a", { utilization: { cpu: "1" } }), primitive("b", { utilization: { cpu: "1" } })],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n1 )"],
  },
  {
    name: "placement-strategy=minimal fills the first node before using another",
    cite: "Utilization and Placement Strategy: minimal",
    cib: {
      properties: { "placement-strategy": "minimal" },
      nodes: [["n1", { utilization: { cpu: "2" } }], ["n2", { utilization: { cpu: "2" } }]],
      resources: [primitive("a", { utilization: { cpu: "1" } }), primitive("b", { utilization: { cpu: "1" } })],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n1 )"],
  },
  {
    name: "rsc_defaults resource-stickiness applies to every resource",
    cite: "Resource Defaults (rsc_defaults)",
    cib: {
      rscDefaults: { "resource-stickiness": "1000" },
      nodes: [node("n1", running("a")), node("n2", probed("a"))],
      resources: [primitive("a")], constraints: [location("l", "a", "n2", "500")],
    },
    expect: [],
  },
];
