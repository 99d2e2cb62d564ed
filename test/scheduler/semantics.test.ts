// Each test cites the section of Pacemaker Explained 2.1 it checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { history, primitive, run, running, summary } from "./fixture.js";
import { addScores, INFINITY, parseScore, type Score } from "../../src/scheduler/index.js";

const s = (n: number): Score => n as Score;

test("INFINITY math: -INFINITY wins over +INFINITY and sums saturate (Infinity Math)", () => {
  assert.equal(addScores(INFINITY, s(-1_000_000)), -1_000_000);
  assert.equal(addScores(s(900_000), s(900_000)), INFINITY);
  assert.equal(addScores(s(5), s(-7)), -2);
  assert.equal(parseScore("-INFINITY"), -1_000_000);
  assert.equal(parseScore("+INFINITY"), INFINITY);
});

test("fresh resources spread evenly; ties go to the node name (Resource Placement)", () => {
  const lines = summary({ resources: ["a", "b", "c", "d"].map((id) => primitive(id)).join("") });
  assert.deepEqual(lines, ["* Start a (node1)", "* Start b (node2)", "* Start c (node3)", "* Start d (node1)"]);
});

test("a location constraint prefers its node and -INFINITY bans one (Location Constraints)", () => {
  const constraints = `<rsc_location id="l1" rsc="a" node="node3" score="100"/><rsc_location id="l2" rsc="b" node="node1" score="-INFINITY"/>`;
  assert.deepEqual(summary({ resources: primitive("a") + primitive("b"), constraints }), ["* Start a (node3)", "* Start b (node2)"]);
});

test("with symmetric-cluster=false a resource runs only where allowed (Opt-In Clusters)", () => {
  const f = { resources: primitive("a") + primitive("b"), properties: { "symmetric-cluster": "false" }, constraints: `<rsc_location id="l1" rsc="a" node="node2" score="0"/>` };
  assert.deepEqual(summary(f), ["* Start a (node2)"]);
});

test("stickiness keeps a running resource where it is against a weaker preference (Resource Stickiness)", () => {
  const base = { resources: primitive("a"), lrm: { node2: running("a") }, defaults: { "resource-stickiness": "100" } };
  assert.deepEqual(summary({ ...base, constraints: `<rsc_location id="l" rsc="a" node="node1" score="50"/>` }), []);
  assert.deepEqual(summary({ ...base, constraints: `<rsc_location id="l" rsc="a" node="node1" score="500"/>` }), ["* Move a (node2 -> node1)"]);
});

test("a mandatory colocation places the dependent with its primary, or nowhere (Colocation Constraints)", () => {
  const colo = `<rsc_colocation id="c" rsc="b" with-rsc="a" score="INFINITY"/>`;
  assert.deepEqual(summary({ resources: primitive("a") + primitive("b"), constraints: colo + `<rsc_location id="l" rsc="a" node="node3" score="10"/>` }), ["* Start a (node3)", "* Start b (node3)"]);
  const stopped = primitive("a", "", { "target-role": "Stopped" }) + primitive("b");
  assert.deepEqual(summary({ resources: stopped, constraints: colo }), []);
});

test("a group runs together on one node, in order (Groups)", () => {
  const group = `<group id="g">${primitive("g1")}${primitive("g2")}</group>`;
  const lines = summary({ resources: group, constraints: `<rsc_location id="l" rsc="g2" node="node2" score="10"/>` });
  assert.deepEqual(lines, ["* Start g1 (node2)", "* Start g2 (node2)"]);
});

test("a clone runs one instance per node up to clone-max (Clones)", () => {
  const clone = `<clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="2"/></meta_attributes>${primitive("d")}</clone>`;
  assert.deepEqual(summary({ resources: clone }), ["* Start d:0 (node1)", "* Start d:1 (node2)"]);
});

test("the instance with the highest promotion score is promoted (Promotable Clones)", () => {
  const ms = `<clone id="ms"><meta_attributes id="msm"><nvpair id="msm1" name="promotable" value="true"/></meta_attributes>${primitive("p")}</clone>`;
  const f = { resources: ms, nodes: ["node1", "node2"], attributes: { node2: { "master-p": "10" }, node1: { "master-p": "5" } } };
  // The instance placed first (p:0) goes where promotion is wanted most (crm_simulate agrees).
  assert.deepEqual(summary(f), ["* Promote p:0 (Stopped -> Promoted node2)", "* Start p:1 (node1)"]);
});

test("target-role=Stopped stops a running resource (Resource Meta-Attributes)", () => {
  assert.deepEqual(summary({ resources: primitive("a", "", { "target-role": "Stopped" }), lrm: { node1: running("a") } }), ["* Stop a (node1) due to node availability"]);
});

test("resources leave a node in standby (Node Attributes: standby)", () => {
  assert.deepEqual(summary({ resources: primitive("a"), lrm: { node1: running("a") }, nodeState: { node1: "standby" } }), ["* Move a (node1 -> node2)"]);
});

test("without quorum, no-quorum-policy=stop stops resources and ignore does not (Cluster Options)", () => {
  const f = { resources: primitive("a"), lrm: { node1: running("a") }, quorum: false };
  assert.deepEqual(summary(f), ["* Stop a (node1) due to no quorum"]);
  assert.deepEqual(summary({ ...f, properties: { "no-quorum-policy": "ignore" } }), []);
});

test("a lost node is fenced and its resources move (Fencing)", () => {
  const f = { resources: primitive("a"), lrm: { node1: running("a") }, nodeState: { node1: "lost" as const }, properties: { "stonith-enabled": "true", "have-watchdog": "true" } };
  assert.deepEqual(summary(f), ["* Fence (reboot) node1 'peer is no longer part of the cluster'", "* Move a (node1 -> node2)"]);
});

test("a failed monitor is recovered in place; on-fail=stop stops and on-fail=ignore ignores (Operation Properties)", () => {
  const failed = { node1: history("a", [["start", 0], ["monitor", 7, 10000]]) };
  const op = (onFail: string): string => `<operations><op id="m" name="monitor" interval="10s" on-fail="${onFail}"/></operations>`;
  assert.deepEqual(summary({ resources: primitive("a"), lrm: failed }), ["* Recover a (node1)"]);
  assert.deepEqual(summary({ resources: primitive("a", op("stop")), lrm: failed }), ["* Stop a (node1) due to node availability"]);
  assert.deepEqual(summary({ resources: primitive("a", op("ignore")), lrm: failed }), []);
});

test("a fail-count reaching migration-threshold moves the resource away (Failure Response)", () => {
  const f = {
    resources: primitive("a", "", { "migration-threshold": "2" }),
    lrm: { node1: history("a", [["start", 0], ["monitor", 7, 10000]]) },
    attributes: { node1: { "fail-count-a#monitor_10000": "2" } },
  };
  assert.deepEqual(summary(f), ["* Recover a (node1 -> node2)"]);
});

test("then cannot start when first cannot run (Ordering Constraints, Mandatory)", () => {
  const resources = primitive("a", "", { "target-role": "Stopped" }) + primitive("b");
  assert.deepEqual(summary({ resources, constraints: `<rsc_order id="o" first="a" then="b"/>` }), ["* Start b (node1) due to unrunnable a start (blocked)"]);
});

test("a revoked ticket stops its resources; loss-policy=fence fences (Ticket Constraints)", () => {
  const base = { resources: primitive("a"), lrm: { node2: running("a") }, tickets: `<ticket_state id="t" granted="false"/>` };
  assert.deepEqual(summary({ ...base, constraints: `<rsc_ticket id="rt" rsc="a" ticket="t"/>` }), ["* Stop a (node2) due to node availability"]);
  const fence = { ...base, properties: { "stonith-enabled": "true", "have-watchdog": "true" }, constraints: `<rsc_ticket id="rt" rsc="a" ticket="t" loss-policy="fence"/>` };
  assert.deepEqual(summary(fence), ["* Fence (reboot) node2 'deadman ticket was lost'", "* Stop a (node2) due to node availability"]);
});

test("utilization keeps a resource off a node without capacity (Utilization and Placement Strategy)", () => {
  const util = `<utilization id="au"><nvpair id="au1" name="cpu" value="4"/></utilization>`;
  const f = { resources: primitive("a", util), properties: { "placement-strategy": "utilization" }, utilization: { node1: { cpu: 2 }, node2: { cpu: 2 }, node3: { cpu: 8 } } };
  assert.deepEqual(summary(f), ["* Start a (node3)"]);
});

test("the summary pads verb, name and right-aligned detail like Pacemaker", () => {
  const t = run({ resources: primitive("a") + primitive("long-name"), lrm: { node1: running("a") }, constraints: `<rsc_location id="l" rsc="a" node="node2" score="INFINITY"/>` });
  assert.deepEqual(t.summary, ["  * Move       a             ( node1 -> node2 )", "  * Start      long-name     (          node1 )"]);
});

test("the transition graph orders a move's stop before its start", () => {
  const t = run({ resources: primitive("a"), lrm: { node1: running("a") }, constraints: `<rsc_location id="l" rsc="a" node="node2" score="INFINITY"/>` });
  const stop = t.graph.actions.find((a) => a.operation === "stop" && a.node === "node1");
  const start = t.graph.actions.find((a) => a.operation === "start" && a.node === "node2");
  assert.ok(stop && start);
  assert.ok([...t.graph.edges].some(([b, a]) => b === stop.id && a === start.id));
});
