// Differential test: the same small CIBs through crm_simulate (Pacemaker's scheduler) and ours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cibXml, primitive, running, summary, type Fixture } from "./fixture.js";

const hasOracle = spawnSync("crm_simulate", ["--version"]).status === 0;

function oracleSummary(f: Fixture): string[] {
  const dir = mkdtempSync(join(tmpdir(), "quorate-sched-"));
  try {
    const file = join(dir, "cib.xml");
    writeFileSync(file, cibXml(f));
    const out = execFileSync("crm_simulate", ["-x", file, "-S"], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    const block = out.split("Transition Summary:\n")[1]?.split("\n\n")[0] ?? "";
    return block.split("\n").filter((l) => l.trim() !== "").map((l) => l.trim().replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")")).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: Array<[string, Fixture]> = [
  ["spread", { resources: ["a", "b", "c", "d", "e"].map((id) => primitive(id)).join("") }],
  ["stickiness vs preference", { resources: primitive("a") + primitive("b"), lrm: { node3: running("a") }, constraints: `<rsc_location id="l" rsc="a" node="node1" score="50"/>`, defaults: { "resource-stickiness": "60" } }],
  ["group with member preference", { resources: `<group id="g">${primitive("g1")}${primitive("g2")}${primitive("g3")}</group>`, constraints: `<rsc_location id="l" rsc="g3" node="node2" score="20"/>` }],
  ["colocation chain", { resources: primitive("a") + primitive("b") + primitive("c"), constraints: `<rsc_colocation id="c1" rsc="b" with-rsc="a" score="INFINITY"/><rsc_colocation id="c2" rsc="c" with-rsc="b" score="INFINITY"/><rsc_location id="l" rsc="c" node="node3" score="100"/>` }],
  ["clone and dependent", { resources: `<clone id="cl">${primitive("d")}</clone>` + primitive("a"), constraints: `<rsc_colocation id="c" rsc="a" with-rsc="cl" score="INFINITY"/><rsc_location id="l" rsc="a" node="node1" score="-INFINITY"/>` }],
  ["standby", { resources: primitive("a") + primitive("b"), lrm: { node1: running("a") + running("b") }, nodeState: { node1: "standby" } }],
];

for (const [name, fixture] of cases) {
  test(`same Transition Summary as crm_simulate: ${name}`, (t) => {
    if (!hasOracle) return t.skip("crm_simulate (pacemaker-cli-utils) is not installed");
    assert.deepEqual(summary(fixture), oracleSummary(fixture));
  });
}
