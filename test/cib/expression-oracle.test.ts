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
const NODE_VALUES = ["10", "9", "abc", "ABC", "1.5", "2.10", "2.9", "-3", undefined];
const VALUES = ["10", "9", "abc", "Abc", "1.5", "2.10", "2.9", "-3", "0", "1.50"];
const OPERATIONS = ["lt", "gt", "lte", "gte", "eq", "ne", "defined", "not_defined"];
// Not "version": crm_simulate 2.1.5 spins forever on some version comparisons (value "0" or "Abc"
// against these node values); rules.test.ts covers version comparison from the documentation.
const TYPES = [undefined, "string", "integer", "number"];

test(`node attribute expressions agree with Pacemaker (oracle: crm_simulate scores, seed=0x${SEED.toString(16)})`, (t) => {
  if (!hasProgram("crm_simulate")) return t.skip("crm_simulate (pacemaker-cli-utils) is not installed");
  const directory = mkdtempSync(join(tmpdir(), "quorate-cib-expr-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const rng = seededRng(SEED);
  const nodes = NODE_VALUES.map((value, i) =>
    `<node id="${i + 1}" uname="n${i + 1}">${value === undefined ? "" : `<instance_attributes id="n${i + 1}-a"><nvpair id="n${i + 1}-x" name="x" value="${value}"/></instance_attributes>`}</node>`);
  const states = NODE_VALUES.map((_, i) => `<node_state id="${i + 1}" uname="n${i + 1}" in_ccm="true" crmd="online" join="member" expected="member"/>`);
  const count = 60;
  const resources: string[] = [];
  const locations: string[] = [];
  for (let r = 0; r < count; r++) {
    const type = TYPES[rng.int(TYPES.length)];
    const operation = OPERATIONS[rng.int(OPERATIONS.length)]!;
    const value = operation.endsWith("defined") ? "" : ` value="${VALUES[rng.int(VALUES.length)]}"`;
    resources.push(`<primitive id="p${r}" class="ocf" provider="heartbeat" type="Dummy"/>`);
    locations.push(`<rsc_location id="l${r}" rsc="p${r}"><rule id="r${r}" score="1000"><expression id="e${r}" attribute="x" operation="${operation}"${value}${type ? ` type="${type}"` : ""}/></rule></rsc_location>`);
  }
  const text = `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config>
<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes>${nodes.join("")}</nodes><resources>${resources.join("")}</resources><constraints>${locations.join("\n")}</constraints></configuration>
<status>${states.join("")}</status></cib>`;
  const file = join(directory, "cib.xml");
  writeFileSync(file, text);
  const run = spawnSync("crm_simulate", ["--xml-file", file, "--show-scores"], { encoding: "utf8", timeout: 60_000 });
  const scores = new Map([...run.stdout.matchAll(/pcmk__primitive_assign: (p\d+) allocation score on (n\d+): (\S+)/g)].map((m) => [`${m[1]}@${m[2]}`, m[3]!]));
  assert.equal(scores.size, count * NODE_VALUES.length, run.stdout.slice(0, 2000) + run.stderr);
  const cib = loadCib(parsedRoot(text));
  assert.ok(cib.ok);
  const mismatches: string[] = [];
  for (const constraint of cib.value.configuration.constraints) {
    if (constraint.kind !== "location") continue;
    for (const [n] of NODE_VALUES.entries()) {
      const node = `n${n + 1}`;
      const ours = evaluateRule(constraint.rules[0]!, { nowSeconds: 0, nodeAttributes: nodeAttributes(cib.value, node, { nowSeconds: 0 }) });
      const theirs = scores.get(`${constraint.resources[0]}@${node}`) === "1000";
      if (ours !== theirs) mismatches.push(`${locations[Number(constraint.id.slice(1))]} on x=${NODE_VALUES[n] ?? "(unset)"}: Pacemaker ${theirs}, Quorate ${ours}`);
    }
  }
  assert.deepEqual(mismatches, [], `seed=0x${SEED.toString(16)}`);
});
