import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRng, type Rng } from "../../src/lib/rng.js";
import { loadCib, primitives, resolveNvSets } from "../../src/cib/index.js";
import { parsedRoot } from "./fixtures.js";
import { hasProgram } from "./corpus.js";

// Differential test against Pacemaker's crm_resource --get-parameter, which merges
// a resource's instance (or, with --meta, meta) attribute sets the way the scheduler does.
const SEED = 0x5e75;
const SCORES = [undefined, "0", "0", "1", "10", "-5", "INFINITY", "-INFINITY"];
const RULES = [
  "", "",
  `<rule id="ID-r"><date_expression id="ID-d" operation="lt" end="2001-01-01"/></rule>`, // always false now
  `<rule id="ID-r"><date_expression id="ID-d" operation="gt" start="2001-01-01"/></rule>`, // always true now
];
const NAMES = ["a", "b", "c"];

function randomSet(rng: Rng, kind: string, id: string): string {
  const score = SCORES[rng.int(SCORES.length)];
  const rule = RULES[rng.int(RULES.length)]!.replaceAll("ID", id);
  const pairs = NAMES.filter(() => rng.int(2) === 0).map((name) => `<nvpair id="${id}-${name}" name="${name}" value="${id}"/>`).join("");
  return `<${kind} id="${id}"${score === undefined ? "" : ` score="${score}"`}>${rule}${pairs}</${kind}>`;
}

function randomCib(rng: Rng): string {
  const resources = [0, 1, 2, 3].map((r) => {
    const sets = Array.from({ length: 2 + rng.int(4) }, (_, s) => {
      const kind = rng.int(2) === 0 ? "instance_attributes" : "meta_attributes";
      return randomSet(rng, kind, `p${r}-s${s}`);
    });
    return `<primitive id="p${r}" class="ocf" provider="heartbeat" type="Dummy">${sets.join("")}</primitive>`;
  });
  return `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/>
<nodes><node id="1" uname="n1"/></nodes><resources>${resources.join("")}</resources><constraints/></configuration><status/></cib>`;
}

test(`attribute sets merge as crm_resource merges them: scores, ties, rules (seed=0x${SEED.toString(16)})`, (t) => {
  if (!hasProgram("crm_resource")) return t.skip("crm_resource (pacemaker-cli-utils) is not installed");
  const directory = mkdtempSync(join(tmpdir(), "quorate-cib-nvsets-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const rng = seededRng(SEED);
  const text = randomCib(rng);
  const file = join(directory, "cib.xml");
  writeFileSync(file, text);
  const cib = loadCib(parsedRoot(text));
  assert.ok(cib.ok);
  const now = { nowSeconds: Math.floor(Date.now() / 1000) };
  const disagreements: string[] = [];
  for (const primitive of primitives(cib.value.configuration)) {
    for (const [flag, sets] of [[[], primitive.instance], [["--meta"], primitive.meta]] as const) {
      const ours = resolveNvSets(sets, { context: now });
      for (const name of NAMES) {
        const run = spawnSync("crm_resource", ["--resource", primitive.id, ...flag, "--get-parameter", name], { encoding: "utf8", env: { ...process.env, CIB_file: file }, timeout: 60_000 });
        const theirs = run.status === 0 && run.stdout.trim() !== "" ? run.stdout.trim() : undefined; // absent: empty output
        if (theirs !== ours.get(name)) disagreements.push(`${primitive.id} ${flag.join("") || "--instance"} ${name}: crm_resource ${theirs ?? "(none)"}, Quorate ${ours.get(name) ?? "(none)"}`);
      }
    }
  }
  assert.deepEqual(disagreements, [], `seed=0x${SEED.toString(16)}\n${text}`);
});
