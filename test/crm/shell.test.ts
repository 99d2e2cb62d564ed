import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { CrmShell } from "../../src/crm/index.js";
import { completer } from "../../src/crm/driver/completion.js";
import { emptyStore, runCrm, script } from "./helpers.js";

// The interactive shell: crmsh's prompts and levels, and tab completion.

async function complete(shell: CrmShell, line: string): Promise<string[]> {
  const complete = completer(shell) as (line: string, cb: (e: null, r: [string[], string]) => void) => void;
  return new Promise((resolve) => complete(line, (_e, [candidates]) => resolve(candidates)));
}

function quietShell(store = emptyStore()): CrmShell {
  return new CrmShell(store, { out: () => {}, err: () => {} }, { force: true, external: {} });
}

test("prompts follow the level: crm(live)# and crm(live)configure#", async () => {
  const shell = quietShell();
  assert.equal(shell.prompt(), "crm(live)# ");
  await shell.runScript("configure\n", "shell");
  assert.equal(shell.prompt(), "crm(live)configure# ");
  await shell.runScript("up\n", "shell");
  assert.equal(shell.prompt(), "crm(live)# ");
  await shell.runScript("cd configure\nend\n", "shell");
  assert.equal(shell.prompt(), "crm(live)# ");
});

test("completion: commands of the current level", async () => {
  const shell = quietShell();
  assert.deepEqual(await complete(shell, "conf"), ["configure"]);
  await shell.runScript("configure\n", "shell");
  assert.deepEqual(await complete(shell, "pri"), ["primitive"]);
  assert.deepEqual(await complete(shell, "col"), ["collocation", "colocation"]);
});

test("completion: ids of the configuration after a command", async () => {
  const run = await runCrm(script("primitive web-ip Dummy", "primitive web-fs Dummy", "primitive db Dummy"));
  const shell = quietShell(run.store);
  await shell.runScript("configure\n", "shell");
  assert.deepEqual(await complete(shell, "delete web"), ["web-fs", "web-ip"]);
});

test("completion: installed agents after `primitive ID`, their parameters after `params`", async (t) => {
  if (!existsSync("/usr/lib/ocf/resource.d/heartbeat/IPaddr2")) {
    t.skip("resource-agents is not installed (Debian package resource-agents)");
    return;
  }
  const shell = quietShell();
  await shell.runScript("configure\n", "shell");
  assert.ok((await complete(shell, "primitive vip ocf:heartbeat:IPadd")).includes("ocf:heartbeat:IPaddr2"));
  assert.ok((await complete(shell, "primitive vip ocf:heartbeat:IPaddr2 params ci")).includes("cidr_netmask="));
});
