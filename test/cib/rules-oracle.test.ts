import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { seededRng, type Rng } from "../../src/lib/rng.js";
import { evaluateRule, loadCib, parseIsoDateTime, serializeXml, type CibRule } from "../../src/cib/index.js";
import { parsedRoot } from "./fixtures.js";
import { hasProgram } from "./corpus.js";

// Differential test against Pacemaker's crm_rule, which evaluates date rules
// (in_range, gt, lt, and date_spec when it has years=) at a given date.
const SEED = 0xda7e;
const pad = (n: number): string => String(n).padStart(2, "0");

function randomDate(rng: Rng): string {
  return `${2023 + rng.int(3)}-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}`;
}

function range(rng: Rng, low: number, high: number): string {
  const a = low + rng.int(high - low + 1);
  const b = a + rng.int(high - a + 1);
  return a === b ? String(a) : `${a}-${b}`;
}

const SPEC_FIELDS: Array<[string, number, number]> = [
  ["hours", 0, 23], ["minutes", 0, 59], ["monthdays", 1, 31], ["weekdays", 1, 7], ["yeardays", 1, 366], ["months", 1, 12],
  ["weeks", 1, 53], ["weekyears", 2023, 2025],
];

function dateExpression(rng: Rng, id: string): string {
  switch (rng.int(5)) {
    case 0: return `<date_expression id="${id}" operation="in_range" start="${randomDate(rng)}" end="${randomDate(rng)}"/>`;
    case 1: {
      const fields = ["years", "months", "weeks", "days", "hours", "minutes", "seconds"].filter(() => rng.int(3) === 0);
      const duration = fields.map((f) => `${f}="${rng.int(f === "years" ? 2 : 20)}"`).join(" ");
      return `<date_expression id="${id}" operation="in_range" start="${randomDate(rng)}"><duration id="${id}-d" ${duration || 'days="3"'}/></date_expression>`;
    }
    case 2: return `<date_expression id="${id}" operation="gt" start="${randomDate(rng)}"/>`;
    case 3: return `<date_expression id="${id}" operation="lt" end="${randomDate(rng)}"/>`;
    default: {
      const fields = SPEC_FIELDS.filter(() => rng.int(3) === 0).map(([name, low, high]) => `${name}="${range(rng, low, high)}"`).join(" ");
      return `<date_expression id="${id}" operation="date_spec"><date_spec id="${id}-s" years="${range(rng, 2023, 2025)}" ${fields}/></date_expression>`;
    }
  }
}

function cibWithRules(rng: Rng, count: number): string {
  const locations = Array.from({ length: count }, (_, i) => {
    const expressions = dateExpression(rng, `r${i}-e`); // crm_rule only checks rules with a single date_expression
    return `<rsc_location id="l${i}" rsc="p"><rule id="r${i}" score="1" >${expressions}</rule></rsc_location>`;
  });
  return `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/>
<resources><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints>${locations.join("\n")}</constraints></configuration><status/></cib>`;
}

test(`date rules agree with Pacemaker's crm_rule (seed=0x${SEED.toString(16)})`, (t) => {
  if (!hasProgram("crm_rule")) return t.skip("crm_rule (pacemaker-cli-utils) is not installed");
  const rng = seededRng(SEED);
  const text = cibWithRules(rng, 40);
  const root = parsedRoot(text);
  const cib = loadCib(root);
  assert.ok(cib.ok);
  assert.deepEqual(cib.value.warnings, []);
  const rules = new Map<string, CibRule>();
  for (const constraint of cib.value.configuration.constraints) {
    if (constraint.kind === "location") rules.set(constraint.rules[0]!.id, constraint.rules[0]!);
  }
  const disagreements: string[] = [];
  let inEffect = 0;
  for (let sample = 0; sample < 10; sample++) {
    const date = randomDate(rng);
    const args = ["-c", "--output-as=xml", "-X", serializeXml(root), "-d", date, ...[...rules.keys()].flatMap((id) => ["-r", id])];
    const run = spawnSync("crm_rule", args, { encoding: "utf8", env: { ...process.env, TZ: "UTC" }, timeout: 60_000 });
    const checks = [...run.stdout.matchAll(/<rule-check rule-id="([^"]+)" rc="(\d+)"/g)];
    assert.equal(checks.length, rules.size, `crm_rule output: ${run.stdout}${run.stderr}`);
    for (const [, id, rc] of checks) {
      const ours = evaluateRule(rules.get(id!)!, { nowSeconds: parseIsoDateTime(date)! });
      if (ours) inEffect++;
      if (!["0", "110", "111"].includes(rc!)) disagreements.push(`${id} at ${date}: crm_rule could not decide (rc=${rc})`);
      else if (ours !== (rc === "0")) disagreements.push(`${id} at ${date}: crm_rule rc=${rc}, Quorate ${ours}`);
    }
  }
  assert.deepEqual(disagreements, [], `seed=0x${SEED.toString(16)}`);
  assert.ok(inEffect > 20, `only ${inEffect} rule/date pairs were in effect; the test does not exercise both outcomes`);
});

test("ISO 8601 date forms name the same instant as in Pacemaker (oracle: crm_rule)", (t) => {
  if (!hasProgram("crm_rule")) return t.skip("crm_rule (pacemaker-cli-utils) is not installed");
  // Zone offsets are left out: Pacemaker 2.1.5 compares "+02:00" dates inconsistently; Quorate applies them per ISO 8601.
  const forms = ["2024-03-01", "20240301", "2024-061", "2024-W09-5", "2009-W01-1", "2020-W53-7", "2024-03-01 12:30", "2024-03-01T12:30:15", "2024-03-01T12:30:15Z", "2024-366"];
  const locations = forms.map((form, i) => `<rsc_location id="l${i}" rsc="p"><rule id="r${i}" score="1"><date_expression id="d${i}" operation="in_range" start="${form}" end="${form}"/></rule></rsc_location>`);
  const text = `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/>
<resources><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints>${locations.join("")}</constraints></configuration><status/></cib>`;
  const problems: string[] = [];
  forms.forEach((form, i) => {
    const instant = parseIsoDateTime(form)!;
    for (const [offset, expected] of [[0, "0"], [1, "110"], [-1, "111"]] as const) {
      const at = new Date((instant + offset) * 1000).toISOString().replace("T", " ").slice(0, 19);
      const run = spawnSync("crm_rule", ["-c", "--output-as=xml", "-X", text, "-r", `r${i}`, "-d", at], { encoding: "utf8", env: { ...process.env, TZ: "UTC" }, timeout: 60_000 });
      const rc = /<rule-check rule-id="[^"]+" rc="(\d+)"/.exec(run.stdout)?.[1];
      if (rc !== expected) problems.push(`${form} checked at ${at}: crm_rule rc=${rc ?? run.stderr.trim()}, expected ${expected}`);
    }
  });
  assert.deepEqual(problems, []);
});
