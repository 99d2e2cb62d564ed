// Clone and promotable-clone rules from Pacemaker Explained, in the same form as
// semantics-cases.ts (each expectation is also checked against crm_simulate).
import { clone, colocation, group, location, order, primitive, probedStopped, running, type CibOptions, type HistoryEntry } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const probed = (...rscs: string[]): HistoryEntry[] => rscs.flatMap(probedStopped);
const promotable = (meta: Record<string, string> = {}, ops: Array<{ name: string; interval: string; role?: string; onFail?: string }> = []) =>
  clone("ms", primitive("s", { ops }), { promotable: "true", ...meta });
const promotedMonitor = (rc: number, status = 0): HistoryEntry => ({ rsc: "s", operation: "monitor", intervalMs: 10000, rc, expected: 8, status });
/** n1 runs the promoted instance with this history (promotion score 10), n2 an unpromoted one (5). */
const promotedOnN1 = (history: HistoryEntry[]): CibOptions["nodes"] => [
  ["n1", { transient: { "master-s": "10" }, history }],
  ["n2", { transient: { "master-s": "5" }, history: running("s") }],
];
const promotedWithMonitor = [...running("s", true), { rsc: "s", operation: "monitor", intervalMs: 10000, rc: 8, expected: 8 }];

export const CLONE_CASES: SemanticsCase[] = [
  {
    name: "instances of a clone ordered after a disabled clone stop, waiting on an action that cannot run",
    cite: "Ordering Constraints: mandatory order between clones; Resource Meta-Attributes: target-role",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b")] }], ["n2", { history: [...running("a"), ...running("b")] }]],
      resources: [clone("ca", primitive("a"), { "target-role": "Stopped" }), clone("cb", primitive("b"))],
      constraints: [order("o", "ca", "cb")],
    },
    expect: [
      "* Stop a:0 ( n1 ) due to node availability", "* Stop a:1 ( n2 ) due to node availability",
      "* Stop b:0 ( n1 ) due to unrunnable ca running", "* Stop b:1 ( n2 ) due to unrunnable ca running",
    ],
  },
  {
    name: "a later member's failure does not move a group whose other node an anti-colocation makes worse",
    cite: "Groups: members after a failed one stop; Colocation Constraints: negative advisory scores",
    scoresTodo: "crm_simulate's group line leaves the group's colocations out (gb on n2: 0); they show in the members' lines",
    cib: {
      rscDefaults: { "migration-threshold": "1" },
      nodes: [
        ["n1", { transient: { "fail-count-b2#monitor_10000": "1" }, history: [...running("b1"), ...running("b2"), { rsc: "b2", operation: "monitor", intervalMs: 10000, rc: 7 }] }],
        ["n2", { history: [...running("a1"), ...running("a2")] }],
      ],
      resources: [group("ga", [primitive("a1"), primitive("a2")]), group("gb", [primitive("b1"), primitive("b2", { ops: [{ name: "monitor", interval: "10s" }] })])],
      constraints: [colocation("gb-away-from-ga", "gb", "ga", "-5000")],
    },
    expect: ["* Stop b2 ( n1 ) due to node availability"],
  },
  {
    name: "a group that must run with the promoted instance moves the promotion away from a node its members are banned from",
    cite: "Colocation Constraints with roles: the dependent's preferences count towards promotion; migration-threshold",
    scoresTodo: "crm_simulate shows the member's ban in the first member's scores, not in the group's (g on n1 stays 0)",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10", "fail-count-a#start_0": "1" }, history: running("s", true) }],
        ["n2", { transient: { "master-s": "10" }, history: running("s") }],
      ],
      resources: [promotable(), group("g", [primitive("a", { meta: { "migration-threshold": "1" } }), primitive("b")])],
      constraints: [colocation("g-with-promoted", "g", "ms", "INFINITY", { "with-rsc-role": "Promoted" })],
    },
    expect: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )", "* Start a ( n2 )", "* Start b ( n2 )"],
  },
  {
    name: "a failed instance that was demoted is recovered, and an equal instance that did not fail is promoted",
    cite: "Promotable Clones: promotion scores; Handling Resource Failure (a demote does not clear a failure)",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "5", "fail-count-s#asyncmon_0": "1" }, history: [...running("s", true), { rsc: "s", operation: "asyncmon", rc: 1 }, { rsc: "s", operation: "demote" }] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable()],
    },
    expect: ["* Recover s:0 ( Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )"],
  },
  {
    name: "a promoted instance whose agent sets no promotion attribute is demoted",
    cite: "Promotable Clones: the promotion score comes from the agent (master-<rsc>); without one no instance is promoted",
    cib: {
      nodes: [["n1", { history: running("s", true) }], ["n2", { history: running("s") }]],
      resources: [clone("ms", primitive("s", { meta: { "resource-stickiness": "100" } }), { promotable: "true" })],
    },
    expect: ["* Demote s:0 ( Promoted -> Unpromoted n1 )"],
  },
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
  {
    name: "on-fail=demote demotes a failed promoted instance in place, and promotes it again if it still wins",
    cite: "Operation properties: on-fail=demote",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...running("s", true), promotedMonitor(1)] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable({}, [{ name: "monitor", interval: "10s", role: "Promoted", onFail: "demote" }])],
    },
    expect: ["* Re-promote s:0 ( Promoted n1 )"],
  },
  {
    name: "on-fail=demote: a failed promoted instance that no longer wins is demoted, and the best other instance promoted",
    cite: "Operation properties: on-fail=demote",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "5" }, history: [...running("s", true), promotedMonitor(1)] }],
        ["n2", { transient: { "master-s": "10" }, history: running("s") }],
      ],
      resources: [promotable({}, [{ name: "monitor", interval: "10s", role: "Promoted", onFail: "demote" }])],
    },
    expect: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )"],
  },
  {
    name: "no-quorum-policy=demote demotes promoted instances and stops everything else",
    cite: "Cluster Options: no-quorum-policy=demote",
    cib: {
      properties: { "no-quorum-policy": "demote" },
      quorum: false,
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...running("s", true), ...running("a")] }],
        ["n2", { transient: { "master-s": "5" }, history: [...running("s"), ...probedStopped("a")] }],
      ],
      resources: [promotable(), primitive("a")],
    },
    expect: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Stop a ( n1 ) due to no quorum"],
  },
  {
    name: "a degraded result (OCF_DEGRADED_PROMOTED, 191) counts as a healthy promoted instance",
    cite: "OCF return codes: degraded results",
    cib: { nodes: promotedOnN1([...running("s", true), promotedMonitor(191)]), resources: [promotable()] },
    expect: [],
  },
  {
    name: "an executor error whose rc is the expected one is no failure",
    cite: "Operation history: the rc code decides the result",
    cib: { nodes: promotedOnN1([...running("s", true), promotedMonitor(8, 4)]), resources: [promotable()] },
    expect: [],
  },
  {
    name: "a failed demote is recovered from the unpromoted role, and promoted again where the score is highest",
    cite: "Promotable Clones: recovery of a failed demote",
    cib: { nodes: promotedOnN1([...promotedWithMonitor, { rsc: "s", operation: "demote", rc: 1 }]), resources: [promotable()] },
    expect: ["* Recover s:0 ( Unpromoted -> Promoted n1 )"],
  },
  {
    name: "a clone child's own target-role=Started wins over the clone's target-role=Stopped",
    cite: "Resource Meta-Attributes: a child's own meta-attributes override inherited ones",
    cib: {
      nodes: [["n1", { history: running("c1") }], ["n2", { history: running("c1") }]],
      resources: [clone("c", primitive("c1", { meta: { "target-role": "Started" } }), { "target-role": "Stopped" })],
    },
    expect: [],
  },
  {
    name: "a second active copy of an anonymous instance on one node is an orphan, numbered past clone-max, and stops",
    cite: "Clones: anonymous instances (clone-node-max=1 allows one copy per node)",
    cib: {
      nodes: [["n1", { history: [...running("a:0"), ...running("a:1")] }], ["n2", { history: probedStopped("a:0") }]],
      resources: [clone("c", primitive("a"), { "clone-max": "2" })],
    },
    expect: ["* Start a:1 ( n2 )", "* Stop a:2 ( n1 ) due to node availability"],
  },
  {
    name: "a clone colocated in the Unpromoted role with a resource stays unpromoted where that resource runs",
    cite: "Colocation Constraints: rsc-role=Unpromoted",
    cib: {
      nodes: [["n1", { transient: { "master-s": "5" }, history: probedStopped("s") }], ["n2", { transient: { "master-s": "10" }, history: probedStopped("s") }]],
      resources: [promotable(), primitive("a")],
      constraints: [location("la", "a", "n2", "100"), colocation("c", "ms", "a", "INFINITY", { "rsc-role": "Unpromoted" })],
    },
    expect: ["* Start s:0 ( n2 )", "* Promote s:1 ( Stopped -> Promoted n1 )", "* Start a ( n2 )"],
  },
  {
    name: "a running dependent of a mandatory order stops with its first when the first stops for good",
    cite: "Ordering Constraints: kind=Mandatory, symmetrical (then stops before first stops)",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b")] }]],
      resources: [primitive("a", { meta: { "target-role": "Stopped" } }), clone("cb", primitive("b"))],
      constraints: [order("o", "a", "cb")],
    },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop b:0 ( n1 ) due to required a start"],
  },
  {
    name: "a running dependent of a mandatory order stops when its first cannot run at all",
    cite: "Ordering Constraints: kind=Mandatory (then cannot run unless first is active)",
    cib: {
      nodes: [["n1", { history: running("b") }]],
      resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")],
      constraints: [order("o", "a", "b")],
    },
    expect: ["* Stop b ( n1 ) due to unrunnable a start"],
  },
  {
    name: "a later group member's failure moves the whole group to another node",
    cite: "Groups: members are colocated with the one before them; Failure Response: migration-threshold",
    cib: {
      nodes: [["n1", { transient: { "fail-count-b#start_0": "INFINITY" }, history: probed("a", "b") }], ["n2", { history: probed("a", "b") }]],
      resources: [group("g", [primitive("a"), primitive("b")])],
      constraints: [location("l", "g", "n1", "100")],
    },
    expect: ["* Start a ( n2 )", "* Start b ( n2 )"],
  },
  {
    name: "a later group member's failure keeps only that member off the group's only node",
    cite: "Groups: a member that cannot run stops the members after it, not before it",
    cib: {
      nodes: [["n1", { transient: { "fail-count-b#start_0": "INFINITY" }, history: probed("a", "b") }], ["n2", { attributes: { standby: "on" }, history: probed("a", "b") }]],
      resources: [group("g", [primitive("a"), primitive("b")])],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "without quorum an unclean node cannot be fenced, so what runs there is left alone",
    cite: "Cluster Options: no-quorum-policy, stonith-enabled (fencing needs quorum)",
    cib: {
      properties: { "stonith-enabled": "true", "no-quorum-policy": "freeze" },
      quorum: false,
      nodes: [["n1", { state: "lost", history: running("f:1") }], ["n2", { history: running("f:0") }]],
      resources: [clone("c", primitive("f"), { "clone-max": "2", "globally-unique": "true" })],
    },
    expect: [],
  },
  {
    name: "interleave=true: a clone instance restarts only with the instance it depends on, on its own node",
    cite: "Clone Options: interleave",
    cib: {
      nodes: [
        ["n1", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }, ...running("b")] }],
        ["n2", { history: [...running("a"), ...running("b")] }],
      ],
      resources: [clone("ca", primitive("a", { ops: [{ name: "monitor", interval: "10s" }] })), clone("cb", primitive("b"), { interleave: "true" })],
      constraints: [order("o", "ca", "cb")],
    },
    expect: ["* Recover a:0 ( n1 )", "* Restart b:0 ( n1 ) due to required a:0 start"],
  },
  {
    name: "what runs with the promoted instance brings its own dependents' bans to promotion: the promotion moves with them",
    cite: "Colocation Constraints with roles; Groups: a later member's failure; migration-threshold",
    scoresTodo: "crm_simulate merges the dependents into the clone's own line (ms: 1 and 2) and counts them once less in promotion; the placement agrees",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "5", "fail-count-g2#monitor_10000": "1" }, history: [...running("s", true), ...running("p"), ...running("g1"), { rsc: "g2", operation: "start" }, { rsc: "g2", operation: "monitor", intervalMs: 10000, rc: 7 }, { rsc: "g2", operation: "stop" }] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable(), primitive("p"), group("g", [primitive("g1"), primitive("g2", { meta: { "migration-threshold": "1" }, ops: [{ name: "monitor", interval: "10s" }] })])],
      constraints: [colocation("p-with-promoted", "p", "ms", "INFINITY", { "with-rsc-role": "Promoted" }), colocation("g-with-p", "g", "p", "INFINITY")],
    },
    expect: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )", "* Move p ( n1 -> n2 )", "* Move g1 ( n1 -> n2 )", "* Start g2 ( n2 )"],
  },
  {
    name: "a cloned group's instance stays where its first member runs when a later member is banned from every node",
    cite: "Groups: later members run only where the earlier ones do; migration-threshold; Clone Resources of groups",
    cib: {
      rscDefaults: { "migration-threshold": "1" },
      nodes: [
        ["n1", { transient: { "fail-count-b:0#start_0": "1" }, history: [...running("a:0"), { rsc: "b:0", operation: "start", rc: 1 }, { rsc: "b:0", operation: "stop" }] }],
        ["n2", { transient: { "fail-count-b:0#start_0": "1" }, history: [{ rsc: "b:0", operation: "start", rc: 1 }, { rsc: "b:0", operation: "stop" }] }],
      ],
      resources: [clone("c", group("g", [primitive("a"), primitive("b")]), { "globally-unique": "true", "clone-max": "1" })],
    },
    expect: [],
  },
  {
    name: "interleave=true: an instance on a node where the first clone has no instance stops (no reason), and a primitive after its clone there restarts",
    cite: "Clone Options: interleave; Ordering Constraints: a clone's instances start before what is ordered after the clone",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b"), ...running("d")] }], ["n2", { history: [...running("a"), ...running("b")] }], ["n3", { history: [...running("a"), ...running("b")] }]],
      resources: [primitive("d"), clone("ca", primitive("a"), { interleave: "true" }), clone("cb", primitive("b"), { interleave: "true" })],
      constraints: [order("o", "ca", "cb"), order("o2", "cb", "d"), location("ban", "ca", "n1", "-INFINITY")],
    },
    expect: ["* Restart d ( n1 ) due to required cb running", "* Stop a:0 ( n1 ) due to node availability", "* Stop b:0 ( n1 )"],
  },
  {
    name: "interleave=true: an instance inhibited on another node than the primitive after its clone leaves the primitive alone",
    cite: "Clone Options: interleave; Ordering Constraints",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b"), ...running("d")] }], ["n2", { history: [...running("a"), ...running("b")] }], ["n3", { history: [...running("a"), ...running("b")] }]],
      resources: [primitive("d"), clone("ca", primitive("a"), { interleave: "true" }), clone("cb", primitive("b"), { interleave: "true" })],
      constraints: [order("o", "ca", "cb"), order("o2", "cb", "d"), location("ban", "ca", "n2", "-INFINITY")],
    },
    expect: ["* Stop a:1 ( n2 ) due to node availability", "* Stop b:1 ( n2 )"],
  },
  {
    name: "interleave=true: no instance starts where the clone it is ordered after has none",
    cite: "Clone Options: interleave",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b")] }], ["n2", { history: [...running("a"), ...running("b")] }], "n3"],
      resources: [clone("ca", primitive("a"), { interleave: "true" }), clone("cb", primitive("b"), { interleave: "true" })],
      constraints: [order("o", "ca", "cb"), location("ban", "ca", "n3", "-INFINITY")],
    },
    expect: [],
  },
  {
    name: "a primitive ordered after a clone restarts when the instance on its own node recovers",
    cite: "Ordering Constraints: mandatory order after a clone",
    cib: {
      nodes: [["n1", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }, ...running("d")] }], ["n2", { history: running("a") }]],
      resources: [primitive("d"), clone("ca", primitive("a", { ops: [{ name: "monitor", interval: "10s" }] }))],
      constraints: [order("o", "ca", "d")],
    },
    expect: ["* Restart d ( n1 ) due to required ca running", "* Recover a:0 ( n1 )"],
  },
  {
    name: "a primitive ordered after a clone stays when an instance on another node recovers",
    cite: "Ordering Constraints: mandatory order after a clone",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("d")] }], ["n2", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }] }]],
      resources: [primitive("d"), clone("ca", primitive("a", { ops: [{ name: "monitor", interval: "10s" }] }))],
      constraints: [order("o", "ca", "d")],
    },
    expect: ["* Recover a:1 ( n2 )"],
  },
  {
    name: "a primitive ordered after a clone restarts when a new instance starts on its node",
    cite: "Ordering Constraints: mandatory order after a clone",
    cib: {
      nodes: [["n1", { history: running("d") }], ["n2", { history: running("a") }], ["n3", { history: running("a") }]],
      resources: [primitive("d"), clone("ca", primitive("a"))],
      constraints: [order("o", "ca", "d")],
    },
    expect: ["* Restart d ( n1 ) due to required ca running", "* Start a:2 ( n1 )"],
  },
  {
    name: "a group ordered after a clone restarts from its first member when the instance on its node recovers",
    cite: "Ordering Constraints: mandatory order after a clone; Groups: members start in order",
    cib: {
      nodes: [["n1", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }, ...running("d1"), ...running("d2")] }], ["n2", { history: running("a") }]],
      resources: [group("g", [primitive("d1"), primitive("d2")]), clone("ca", primitive("a", { ops: [{ name: "monitor", interval: "10s" }] }))],
      constraints: [order("o", "ca", "g")],
    },
    expect: ["* Restart d1 ( n1 ) due to required ca running", "* Restart d2 ( n1 ) due to required d1 start", "* Recover a:0 ( n1 )"],
  },
  {
    name: "a group ordered after a primitive restarts from its first member",
    cite: "Ordering Constraints: mandatory order; Groups: members start in order",
    cib: {
      nodes: [["n1", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 1 }, ...running("d1"), ...running("d2")] }]],
      resources: [group("g", [primitive("d1"), primitive("d2")]), primitive("a", { ops: [{ name: "monitor", interval: "10s" }] })],
      constraints: [order("o", "a", "g")],
    },
    expect: ["* Restart d1 ( n1 ) due to required a start", "* Restart d2 ( n1 ) due to required d1 start", "* Recover a ( n1 )"],
  },
  {
    name: "every instance of a clone ordered after another clone (no interleave) restarts when one instance of the first starts",
    cite: "Clone Options: interleave=false (the default): the clone waits for all of the other clone",
    cib: {
      nodes: [["n1", { history: running("b") }], ["n2", { history: [...running("a"), ...running("b")] }], ["n3", { history: [...running("a"), ...running("b")] }]],
      resources: [clone("ca", primitive("a")), clone("cb", primitive("b"))],
      constraints: [order("o", "ca", "cb")],
    },
    expect: ["* Start a:2 ( n1 )", "* Restart b:0 ( n1 ) due to required ca running", "* Restart b:1 ( n2 ) due to required ca running", "* Restart b:2 ( n3 ) due to required ca running"],
  },
  {
    name: "an instance running where the clone is banned stops, and a fresh instance starts elsewhere",
    cite: "Clone Options (which instance is placed first, observed with crm_simulate)",
    cib: { nodes: ["n1", ["n2", { history: running("d") }]], resources: [clone("c", primitive("d"), { "clone-max": "2" })], constraints: [location("l", "c", "n2", "-INFINITY")] },
    expect: ["* Stop d:0 ( n2 ) due to node availability", "* Start d:1 ( n1 )"],
  },
  {
    name: "a promoted instance where the clone is banned stops too, while a fresh one starts",
    cite: "Clone Options (which instance is placed first, observed with crm_simulate)",
    cib: { nodes: ["n1", ["n2", { history: running("d", true) }]], resources: [clone("c", primitive("d"), { "clone-max": "2", promotable: "true" })], constraints: [location("l", "c", "n2", "-INFINITY")] },
    expect: ["* Stop d:0 ( Promoted n2 ) due to node availability", "* Start d:1 ( n1 )"],
  },
  {
    name: "with no fresh instance left, an instance where the clone is banned moves",
    cite: "Clone Options (which instance is placed first, observed with crm_simulate)",
    cib: {
      nodes: [["n1", { history: running("d") }], "n2", ["n3", { history: running("d") }]],
      resources: [clone("c", primitive("d"), { "clone-max": "2" })],
      constraints: [location("l", "c", "n1", "-INFINITY")],
    },
    expect: ["* Move d:0 ( n1 -> n2 )"],
  },
  {
    name: "an instance on a standby node moves (it is placed before the fresh ones)",
    cite: "Clone Options (which instance is placed first, observed with crm_simulate)",
    cib: { nodes: [["n1", { history: running("d"), attributes: { standby: "on" } }], "n2"], resources: [clone("c", primitive("d"), { "clone-max": "2" })] },
    expect: ["* Move d:0 ( n1 -> n2 )"],
  },
  {
    name: "an instance whose primary clone leaves its node moves with it (a ban through a colocation does not rank it last)",
    cite: "Clone Options (which instance is placed first, observed with crm_simulate)",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b")], attributes: { standby: "on" } }], "n2", "n3"],
      resources: [clone("A", primitive("a")), clone("B", primitive("b"))],
      constraints: [location("l", "A", "n3", "-INFINITY"), colocation("c", "B", "A", "INFINITY")],
    },
    expect: ["* Move a:0 ( n1 -> n2 )", "* Move b:0 ( n1 -> n2 )"],
  },
  {
    name: "a mandatory colocation with a clone ignores an instance blocked by a failure",
    cite: "Colocation with clones; on-fail=block (observed with crm_simulate)",
    cib: withBlockedInstance("INFINITY"),
    expect: ["* Move r ( n1 -> n2 )"],
  },
  {
    name: "an advisory colocation with a clone still counts an instance blocked by a failure",
    cite: "Colocation with clones; on-fail=block (observed with crm_simulate)",
    cib: withBlockedInstance("500"),
    expect: [],
  },
  {
    name: "a promotable clone's location counts towards promotion where its agent set a promotion score",
    cite: "Promotable clones: promotion scores (observed with crm_simulate)",
    cib: {
      nodes: [["n1", { history: running("d"), transient: { "master-d": "5" } }], ["n2", { history: running("d"), transient: { "master-d": "5" } }]],
      resources: [clone("c", primitive("d"), { promotable: "true" })],
      constraints: [location("l", "c", "n2", "100")],
    },
    expect: ["* Promote d:1 ( Unpromoted -> Promoted n2 )"],
  },
  {
    name: "what runs with a promotable clone (any role) leans its promotion towards its own preferred node",
    cite: "Promotable clones: promotion scores (observed with crm_simulate)",
    cib: {
      nodes: [["n1", { history: running("d"), transient: { "master-d": "5" } }], ["n2", { history: running("d"), transient: { "master-d": "5" } }]],
      resources: [clone("c", primitive("d"), { promotable: "true" }), primitive("x")],
      constraints: [location("lx", "x", "n2", "100"), colocation("xc", "x", "c", "INFINITY")],
    },
    expect: ["* Promote d:1 ( Unpromoted -> Promoted n2 )", "* Start x ( n2 )"],
  },
  {
    name: "without a promotion score from the agent, a clone's location does not make an instance promotable",
    cite: "Promotable clones: promotion scores (observed with crm_simulate)",
    cib: {
      nodes: [["n1", { history: running("d") }], ["n2", { history: running("d") }]],
      resources: [clone("c", primitive("d"), { promotable: "true" })],
      constraints: [location("l", "c", "n2", "100")],
    },
    expect: [],
  },
];

/** r (on n1) colocated with score with clone cl, whose instance on n1 failed with on-fail=block. */
function withBlockedInstance(score: string): CibOptions {
  return {
    nodes: [["n1", { history: [...running("d"), { rsc: "d", operation: "monitor", intervalMs: 10000, rc: 1 }, ...running("r")] }], ["n2", { history: running("d") }]],
    resources: [clone("cl", primitive("d", { ops: [{ name: "monitor", interval: "10s", onFail: "block" }] })), primitive("r")],
    constraints: [colocation("c", "r", "cl", score)],
  };
}
