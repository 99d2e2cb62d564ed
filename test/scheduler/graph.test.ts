// The transition graph (what the controller will execute), from Pacemaker Explained:
// probes before a resource starts (honouring resource-discovery), recurring monitors
// after starts and promotions, group and clone pseudo-actions, and ordering. Each
// CIB's graph is compared edge for edge with crm_simulate's (--save-dotfile), and
// checked to be executable: every edge joins two actions and there is no cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clone, cibXml, group, location, order, primitive, probedStopped, running, type CibOptions } from "./cib-builder.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";
import { graphXml } from "../../src/scheduler/report/graph-xml.js";
import { run } from "./cib-builder.js";
import { crmDot, executable } from "./graph-oracle.js";

const monitored = (id: string, interval: string): ReturnType<typeof primitive> => primitive(id, { ops: [{ name: "monitor", interval }] });

interface GraphCase {
  name: string;
  cite: string;
  cib: CibOptions;
  /** Dot lines that must be there (with the sorted comparison against crm_simulate when it runs). */
  expect: string[];
}

const CASES: GraphCase[] = [
  {
    name: "a group starts member after member inside its start/running pseudo-actions, after probes",
    cite: "Groups: members start in order; Resource Discovery: probes; Monitoring Resources for Failure",
    cib: {
      nodes: ["n1", "n2"],
      resources: [group("g", [monitored("a", "10s"), primitive("b")])],
      constraints: [location("not-n2", "g", "n2", "-INFINITY", { "resource-discovery": "never" })],
    },
    expect: [
      '"g_start_0" -> "a_start_0 n1" [ style = bold]',
      '"a_start_0 n1" -> "b_start_0 n1" [ style = bold]',
      '"b_start_0 n1" -> "g_running_0" [ style = bold]',
      '"a_monitor_0 n1" -> "a_start_0 n1" [ style = bold]',
      '"a_start_0 n1" -> "a_monitor_10000 n1" [ style = bold]',
    ],
  },
  {
    name: "an anonymous clone is probed once per node before the clone starts",
    cite: "Clones: anonymous instances; Resource Discovery",
    cib: {
      nodes: ["n1", "n2"],
      resources: [clone("c", monitored("d", "20s"))],
    },
    expect: [
      '"d:0_monitor_0 n1" -> "c_start_0" [ style = bold]',
      '"d:1_monitor_0 n2" -> "c_start_0" [ style = bold]',
      '"c_start_0" -> "d:1_start_0 n2" [ style = bold]',
      '"d:1_start_0 n2" -> "d:1_monitor_20000 n2" [ style = bold]',
      '"c_start_0" -> "c_running_0" [ style = bold]',
    ],
  },
  {
    name: "a move stops before it starts, and an ordered resource waits for the start",
    cite: "Ordering Constraints; Resource Discovery: a known state needs no probe",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...probedStopped("b")] }], ["n2", { history: [...probedStopped("a"), ...probedStopped("b")] }]],
      resources: [monitored("a", "10s"), primitive("b")],
      constraints: [location("to-n2", "a", "n2", "100"), order("o", "a", "b")],
    },
    expect: [
      '"a_stop_0 n1" -> "a_start_0 n2" [ style = bold]',
      '"a_start_0 n2" -> "b_start_0 n1" [ style = bold]',
      '"a_start_0 n2" -> "a_monitor_10000 n2" [ style = bold]',
    ],
  },
  {
    name: "an anonymous instance's actions on a node whose history it took are named after that history; on a new node, after the instance",
    cite: "Clones: anonymous instances (the executor knows the resource by its history's id)",
    cib: {
      nodes: [["n1", { history: running("a") }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [clone("c", monitored("a", "10s"))],
    },
    expect: [
      '"c_start_0" -> "a_start_0 n2" [ style = bold]',
      '"a_start_0 n2" -> "a_monitor_10000 n2" [ style = bold]',
      '"c_start_0" -> "a:2_start_0 n3" [ style = bold]',
      '"a:2_monitor_0 n3" -> "c_start_0" [ style = bold]',
    ],
  },
  {
    name: "a node shutting down: what runs there stops or moves first, then the controller lets it go; an orphan's history stays there",
    cite: "Node attributes: shutdown (the controller's do_shutdown); Cluster Options: stop-orphan-resources",
    cib: {
      nodes: [["n1", { transient: { shutdown: "1700000000" }, history: [{ rsc: "a", operation: "start" }, { rsc: "z", operation: "start" }] }], ["n2", { history: probedStopped("a") }]],
      resources: [primitive("a")],
    },
    expect: [
      '"do_shutdown n1" [ style=bold color="green" fontcolor="black"]',
      '"a_stop_0 n1" -> "do_shutdown n1" [ style = bold]',
      '"z_stop_0 n1" -> "do_shutdown n1" [ style = bold]',
      '"a_stop_0 n1" -> "a_start_0 n2" [ style = bold]',
    ],
  },
  {
    name: "a node shutting down with nothing on it is let go at once",
    cite: "Node attributes: shutdown (the controller's do_shutdown)",
    cib: { nodes: [["n1", { transient: { shutdown: "1700000000" }, history: probedStopped("a") }], ["n2", { history: running("a") }]], resources: [primitive("a")] },
    expect: ['"do_shutdown n1" [ style=bold color="green" fontcolor="black"]'],
  },
];

for (const c of CASES) {
  test(`graph: ${c.name} (${c.cite})`, () => {
    const t = run(cibXml(c.cib));
    executable(t);
    const ours = graphDot(t).split("\n");
    for (const line of c.expect) assert.ok(ours.includes(line), `${line}\nin\n${ours.join("\n")}`);
  });
  test(`graph agrees with crm_simulate's dot: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const theirs = crmDot(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    const ours = graphDot(run(xml)).split("\n").filter((l) => l !== "");
    assert.deepEqual([...ours].sort(), [...theirs].sort());
  });
}

test("graph: recurring monitors carry their configured timeout, probes the default", () => {
  const t = run(cibXml({ nodes: ["n1"], resources: [primitive("a", { ops: [{ name: "monitor", interval: "10s" }] })] }));
  const monitor = t.graph.actions.find((a) => a.operation === "monitor" && a.intervalMs === 10_000);
  const probe = t.graph.actions.find((a) => a.operation === "monitor" && a.intervalMs === 0);
  assert.equal(monitor?.node, "n1");
  assert.equal(probe?.timeoutMs, 20_000);
});

test("graph: an action named after an anonymous instance's history keeps the instance's own key too", () => {
  const graph = graphXml(run(cibXml({
    nodes: [["n1", { history: running("a") }], ["n2", { history: probedStopped("a") }]],
    resources: [clone("c", primitive("a"))],
  })));
  assert.match(graph, /<rsc_op id="\d+" operation="start" operation_key="a_start_0" internal_operation_key="a:1_start_0" on_node="n2"/);
  assert.match(graph, /<primitive id="a" long-id="a:1"/);
});

test("graph: a node's shutdown is a crm_event naming the node that goes down", () => {
  const graph = graphXml(run(cibXml({ nodes: [["n1", { transient: { shutdown: "1700000000" } }], "n2"], resources: [] })));
  const event = /<crm_event [^>]*operation="do_shutdown"[^>]*>[\s\S]*?<\/crm_event>/.exec(graph)?.[0];
  assert.ok(event !== undefined, graph);
  assert.match(event, /operation_key="do_shutdown-n1" on_node="n1" on_node_uuid="1"/);
  assert.match(event, /CRM_meta_op_no_wait="true"/);
  assert.match(event, /<downed>\s*<node id="1"\/>\s*<\/downed>/);
});

test("graph: an expired fail-count is cleared by a crm_event that the controller does not wait for", () => {
  const xml = cibXml({
    now: 1_700_000_100,
    nodes: [["n1", { transient: { "fail-count-a#monitor_10000": "1", "last-failure-a#monitor_10000": "1700000000" }, history: running("a") }], "n2"],
    resources: [primitive("a", { meta: { "failure-timeout": "10" } })],
  });
  const graph = graphXml(run(xml));
  const event = /<crm_event [^>]*operation="clear_failcount"[^>]*>[\s\S]*?<\/crm_event>/.exec(graph)?.[0];
  assert.ok(event !== undefined, graph);
  assert.match(event, /operation_key="a_clear_failcount_0" on_node="n1"/);
  assert.match(event, /CRM_meta_op_no_wait="true"/);
  // Not expired yet: nothing to clear.
  assert.doesNotMatch(graphXml(run(xml.replace("1700000000", "1700000095"))), /clear_failcount/);
});
