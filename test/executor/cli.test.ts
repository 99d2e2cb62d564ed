import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { missingAgent, tempDir } from "./helpers.js";

const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));
const raModule = new URL("../../src/executor/ra-cli.js", import.meta.url).href;
const crmsh = ["/usr/sbin/crm", "/usr/bin/crm"].find(existsSync);

/** `crm ra ARGS` as the crm shell dispatches it: the `ra` command of src/executor/ra-cli.ts. */
function crmRa(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `const { ra } = await import(${JSON.stringify(raModule)}); process.exitCode = await ra(${JSON.stringify(args)});`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
}

let dir: { path: string; remove: () => Promise<void> };
before(async () => {
  dir = await tempDir("cli");
});
after(async () => {
  await dir.remove();
});

test("quorate agent exec runs one action, prints rc and exit reason, and exits with the agent's rc", () => {
  const state = join(dir.path, "d.state");
  const exec = (...args: string[]) => spawnSync(quorate, ["agent", "exec", ...args], { encoding: "utf8" });
  const probe = exec("ocf:quorate:Dummy", "monitor", "--param", `state=${state}`);
  assert.equal(probe.status, 7);
  assert.match(probe.stdout, /Dummy monitor: rc=7 \(OCF_NOT_RUNNING: not running\), status done/);
  assert.equal(exec("ocf:quorate:Dummy", "start", "--param", `state=${state}`).status, 0);
  const json = exec("ocf:quorate:Dummy", "monitor", "--param", `state=${state}`, "--rsc", "web", "--json");
  assert.equal(json.status, 0);
  const result = JSON.parse(json.stdout);
  assert.equal(result.rscId, "web");
  assert.equal(result.rc, 0);
  assert.equal(result.rcName, "OCF_SUCCESS");
  assert.equal(result.opStatusCode, 0);
  const failed = exec("ocf:quorate:Dummy", "start", "--param", `state=${state}`, "--param", "op_sleep=never");
  assert.equal(failed.status, 6);
  assert.match(failed.stdout, /exit reason: validate-all: op_sleep must be a number/);
  const slow = exec("ocf:quorate:Dummy", "monitor", "--param", `state=${state}`, "--param", "op_sleep=5", "--timeout", "200ms");
  assert.equal(slow.status, 1);
  assert.match(slow.stdout, /status timeout/);
});

test("quorate agent exec: bad input is a usage error that names the problem", () => {
  const cases: Array<[string[], RegExp]> = [
    [["ocf:Dummy", "start"], /an ocf agent is written ocf:PROVIDER:TYPE/],
    [["ocf:quorate:Dummy", "explode"], /unknown action 'explode'/],
    [["ocf:quorate:Dummy", "start", "--param", "novalue"], /--param takes NAME=VALUE/],
    [["ocf:quorate:Dummy", "start", "--timeout", "soon"], /--timeout: 'soon' is not a duration/],
  ];
  for (const [args, message] of cases) {
    const run = spawnSync(quorate, ["agent", "exec", ...args], { encoding: "utf8" });
    assert.equal(run.status, 2, args.join(" "));
    assert.match(run.stderr, message);
  }
});

test("crm ra classes, list, providers and info describe Quorate's own agents", () => {
  assert.match(crmRa("classes").stdout, /^ocf \/ .*\bquorate\b/m);
  assert.match(crmRa("list", "ocf", "quorate").stdout, /^Dummy +Stateful/);
  assert.match(crmRa("list", "stonith").stdout, /\bfence_quorate\b/);
  assert.match(crmRa("providers", "Stateful").stdout, /\bquorate\b/);
  const info = crmRa("info", "ocf:quorate:Stateful");
  assert.equal(info.status, 0);
  assert.match(info.stdout, /^Example promotable resource agent \(Quorate\) \(ocf:quorate:Stateful\)$/m);
  assert.match(info.stdout, /^    monitor       depth=0 timeout=20s interval=10s role=Promoted$/m);
  assert.deepEqual(JSON.parse(crmRa("info", "ocf:quorate:Dummy", "--json").stdout).parameters.map((p: { name: string }) => p.name), ["state", "fake", "op_sleep"]);
  const missing = crmRa("info", "ocf:quorate:Nope");
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ocf:quorate:Nope is not installed/);
});

// Differential: real crmsh 4.x is the oracle for the text layout.
for (const agent of ["ocf:pacemaker:Dummy", "ocf:heartbeat:IPaddr2", "ocf:pacemaker:Stateful"]) {
  const file = `/usr/lib/ocf/resource.d/${agent.split(":")[1]}/${agent.split(":")[2]}`;
  const skip = crmsh === undefined ? "crmsh is not installed" : missingAgent(file);
  test(`crm ra info ${agent} prints exactly what crmsh prints`, { skip }, () => {
    const theirs = spawnSync(crmsh!, ["ra", "info", agent], { encoding: "utf8" });
    assert.equal(crmRa("info", agent).stdout, theirs.stdout);
  });
}

test("crm ra list ocf pacemaker lays out columns exactly as crmsh does", { skip: crmsh === undefined ? "crmsh is not installed" : missingAgent("/usr/lib/ocf/resource.d/pacemaker/Dummy") }, () => {
  const theirs = spawnSync(crmsh!, ["ra", "list", "ocf", "pacemaker"], { encoding: "utf8" });
  assert.equal(crmRa("list", "ocf", "pacemaker").stdout, theirs.stdout);
});
