// A notification as the controller will run it: the notify action the scheduler puts in
// the transition graph, executed by the executor on a real OCF agent (ocf:pacemaker:Stateful,
// which writes its environment to `envfile`), reaches the agent as
// OCF_RESKEY_CRM_meta_notify_* variables (Pacemaker Explained, "Clone Resource Agent
// Requirements": the notify action and its environment).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor, OCF_RC, type AgentRef } from "../../src/executor/index.js";
import { cibXml, clone, location, primitive, run, running } from "./cib-builder.js";

const STATEFUL: AgentRef = { class: "ocf", provider: "pacemaker", type: "Stateful" };
const AGENT_FILE = "/usr/lib/ocf/resource.d/pacemaker/Stateful";
const dir = mkdtempSync(join(tmpdir(), "quorate-notify-agent-"));
const executor = new Executor({ concurrencyMax: 2 });
after(async () => {
  await executor.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The variables the agent saw, from its envfile dump. */
function environment(file: string): Map<string, string> {
  const seen = new Map<string, string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) seen.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return seen;
}

test("a graph notify action runs the agent's notify with the notify_* lists as OCF_RESKEY_CRM_meta_*", { skip: existsSync(AGENT_FILE) ? undefined : `not installed: ${AGENT_FILE} (pacemaker-resource-agents)` }, async () => {
  const agent = { agent: STATEFUL };
  const t = run(cibXml({
    nodes: [
      ["n1", { history: running("s:0", true).map((e) => ({ ...e, ...agent })) }],
      ["n2", { history: running("s:1").map((e) => ({ ...e, ...agent })) }],
    ],
    resources: [clone("ms", primitive("s", agent), { promotable: "true", notify: "true" })],
    constraints: [location("prefer-n2", "ms", "n2", "100", { role: "Promoted" })],
  }));
  const notify = t.graph.actions.find((a) => a.key === "s:0_pre_notify_promote_0");
  assert.ok(notify !== undefined && notify.meta !== undefined, "the graph has s:0's pre-promote notification");
  const envfile = join(dir, "env");
  const result = await executor.run({
    rscId: notify.resource, agent: STATEFUL, action: "notify", intervalMs: 0, timeoutMs: notify.timeoutMs,
    params: { state: join(dir, "state"), envfile }, meta: notify.meta,
  });
  assert.equal(result.rc, OCF_RC.success, result.stderr);
  const env = environment(envfile);
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_type"), "pre");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_operation"), "promote");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_promote_resource"), "s:1");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_promote_uname"), "n2");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_demote_resource"), "s:0");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_promoted_uname"), "n1");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_master_resource"), "s:0", "the legacy master list is there too");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_active_resource"), "s:0 s:1");
  assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_start_resource"), " ", "an empty list is a single space");
  assert.equal(env.get("OCF_RESOURCE_INSTANCE"), "s:0");
});
