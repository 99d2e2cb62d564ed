// Failure handling from Pacemaker Explained (2.1): multiple-active ("Resource
// Meta-Attributes"), failed probes and hard/fatal errors ("Resource Discovery",
// "How are OCF Return Codes Interpreted?"), on-fail and failure-timeout.
// Run by rules.test.ts (ours and crm_simulate's summary) and failure-graph.test.ts
// (the transition graph against crm_simulate's).
import { clone, group, location, primitive, probedStopped, running, type HistoryEntry } from "./cib-builder.js";
import { createElement, type XmlElement } from "../../src/cib/index.js";
import type { SemanticsCase } from "./semantics-cases.js";

/** A semantics case whose transition graph is compared with crm_simulate's too. */
export interface FailureCase extends SemanticsCase {
  /** Our graph differs from crm_simulate's here (why). */
  graphTodo?: string;
}

const MULTIPLE = "Resource Meta-Attributes: multiple-active";
const fenceAgent = { class: "stonith", type: "fence_dummy" };
const fenceDevice = primitive("fence", { agent: fenceAgent, ops: [{ name: "monitor", interval: "60s" }] });
const fenceRunning: HistoryEntry[] = running("fence").map((e) => ({ ...e, agent: fenceAgent }));
const monitored = (id: string, meta: Record<string, string> = {}): ReturnType<typeof primitive> =>
  primitive(id, { meta, ops: [{ name: "monitor", interval: "10s" }] });
/** `rsc` running on n1 and n2 (n3, if listed, knows it stopped). */
const onTwo = (rsc: string, third = true): SemanticsCase["cib"]["nodes"] => [
  ["n1", { history: running(rsc) }], ["n2", { history: running(rsc) }], ...(third ? [["n3", { history: probedStopped(rsc) }] as [string, { history: HistoryEntry[] }]] : []),
];
/** `rsc` started, then its 10s monitor answered rc. */
const monitorFailed = (rsc: string, rc: number, status = 0): HistoryEntry[] => [...running(rsc), { rsc, operation: "monitor", intervalMs: 10_000, rc, status }];

export const MULTIPLE_ACTIVE_CASES: FailureCase[] = [
  {
    name: "multiple-active=stop_start (default): every copy stops and one starts again, here on the first copy's node",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a")] },
    expect: ["* Restart a ( n1 )"],
  },
  {
    name: "multiple-active=stop_start: placed away from every copy, the resource moves from its first copy",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a")], constraints: [location("l", "a", "n3", "50")] },
    expect: ["* Move a ( n1 -> n3 )"],
  },
  {
    name: "multiple-active: a resource that is to stop stops on every node",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "target-role": "Stopped" })] },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "multiple-active=stop_only: every copy stops and none starts",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "stop_only" })], constraints: [location("l", "a", "n1", "50")] },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "multiple-active=block: every copy is left alone, even where it is not wanted",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "block" })], constraints: [location("l", "a", "n1", "-INFINITY")] },
    expect: [],
  },
  {
    name: "multiple-active=stop_unexpected: only the copies away from its node stop; it keeps running where placed",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "stop_unexpected" })], constraints: [location("l", "a", "n2", "50")] },
    expect: ["* Move a ( n1 -> n2 ) due to being multiply active"],
  },
  {
    name: "multiple-active=stop_unexpected: kept on its first copy's node, the summary shows a restart",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "stop_unexpected" })], constraints: [location("l", "a", "n1", "50")] },
    expect: ["* Restart a ( n1 )"],
  },
  {
    name: "a multiply active resource with a failed copy is recovered (from its first copy)",
    cite: `${MULTIPLE}; Operation properties: on-fail=restart`,
    cib: {
      nodes: [["n1", { history: running("a") }], ["n2", { history: monitorFailed("a", 1) }], ["n3", { history: probedStopped("a") }]],
      resources: [monitored("a")], constraints: [location("l", "a", "n3", "50")],
    },
    expect: ["* Recover a ( n1 -> n3 )"],
  },
  {
    name: "multiple-active from rsc_defaults applies to every resource",
    cite: `${MULTIPLE}; Resource Defaults`,
    cib: { rscDefaults: { "multiple-active": "stop_only" }, nodes: onTwo("a"), resources: [monitored("a")] },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "a multiply active resource sticks to none of its copies (resource-stickiness does not apply)",
    cite: `${MULTIPLE}; Resource Meta-Attributes: resource-stickiness`,
    cib: { rscDefaults: { "resource-stickiness": "100" }, nodes: onTwo("a"), resources: [monitored("a")], constraints: [location("l", "a", "n3", "50")] },
    expect: ["* Move a ( n1 -> n3 )"],
  },
  {
    name: "a multiply active group member restarts, and the members after it restart with it",
    cite: `${MULTIPLE}; Groups: members start in order`,
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b"), ...running("c")] }], ["n2", { history: [...probedStopped("a"), ...running("b"), ...probedStopped("c")] }]],
      resources: [group("g", [primitive("a"), primitive("b"), primitive("c")])],
    },
    expect: ["* Restart b ( n1 )", "* Restart c ( n1 ) due to required b start"],
  },
  {
    name: "multiple-active=stop_only on a group: the member stops everywhere, and so do the members after it",
    cite: `${MULTIPLE}; Groups`,
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b"), ...running("c")] }], ["n2", { history: [...probedStopped("a"), ...running("b"), ...probedStopped("c")] }]],
      resources: [group("g", [primitive("a"), primitive("b"), primitive("c")], { "multiple-active": "stop_only" })],
    },
    expect: ["* Stop b ( n1 ) due to node availability", "* Stop b ( n2 ) due to node availability", "* Stop c ( n1 ) due to node availability"],
  },
  {
    name: "a resource also active on a node that is fenced: its stop there is done by the fencing, it starts once fenced",
    cite: `${MULTIPLE}; Fencing`,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "lost", history: running("a") }], ["n2", { history: [...running("a"), ...fenceRunning] }], ["n3", { history: probedStopped("a") }]],
      resources: [fenceDevice, monitored("a")],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'", "* Move a ( n1 -> n3 )"],
  },
  {
    name: "a fencing device's copy on a node being fenced does not make it multiply active",
    cite: `${MULTIPLE}; Fencing`,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "lost", history: fenceRunning }], ["n2", { history: [...fenceRunning, { rsc: "fence", operation: "monitor", intervalMs: 60_000, agent: fenceAgent }] }], "n3"],
      resources: [fenceDevice],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'"],
  },
];

const CODES = "How are OCF Return Codes Interpreted? (soft, hard, fatal)";
const DISCOVERY = "Resource Discovery: probes";
/** A probe (monitor, interval 0, expecting "not running") that answered rc, with the executor's op-status. */
const probe = (rsc: string, rc: number, status = 0): HistoryEntry => ({ rsc, operation: "monitor", rc, status, expected: 7 });
const ignoring = primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "ignore" }] });
const EXPIRED_AT = 1_700_000_100;
/** When the failures of the failure-timeout cases happened: expired at EXPIRED_AT for a timeout of 10 s. */
const EXPIRED_FAILURE = 1_700_000_000;
const timingOut = (rsc: string) => primitive(rsc, { meta: { "failure-timeout": "10" }, ops: [{ name: "monitor", interval: "10s" }] });
const failedMonitor = (rsc: string): HistoryEntry[] => [...running(rsc), { rsc, operation: "monitor", intervalMs: 10_000, rc: 7, id: `${rsc}_last_failure_0` }];
const failCount = (rsc: string, lastFailureAt: number) => ({ [`fail-count-${rsc}#monitor_10000`]: "1", [`last-failure-${rsc}#monitor_10000`]: String(lastFailureAt) });

export const FAILED_OPERATION_CASES: FailureCase[] = [
  {
    name: "on-fail=fence with fencing disabled stops the failed resource (on-fail=stop)",
    cite: "Operation Properties: on-fail=fence needs stonith-enabled; Cluster Options: stonith-enabled",
    cib: {
      nodes: [["n1", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }] }], "n2"],
      resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "fence" }] })],
    },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "a fail-count whose last failed start ran with other parameters than configured now is cleared and does not ban the node",
    cite: "Failure Response: migration-threshold; Reloading/changing resource parameters (observed with crm_simulate: the last failure is checked against the definition)",
    cib: {
      nodes: [["n1", { transient: { "fail-count-d#start_0": "INFINITY" }, history: [{ rsc: "d", operation: "start", rc: 1, params: { x: "1" }, id: "d_last_failure_0" }, { rsc: "d", operation: "stop", params: { x: "1" } }] }], "n2"],
      resources: [primitive("d", { params: { x: "2" } })],
    },
    expect: ["* Start d ( n1 )"],
  },
  {
    name: "a fail-count whose last failed start ran with the parameters configured now keeps the node banned",
    cite: "Failure Response: migration-threshold",
    cib: {
      nodes: [["n1", { transient: { "fail-count-d#start_0": "INFINITY" }, history: [{ rsc: "d", operation: "start", rc: 1, params: { x: "1" }, id: "d_last_failure_0" }, { rsc: "d", operation: "stop", params: { x: "1" } }] }], "n2"],
      resources: [primitive("d", { params: { x: "1" } })],
    },
    expect: ["* Start d ( n2 )"],
  },
  {
    name: "a probe that finds the agent not installed (rc 5): stopped there, and never started there",
    cite: `${DISCOVERY}; ${CODES}: OCF_ERR_INSTALLED is hard`,
    cib: { nodes: [["n1", { history: [probe("a", 5)] }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")], constraints: [location("l", "a", "n1", "50")] },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "not installed anywhere: the resource runs nowhere",
    cite: `${DISCOVERY}; ${CODES}`,
    cib: { nodes: [["n1", { history: [probe("a", 5)] }], ["n2", { history: [probe("a", 5)] }]], resources: [monitored("a")] },
    expect: [],
  },
  {
    name: "a probe that fails with a hard error (rc 4) finds it active and failed: recovered on another node",
    cite: `${DISCOVERY}; ${CODES}: OCF_ERR_PERM is hard`,
    cib: { nodes: [["n1", { history: [probe("a", 4)] }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")], constraints: [location("l", "a", "n1", "50")] },
    expect: ["* Recover a ( n1 -> n2 )"],
  },
  {
    name: "a probe that fails with a generic error (rc 1) is recovered where it is",
    cite: `${DISCOVERY}; ${CODES}: OCF_ERR_GENERIC is soft`,
    cib: { nodes: [["n1", { history: [probe("a", 1)] }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")] },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "a fatal error (rc 6, not configured) stops the resource and keeps it off every node",
    cite: `${CODES}: OCF_ERR_CONFIGURED is fatal`,
    cib: { nodes: [["n1", { history: monitorFailed("a", 6) }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")] },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "an executor verdict of a hard error (op-status 5) moves the resource like a hard rc",
    cite: CODES,
    cib: { nodes: [["n1", { history: monitorFailed("a", 1, 5) }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")] },
    expect: ["* Recover a ( n1 -> n2 )"],
  },
  {
    name: "a recurring monitor's hard error (rc 5) moves the resource off the node",
    cite: CODES,
    cib: { nodes: [["n1", { history: monitorFailed("a", 5) }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")] },
    expect: ["* Recover a ( n1 -> n2 )"],
  },
  {
    name: "a recurring monitor answering 'unimplemented' (rc 3) is recovered where it is",
    cite: CODES,
    cib: { nodes: [["n1", { history: monitorFailed("a", 3, 4) }], ["n2", { history: probedStopped("a") }]], resources: [monitored("a")] },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "on-fail=ignore ignores a hard error too",
    cite: `Operation properties: on-fail=ignore; ${CODES}`,
    cib: { nodes: [["n1", { history: monitorFailed("a", 5) }], ["n2", { history: probedStopped("a") }]], resources: [ignoring] },
    expect: [],
  },
  {
    name: "on-fail=ignore: the ignored failures' fail-count does not count against migration-threshold",
    cite: "Operation properties: on-fail=ignore; Resource Meta-Attributes: migration-threshold",
    cib: {
      nodes: [["n1", { history: monitorFailed("a", 1), transient: { "fail-count-a#monitor_10000": "3", "last-failure-a#monitor_10000": "1700000000" } }], ["n2", { history: probedStopped("a") }]],
      resources: [primitive("a", { meta: { "migration-threshold": "2" }, ops: [{ name: "monitor", interval: "10s", onFail: "ignore" }] })],
    },
    expect: [],
  },
  {
    name: "on-fail=ignore on stop: a failed stop counts as stopped",
    cite: "Operation properties: on-fail=ignore",
    cib: {
      nodes: [["n1", { history: probedStopped("a") }], ["n2", { history: [...running("a"), { rsc: "a", operation: "stop", rc: 1, status: 4 }] }]],
      resources: [primitive("a", { ops: [{ name: "stop", interval: "0", onFail: "ignore" }] })],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "on-fail=ignore does not keep a resource where its agent is no longer installed (op-status 7)",
    cite: `Operation properties: on-fail=ignore; ${CODES}`,
    cib: { nodes: [["n1", { history: monitorFailed("a", 5, 7) }], ["n2", { history: probedStopped("a") }]], resources: [ignoring] },
    expect: ["* Recover a ( n1 -> n2 )"],
  },
  {
    name: "an expired failed probe is forgotten: the node is probed again and may run the resource",
    cite: `Resource Meta-Attributes: failure-timeout; ${DISCOVERY}`,
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { history: [probe("a", 5)] }], ["n2", { history: probedStopped("a") }]],
      resources: [primitive("a", { meta: { "failure-timeout": "10" } })], constraints: [location("l", "a", "n1", "10")],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "an expired failed probe that had found it active and failed is forgotten too: it starts where preferred",
    cite: `Resource Meta-Attributes: failure-timeout; ${DISCOVERY}`,
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { history: [probe("a", 1)] }], ["n2", { history: probedStopped("a") }]],
      resources: [primitive("a", { meta: { "failure-timeout": "10" } })], constraints: [location("l", "a", "n2", "10")],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "an expired fail-count is cleared by the controller (clear_failcount) and the failed monitor is forgotten: the resource stays",
    cite: "Resource Meta-Attributes: failure-timeout",
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { transient: failCount("a", EXPIRED_FAILURE), history: failedMonitor("a") }], ["n2", { history: probedStopped("a") }]],
      resources: [timingOut("a")],
    },
    expect: [],
  },
  {
    name: "an expired fail-count is cleared even where the history shows no failed operation",
    cite: "Resource Meta-Attributes: failure-timeout",
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { transient: failCount("a", EXPIRED_FAILURE), history: running("a") }], ["n2", { history: probedStopped("a") }]],
      resources: [timingOut("a")],
    },
    expect: [],
  },
  {
    name: "an old failed monitor does not expire while its fail-count has not (a recent last failure): recovered",
    cite: "Resource Meta-Attributes: failure-timeout (observed with crm_simulate: the fail-count decides)",
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { transient: failCount("a", EXPIRED_AT - 5), history: failedMonitor("a") }], ["n2", { history: probedStopped("a") }]],
      resources: [timingOut("a")],
    },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "an old failed monitor does not expire while a fail-count without a last-failure time stands: recovered",
    cite: "Resource Meta-Attributes: failure-timeout (observed with crm_simulate: the fail-count decides)",
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { transient: { "fail-count-a#monitor_10000": "1" }, history: failedMonitor("a") }], ["n2", { history: probedStopped("a") }]],
      resources: [timingOut("a")],
    },
    expect: ["* Recover a ( n1 )"],
  },
  {
    name: "an expired hard error no longer bans the node: the resource stays",
    cite: "Resource Meta-Attributes: failure-timeout",
    cib: {
      now: EXPIRED_AT,
      nodes: [["n1", { history: monitorFailed("a", 5) }], ["n2", { history: probedStopped("a") }]],
      resources: [primitive("a", { meta: { "failure-timeout": "10" }, ops: [{ name: "monitor", interval: "10s" }] })],
    },
    expect: [],
  },
];

const ORPHANS = "Cluster Options: stop-orphan-resources";

export const ORPHAN_CASES: FailureCase[] = [
  {
    name: "orphans are listed in the order the status first names them, with one role (the highest found) on every node",
    cite: "Cluster Options: stop-orphan-resources",
    cib: {
      nodes: [["n1", { history: [...probedStopped("x"), ...running("y"), ...running("a")] }], ["n2", { history: running("x", true) }], ["n3", { history: running("x") }]],
      resources: [primitive("a")],
    },
    expect: ["* Stop x ( Promoted n2 ) due to node availability", "* Stop x ( Promoted n3 ) due to node availability", "* Stop y ( n1 ) due to node availability"],
  },
  {
    name: "an orphaned remote connection still names a remote node, shutting down: what runs there moves or stops",
    cite: "Cluster Options: stop-orphan-resources; Pacemaker Remote",
    scoresTodo: "crm_simulate prints no score on a remote node whose connection is an orphan; ours prints -INFINITY",
    cib: {
      nodes: [["n1", { history: running("r1").map((e) => ({ ...e, agent: { class: "ocf", provider: "pacemaker", type: "remote" } })) }], "n2", ["r1", { remote: true, history: [...running("a"), ...running("z")] }]],
      resources: [primitive("a")],
    },
    expect: ["* Move a ( r1 -> n1 )", "* Stop r1 ( n1 ) due to node availability", "* Stop z ( r1 ) due to node availability"],
  },
  {
    name: "a resource in the status but no longer configured is stopped, then its history deleted",
    cite: ORPHANS,
    cib: { nodes: [["n1", { history: [...running("x"), { rsc: "x", operation: "monitor", intervalMs: 10_000 }] }], "n2"], resources: [primitive("a")] },
    expect: ["* Start a ( n1 )", "* Stop x ( n1 ) due to node availability"],
  },
  {
    name: "an orphan active on two nodes stops on both",
    cite: `${ORPHANS}; ${MULTIPLE}`,
    cib: { nodes: [["n1", { history: running("x") }], ["n2", { history: running("x") }]], resources: [primitive("a")] },
    expect: ["* Start a ( n1 )", "* Stop x ( n1 ) due to node availability", "* Stop x ( n2 ) due to node availability"],
  },
  {
    name: "a failed orphan stops and keeps its history",
    cite: ORPHANS,
    cib: { nodes: [["n1", { history: monitorFailed("x", 1) }], "n2"], resources: [primitive("a")] },
    expect: ["* Start a ( n1 )", "* Stop x ( n1 ) due to node availability"],
  },
  {
    name: "stop-orphan-resources=false leaves an orphan running",
    cite: ORPHANS,
    cib: { properties: { "stop-orphan-resources": "false" }, nodes: [["n1", { history: running("x") }], "n2"], resources: [primitive("a")] },
    expect: ["* Start a ( n1 )"],
  },
];

const CONTAINER = "Resource Meta-Attributes: container (the resource runs inside another resource)";
const box = primitive("box", { meta: { "migration-threshold": "3" }, ops: [{ name: "monitor", interval: "20s" }] });
const inside = (id: string): ReturnType<typeof primitive> => primitive(id, { meta: { container: "box" }, ops: [{ name: "monitor", interval: "10s" }] });
const boxStopped: HistoryEntry[] = [...probedStopped("box"), ...probedStopped("a"), ...probedStopped("b")];

export const CONTAINER_CASES: FailureCase[] = [
  {
    name: "resources inside a container start with it, after it, and are not probed",
    cite: CONTAINER,
    cib: { nodes: ["n1", "n2"], resources: [box, inside("a"), inside("b")] },
    expect: ["* Start box ( n1 )", "* Start a ( n1 )", "* Start b ( n1 )"],
  },
  {
    name: "a failure inside a container restarts the container, and what else runs inside",
    cite: CONTAINER,
    cib: {
      nodes: [["n1", { history: [...running("box"), ...monitorFailed("a", 1), ...running("b")] }], ["n2", { history: boxStopped }]],
      resources: [box, inside("a"), inside("b")],
    },
    expect: ["* Restart box ( n1 )", "* Recover a ( n1 )", "* Restart b ( n1 ) due to required box start"],
  },
  {
    name: "a stop that failed inside a container is resolved by restarting the container",
    cite: CONTAINER,
    cib: {
      nodes: [["n1", { history: [...running("box"), ...running("a"), { rsc: "a", operation: "stop", rc: 1 }, ...running("b")] }], ["n2", { history: boxStopped }]],
      resources: [box, inside("a"), inside("b")],
    },
    expect: ["* Restart box ( n1 )", "* Start a ( n1 )", "* Restart b ( n1 ) due to required box start"],
  },
  {
    name: "fail-counts inside a container count against the container's migration-threshold",
    cite: `${CONTAINER}; Resource Meta-Attributes: migration-threshold`,
    cib: {
      nodes: [
        ["n1", { history: [...running("box"), ...running("a"), ...running("b")], transient: { "fail-count-a#monitor_10000": "2", "fail-count-b#monitor_10000": "1" } }],
        ["n2", { history: boxStopped }],
      ],
      resources: [box, inside("a"), inside("b")],
    },
    expect: ["* Move box ( n1 -> n2 )", "* Move a ( n1 -> n2 )", "* Move b ( n1 -> n2 )"],
  },
];

/** A group or clone element with instance attributes of its own (the parameters it passes down). */
function withParameters(collective: XmlElement, pairs: Record<string, string>): XmlElement {
  const id = `${collective.attrs.get("id") ?? "x"}-params`;
  const nvpairs = Object.entries(pairs).map(([name, value]) => createElement("nvpair", { id: `${id}-${name}`, name, value }));
  collective.children.unshift(createElement("instance_attributes", { id }, nvpairs));
  return collective;
}
const DEFINITION = "Reloading Agents; Clones / Groups: instance attributes are passed to the children";

/** Parameters inherited from a group or clone are part of the definition (op-digest) a resource runs with. */
export const INHERITED_PARAMETER_CASES: FailureCase[] = [
  {
    name: "a clone's instance attributes are parameters of its instances: unchanged, nothing restarts",
    cite: DEFINITION,
    cib: { nodes: [["n1", { history: [{ rsc: "a", operation: "start", params: { foo: "bar" } }] }]], resources: [withParameters(clone("c", primitive("a"), { "clone-max": "1" }), { foo: "bar" })] },
    expect: [],
  },
  {
    name: "a clone's instance attribute that the running instance lacks restarts it",
    cite: DEFINITION,
    cib: { nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }]], resources: [withParameters(clone("c", primitive("a"), { "clone-max": "1" }), { foo: "bar" })] },
    expect: ["* Restart a:0 ( n1 ) due to resource definition change"],
  },
  {
    name: "a group's instance attributes are parameters of its members",
    cite: DEFINITION,
    cib: { nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }]], resources: [withParameters(group("g", [primitive("a")]), { foo: "bar" })] },
    expect: ["* Restart a ( n1 ) due to resource definition change"],
  },
  {
    name: "a resource whose history was recorded under another agent restarts under the configured one",
    cite: "Resource properties: class, provider, type (the definition a resource runs with)",
    cib: {
      nodes: [
        ["n1", { history: [{ rsc: "a", operation: "start", agent: { class: "ocf", provider: "pacemaker", type: "Dummy" } }] }],
        ["n2", { history: [{ rsc: "a", operation: "monitor", rc: 7, expected: 7, agent: { class: "ocf", provider: "pacemaker", type: "Dummy" } }] }],
      ],
      resources: [primitive("a")],
    },
    expect: ["* Restart a ( n1 )"],
  },
];

export const FAILURE_CASES: FailureCase[] = [...MULTIPLE_ACTIVE_CASES, ...FAILED_OPERATION_CASES, ...ORPHAN_CASES, ...CONTAINER_CASES, ...INHERITED_PARAMETER_CASES];
