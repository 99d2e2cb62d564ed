import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRng } from "../../src/lib/rng.js";
import { evaluateRule, loadCib, nodeAttributes } from "../../src/cib/index.js";
import { parsedRoot } from "./fixtures.js";
import { hasProgram } from "./corpus.js";

// Node attribute expressions against Pacemaker: each resource has one location rule worth
// 1000; crm_simulate's allocation score on a node is 1000 exactly when the rule matches there.
const SEED = 0xe4a1;
const OPERATIONS = ["lt", "gt", "lte", "gte", "eq", "ne", "defined", "not_defined"];

interface Domain {
  nodeValues: Array<string | undefined>;
  values: string[];
  types: Array<string | undefined>;
}

/** The mismatches between Pacemaker and Quorate over `count` random expressions on the domain. */
function compareWithPacemaker(directory: string, domain: Domain, count: number, seed: number): string[] {
  const rng = seededRng(seed);
  const nodes = domain.nodeValues.map((value, i) =>
    `<node id="${i + 1}" uname="n${i + 1}">${value === undefined ? "" : `<instance_attributes id="n${i + 1}-a"><nvpair id="n${i + 1}-x" name="x" value="${value}"/></instance_attributes>`}</node>`);
  const states = domain.nodeValues.map((_, i) => `<node_state id="${i + 1}" uname="n${i + 1}" in_ccm="true" crmd="online" join="member" expected="member"/>`);
  const resources: string[] = [];
  const locations: string[] = [];
  for (let r = 0; r < count; r++) {
    const type = domain.types[rng.int(domain.types.length)];
    const operation = OPERATIONS[rng.int(OPERATIONS.length)]!;
    const value = operation.endsWith("defined") ? "" : ` value="${domain.values[rng.int(domain.values.length)]}"`;
    resources.push(`<primitive id="p${r}" class="ocf" provider="heartbeat" type="Dummy"/>`);
    locations.push(`<rsc_location id="l${r}" rsc="p${r}"><rule id="r${r}" score="1000"><expression id="e${r}" attribute="x" operation="${operation}"${value}${type ? ` type="${type}"` : ""}/></rule></rsc_location>`);
  }
  const text = `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config>
<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes>${nodes.join("")}</nodes><resources>${resources.join("")}</resources><constraints>${locations.join("\n")}</constraints></configuration>
<status>${states.join("")}</status></cib>`;
  const file = join(directory, `cib-${seed}.xml`);
  writeFileSync(file, text);
  const run = spawnSync("crm_simulate", ["--xml-file", file, "--show-scores"], { encoding: "utf8", timeout: 60_000 });
  const scores = new Map([...run.stdout.matchAll(/pcmk__primitive_assign: (p\d+) allocation score on (n\d+): (\S+)/g)].map((m) => [`${m[1]}@${m[2]}`, m[3]!]));
  assert.equal(scores.size, count * domain.nodeValues.length, run.stdout.slice(0, 2000) + run.stderr);
  const cib = loadCib(parsedRoot(text));
  assert.ok(cib.ok);
  const mismatches: string[] = [];
  for (const constraint of cib.value.configuration.constraints) {
    if (constraint.kind !== "location") continue;
    for (const [n, nodeValue] of domain.nodeValues.entries()) {
      const node = `n${n + 1}`;
      const ours = evaluateRule(constraint.rules[0]!, { nowSeconds: 0, nodeAttributes: nodeAttributes(cib.value, node, { nowSeconds: 0 }) });
      const theirs = scores.get(`${constraint.resources[0]}@${node}`) === "1000";
      if (ours !== theirs) mismatches.push(`${locations[Number(constraint.id.slice(1))]} on x=${nodeValue ?? "(unset)"}: Pacemaker ${theirs}, Quorate ${ours}`);
    }
  }
  return mismatches;
}

function workspace(t: { after: (fn: () => void) => void }): string {
  const directory = mkdtempSync(join(tmpdir(), "quorate-cib-expr-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

test(`node attribute expressions agree with Pacemaker (oracle: crm_simulate scores, seed=0x${SEED.toString(16)})`, (t) => {
  if (!hasProgram("crm_simulate")) return t.skip("crm_simulate (pacemaker-cli-utils) is not installed");
  // Not "version" here: crm_simulate 2.1.5 spins forever on some version comparisons (value "0" or
  // "Abc" against these node values); the next test compares versions on dotted numbers only.
  const domain: Domain = {
    nodeValues: ["10", "9", "abc", "ABC", "1.5", "2.10", "2.9", "-3", undefined],
    values: ["10", "9", "abc", "Abc", "1.5", "2.10", "2.9", "-3", "0", "1.50"],
    types: [undefined, "string", "integer", "number"],
  };
  assert.deepEqual(compareWithPacemaker(workspace(t), domain, 60, SEED), [], `seed=0x${SEED.toString(16)}`);
});

test(`version comparisons agree with Pacemaker on dotted numbers (seed=0x${(SEED + 1).toString(16)})`, (t) => {
  if (!hasProgram("crm_simulate")) return t.skip("crm_simulate (pacemaker-cli-utils) is not installed");
  const domain: Domain = {
    nodeValues: ["10", "9", "1.5", "2.10", "2.9", "2", "2.0", "3.0.1", undefined],
    values: ["2.10", "2.9", "10", "1.50", "2", "2.0.0", "3.0", "3.0.1.0"],
    types: ["version"],
  };
  assert.deepEqual(compareWithPacemaker(workspace(t), domain, 40, SEED + 1), [], `seed=0x${(SEED + 1).toString(16)}`);
});
