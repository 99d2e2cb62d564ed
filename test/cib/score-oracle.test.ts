import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatScore, scoreOrLenient } from "../../src/cib/index.js";
import { hasProgram } from "./corpus.js";

// How Pacemaker reads score text, observed through crm_simulate's allocation scores
// (validate-with="none", so that text the schema would refuse still reaches the scheduler).
const FORMS = ["INFINITY", "+INFINITY", "-INFINITY", "Infinity", "inf", "-inf", "2000000", "-2000000", "-7x", "+5", " 7", "1.5", "abc", ""];

test("score text reads as Pacemaker reads it (oracle: crm_simulate allocation scores)", (t) => {
  if (!hasProgram("crm_simulate")) return t.skip("crm_simulate (pacemaker-cli-utils) is not installed");
  const directory = mkdtempSync(join(tmpdir(), "quorate-cib-score-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const resources = FORMS.map((_, i) => `<primitive id="p${i}" class="ocf" provider="heartbeat" type="Dummy"/>`).join("");
  const locations = FORMS.map((form, i) => `<rsc_location id="l${i}" rsc="p${i}" node="n1" score="${form}"/>`).join("");
  const file = join(directory, "cib.xml");
  writeFileSync(file, `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="none"><configuration><crm_config>
<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/></nodes><resources>${resources}</resources><constraints>${locations}</constraints></configuration>
<status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`);
  const run = spawnSync("crm_simulate", ["--xml-file", file, "--show-scores"], { encoding: "utf8", timeout: 60_000 });
  const observed = new Map([...run.stdout.matchAll(/: p(\d+) allocation score on n1: (\S+)/g)].map((m) => [Number(m[1]), m[2]!]));
  assert.equal(observed.size, FORMS.length, run.stdout + run.stderr);
  const mismatches = FORMS.flatMap((form, i) => (observed.get(i) === formatScore(scoreOrLenient(form)) ? [] : [`"${form}": Pacemaker ${observed.get(i)}, Quorate ${formatScore(scoreOrLenient(form))}`]));
  assert.deepEqual(mismatches, []);
});
