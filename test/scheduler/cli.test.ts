import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseXml, childElements, descend } from "../../src/cib/index.js";
import { cibXml, colocation, location, order, primitive, probedStopped, running } from "./cib-builder.js";

const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "quorate-sched2-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// a runs on n1 with a failed monitor; b must follow a (order + colocation); c is new.
const file = join(dir, "cib.xml");
writeFileSync(file, cibXml({
  nodes: [
    ["n1", { history: [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }, ...running("b")], transient: { "fail-count-a#monitor_10000": "1" } }],
    ["n2", { history: probedStopped("a").concat(probedStopped("b")), attributes: { standby: "on" } }],
    "n3",
  ],
  resources: [primitive("a", { meta: { "migration-threshold": "3" }, ops: [{ name: "monitor", interval: "10s" }] }), primitive("b"), primitive("c")],
  constraints: [order("o", "a", "b"), colocation("col", "b", "a", "INFINITY"), location("lc", "c", "n3", "100"), location("la", "a", "n1", "50")],
}));

function quorateRun(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(quorate, args, { encoding: "utf8", env });
}

test("simulate --save-graph writes one synapse per action, with the ordering as inputs", () => {
  const graph = join(dir, "graph.xml"), dot = join(dir, "graph.dot");
  const r = quorateRun(["simulate", "--xml", file, "--save-graph", graph, "--dot", dot]);
  assert.equal(r.status, 0, r.stderr);
  const doc = parseXml(readFileSync(graph, "utf8"), graph);
  assert.ok(doc.ok);
  assert.equal(doc.value.root.name, "transition_graph");
  const synapses = childElements(doc.value.root, "synapse");
  const keyOf = (s: (typeof synapses)[number]): string => descend(s, ["action_set", "rsc_op"])?.attrs.get("operation_key") ?? "";
  const keys = synapses.map(keyOf);
  for (const key of ["a_stop_0", "a_start_0", "b_stop_0", "b_start_0", "c_start_0"]) assert.ok(keys.includes(key), `${key} in ${keys.join(",")}`);
  const bStart = synapses.find((s) => keyOf(s) === "b_start_0")!;
  const triggers = childElements(descend(bStart, ["inputs"])!, "trigger").map((t) => childElements(t)[0]!.attrs.get("operation_key"));
  assert.ok(triggers.includes("a_start_0") && triggers.includes("b_stop_0"), `b start waits for a start and b stop: ${triggers.join(",")}`);
  const dotText = readFileSync(dot, "utf8");
  assert.match(dotText, /^ digraph "g" \{/);
  assert.match(dotText, /"a_start_0 n1" -> "b_start_0 n1" \[ style = bold\]/);
});

test("simulate --json gives summary, actions, edges and scores", () => {
  const r = quorateRun(["simulate", "--xml", file, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { summaryLines: string[]; actions: unknown[]; edges: unknown[]; scores: Record<string, Record<string, number>> };
  assert.ok(out.summaryLines.some((l) => l.includes("Recover") && l.includes(" a ")));
  assert.ok(out.actions.length >= 5 && out.edges.length >= 2);
  assert.equal(out.scores["c"]?.["n3"], 100);
  // n2 is in standby: it keeps its score (as crm_simulate prints it) and is not chosen.
  assert.equal(out.scores["a"]?.["n2"], 0);
});

test("simulate what-ifs print crm_simulate's 'Performing Requested Modifications' and reject unknown nodes", () => {
  const r = quorateRun(["simulate", "--xml", file, "--node-down", "n1"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Performing Requested Modifications:\n {2}\* Taking node n1 offline\n/);
  assert.match(r.stdout, /\* Start +a +\( n3 \)/);
  const bad = quorateRun(["simulate", "--xml", file, "--node-down", "n9"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /no node named "n9"/);
  const badSpec = quorateRun(["simulate", "--xml", file, "--op-fail", "a_monitor@n1"]);
  assert.equal(badSpec.status, 2);
  assert.match(badSpec.stderr, /RESOURCE_TASK_INTERVALMS@NODE=RC/);
});

test("explain names the decisive factors: standby, stickiness-free failure count, location, colocation", () => {
  const r = quorateRun(["explain", "b"], { ...process.env, CIB_file: file });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /b \(ocf:heartbeat:Dummy\) is Started on n1\./);
  assert.match(r.stdout, /Plan: Restart b \(n1\) due to required a start/);
  assert.match(r.stdout, /colocation col with a, score INFINITY: a is placed here/);
  assert.match(r.stdout, /n2 is in standby/);
  const a = quorateRun(["explain", "a", "--xml", file, "--json"]);
  const e = JSON.parse(a.stdout) as { nodes: Array<{ node: string; chosen: boolean; factors: Array<{ text: string }> }> };
  const n1 = e.nodes.find((n) => n.node === "n1")!;
  assert.ok(n1.chosen);
  assert.ok(n1.factors.some((f) => f.text === "fail-count of a here is 1, migration-threshold 3"), JSON.stringify(n1.factors));
  assert.ok(n1.factors.some((f) => f.text.startsWith("location constraint la: 50")));
});

test("explain: a failure count reaching migration-threshold is shown as the ban", () => {
  const banned = join(dir, "banned.xml");
  writeFileSync(banned, cibXml({
    nodes: [["n1", { history: running("a"), transient: { "fail-count-a#monitor_10000": "3" } }], ["n2", { history: probedStopped("a") }]],
    resources: [primitive("a", { meta: { "migration-threshold": "3" } })],
  }));
  const r = quorateRun(["explain", "a", "--xml", banned]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Plan: Move a \(n1 -> n2\)/);
  assert.match(r.stdout, /n1: -INFINITY\n(.*\n)*.*fail-count of a here is 3, migration-threshold 3: banned/);
  const unknown = quorateRun(["explain", "zz", "--xml", banned]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no resource named "zz"/);
});
