import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EMPTY_CIB } from "./helpers.js";

// `crm` as users run it: one command line, -f FILE, stdin; on the CIB file named by CIB_file.
const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));
let dir = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "quorate-crm-cli-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshCib(name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, EMPTY_CIB);
  return file;
}

function crm(args: string[], cib: string | undefined, input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["CIB_file"];
  if (cib !== undefined) env["CIB_file"] = cib;
  return spawnSync(quorate, ["crm", ...args], { env, encoding: "utf8", ...(input === undefined ? {} : { input }), timeout: 30_000 });
}

test("crm configure STATEMENT commits at once; crm configure show prints it", async () => {
  const cib = await freshCib("one-shot.xml");
  const add = crm(["configure", "primitive", "webip", "ocf:heartbeat:IPaddr", "params", "ip=10.0.0.88", "op", "monitor", "interval=30s"], cib);
  assert.equal(add.status, 0, add.stderr);
  const show = crm(["configure", "show"], cib);
  assert.equal(show.stdout, "primitive webip IPaddr \\\n\tparams ip=10.0.0.88 \\\n\top monitor interval=30s\n");
  assert.match(await readFile(cib, "utf8"), /<op name="monitor" interval="30s" id="webip-monitor-30s"\/>/);
});

test("crm configure < FILE runs the script at the configure level, as crmsh does", async () => {
  const cib = await freshCib("level-stdin.xml");
  const run = crm(["configure"], cib, "property stonith-enabled=false\nprimitive a Dummy\ncommit\n");
  assert.equal(run.status, 0, run.stderr);
  assert.equal(crm(["configure", "show"], cib).stdout, "primitive a Dummy\nproperty cib-bootstrap-options: \\\n\tstonith-enabled=false\n");
  const bad = crm(["configure"], cib, "primitive b Dummy\nlocation l b 100 n1\ncommit\n");
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /<stdin>:2:14: expected <score>: <node> or rule near '100'/);
});

test("crm -f FILE and crm < FILE run a script; an error exits 1 and names file:line:col", async () => {
  const cib = await freshCib("script.xml");
  const file = join(dir, "in.crm");
  await writeFile(file, "configure\nproperty stonith-enabled=false\nprimitive a Dummy\ncommit\n");
  assert.equal(crm(["-f", file], cib).status, 0);
  const bad = crm([], cib, "configure\nlocation l a 100 n1\ncommit\n");
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /<stdin>:2:14: expected <score>: <node> or rule near '100'/);
  assert.equal(crm(["configure", "show"], cib).stdout, "primitive a Dummy\nproperty cib-bootstrap-options: \\\n\tstonith-enabled=false\n");
});

test("without CIB_file crm says no live cluster is running yet", () => {
  const run = crm(["configure", "show"], undefined);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /no live cluster is running yet.*CIB_file/);
});

test("a corrupt CIB file is refused with file:line:col and left alone", async () => {
  const cib = join(dir, "corrupt.xml");
  await writeFile(cib, "<cib>\n  <configuration>\n</cib>\n");
  const run = crm(["configure", "primitive", "a", "Dummy"], cib);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /corrupt\.xml:\d+:\d+:/);
  assert.equal(await readFile(cib, "utf8"), "<cib>\n  <configuration>\n</cib>\n");
});

test("crm node standby / online set the node's standby attribute", async () => {
  const cib = await freshCib("standby.xml");
  assert.equal(crm(["configure", "node", "n1"], cib).status, 0);
  assert.equal(crm(["node", "standby", "n1"], cib).status, 0);
  assert.match(crm(["configure", "show"], cib).stdout, /node n1 \\\n\tattributes standby=on/);
  assert.equal(crm(["node", "online", "n1"], cib).status, 0);
  assert.match(crm(["configure", "show"], cib).stdout, /attributes standby=off/);
  assert.equal(crm(["node", "standby", "nosuch"], cib).status, 1);
});

test("levels: configure / up / cd, and -F is accepted", async () => {
  const cib = await freshCib("levels.xml");
  const run = crm(["-F"], cib, "configure\nprimitive a Dummy\nup\ncd configure\ncommit\nshow\n");
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "primitive a Dummy\n");
});
