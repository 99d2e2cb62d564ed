import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIntervalMs } from "../../src/cib/index.js";
import { hasProgram } from "./corpus.js";

// How Pacemaker reads op intervals, observed through the recurring monitors crm_simulate schedules.
// ISO durations with days are left out: Pacemaker 2.1 counts them a day short (documented in parseIntervalMs).
const FORMS = ["10", "10s", "10sec", "10S", "500ms", "500msec", "10Ms", "20000us", "2m", "2min", "1h", "1hr", "1.5", "2.5m", "1.9h",
  "0.5s", " 10", "10 s", "PT1M30S", "P10S", "PT24H", "PT10S", "abc", "10x", "1e3"];

test("op intervals read as Pacemaker reads them (oracle: crm_simulate's recurring monitors)", (t) => {
  if (!hasProgram("crm_simulate")) return t.skip("crm_simulate (pacemaker-cli-utils) is not installed");
  const directory = mkdtempSync(join(tmpdir(), "quorate-cib-interval-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const resources = FORMS.map((form, i) =>
    `<primitive id="p${i}" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="p${i}-m" name="monitor" interval="${form}"/></operations></primitive>`).join("");
  const file = join(directory, "cib.xml");
  writeFileSync(file, `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="none"><configuration><crm_config>
<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/></nodes><resources>${resources}</resources><constraints/></configuration>
<status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`);
  const run = spawnSync("crm_simulate", ["--xml-file", file, "--simulate"], { encoding: "utf8", timeout: 60_000 });
  assert.match(run.stdout, /Resource action: p0 +monitor=10000 on n1/, run.stdout + run.stderr);
  const observed = new Map([...run.stdout.matchAll(/Resource action: p(\d+) +monitor=(\d+) on n1/g)].map((m) => [Number(m[1]), Number(m[2])]));
  // No recurring monitor means Pacemaker read the interval as invalid or 0.
  const mismatches = FORMS.flatMap((form, i) => {
    const ours = parseIntervalMs(form) || undefined;
    return observed.get(i) === ours ? [] : [`"${form}": Pacemaker ${observed.get(i) ?? "none"}, Quorate ${ours ?? "none"}`];
  });
  assert.deepEqual(mismatches, []);
});
