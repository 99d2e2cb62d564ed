import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Executor, OCF_RC, type AgentRef, type OcfRc, type OpRequest } from "../../src/executor/index.js";
import { hasProgram, run as runProgram } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// The packaged agent drives a real pair of replication daemons through the
// executor, as a cluster's promotable clone would (OCF Resource Agent API:
// 7 not running, 0 running unpromoted, 8 promoted; 6 misconfigured). The
// DRBD agent's interface (drbd_resource, drbdconf, adjust_master_score) is
// that of ocf:linbit:drbd, under which name it is installed too.

const linbit: AgentRef = { class: "ocf", provider: "linbit", type: "drbd" };
const quorate: AgentRef = { class: "ocf", provider: "quorate", type: "drbd" };
type AgentAction = "start" | "stop" | "monitor" | "promote" | "demote" | "validate-all" | "meta-data";
const metadataSchema = "/usr/share/resource-agents/metadata.rng";

describe("ocf:linbit:drbd (Quorate's agent) on two real replication daemons", () => {
  let nodes: TwoNodes;
  const executor = new Executor({ concurrencyMax: 2 });

  before(async () => {
    nodes = await TwoNodes.create("qd-ocf-", { ipBlock: 7, backingMiB: 8 });
    for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "create-md", "r0");
  });
  after(async () => {
    await executor.dispose();
    await nodes.dispose();
  });

  function run(node: NodeName, action: AgentAction, params: Record<string, string> = {}, agent = linbit) {
    const request: OpRequest = {
      rscId: "drbd_r0", agent, action, intervalMs: 0, timeoutMs: 60_000,
      params: { drbd_resource: "r0", drbdconf: nodes.config, run_dir: nodes.runDir, ...params },
      // Pacemaker names the node an action runs for; the agent picks that host section.
      meta: { on_node: node, promotable: "true", clone_max: "2", promoted_max: "1" },
    };
    return executor.run(request);
  }

  async function expectRc(node: NodeName, action: AgentAction, rc: OcfRc, why: string): Promise<string> {
    const result = await run(node, action);
    assert.equal(result.rc, rc, `${node} ${action}: ${why} (stderr: ${result.stderr.trim()})`);
    return result.stderr;
  }

  test("probe, start, promote, demote and stop keep the OCF exit codes; only a node with good data gets a promotion score", async () => {
    await expectRc("alpha", "monitor", OCF_RC.notRunning, "a probe of a resource that is down");
    for (const node of ["alpha", "beta"] as const) {
      const started = await expectRc(node, "start", OCF_RC.success, "start brings the resource up");
      assert.match(started, new RegExp(`promotion score for ${node}: none`), "fresh metadata (Inconsistent): not promotable");
    }
    await nodes.waitConnected("alpha");
    await expectRc("beta", "monitor", OCF_RC.success, "a Secondary runs unpromoted");

    // The tutorial's one manual step: choose the side whose data becomes the truth.
    await nodes.ok("alpha", "primary", "--force", "r0");
    await nodes.waitInSync("beta");
    await expectRc("alpha", "monitor", OCF_RC.runningPromoted, "Primary is promoted");
    assert.match(await expectRc("beta", "monitor", OCF_RC.success, "Secondary"), /promotion score for beta: 10000/, "UpToDate and connected");

    await expectRc("beta", "promote", OCF_RC.errGeneric, "a second Primary is refused");
    assert.equal((await nodes.status("beta")).role, "Secondary");
    await expectRc("alpha", "demote", OCF_RC.success, "demote");
    await expectRc("alpha", "monitor", OCF_RC.success, "demoted");
    await expectRc("beta", "promote", OCF_RC.success, "the other side may now be promoted");
    await expectRc("beta", "monitor", OCF_RC.runningPromoted, "promoted");

    assert.match(await expectRc("alpha", "stop", OCF_RC.success, "stop a Secondary"), /promotion score for alpha: none/);
    await expectRc("alpha", "monitor", OCF_RC.notRunning, "stopped");
    await expectRc("alpha", "stop", OCF_RC.success, "stop is idempotent");
    assert.match(await expectRc("beta", "monitor", OCF_RC.runningPromoted, "the Primary goes on alone"), /promotion score for beta: 10000/);
    await expectRc("beta", "stop", OCF_RC.success, "stopping a Primary demotes it first");
    await expectRc("beta", "monitor", OCF_RC.notRunning, "stopped");
  });

  test("resource-agents' ocf-tester passes it (meta-data against ra-api-1.dtd, idempotent start/stop, promote/demote)", { skip: hasProgram("ocf-tester") ? false : "needs ocf-tester (Debian resource-agents)" }, async () => {
    // Both nodes are down with UpToDate data (the test above stopped them): alpha runs alone.
    const params = [`drbd_resource=r0`, `drbdconf=${nodes.config}`, `run_dir=${nodes.runDir}`, "node=alpha"].flatMap((p) => ["-o", p]);
    const agentFile = new URL("../../../agents/ocf/resource.d/linbit/drbd", import.meta.url).pathname;
    const result = await runProgram("ocf-tester", ["-n", "drbd_r0", ...params, agentFile], { timeoutMs: 120_000 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /passed all tests/);
    await expectRc("alpha", "monitor", OCF_RC.notRunning, "ocf-tester leaves it stopped");
  });

  test("linked into another OCF root (as packagers and admins install agents), it still finds the package's quorate", async () => {
    const { mkdirSync, symlinkSync } = await import("node:fs");
    const { join } = await import("node:path");
    const root = join(nodes.dir, "ocf-root", "resource.d", "linbit");
    mkdirSync(root, { recursive: true });
    symlinkSync(new URL("../../../agents/ocf/resource.d/linbit/drbd", import.meta.url).pathname, join(root, "drbd"));
    const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", OCF_ROOT: join(nodes.dir, "ocf-root"), OCF_RESKEY_drbd_resource: "r0", OCF_RESKEY_drbdconf: nodes.config, OCF_RESKEY_run_dir: nodes.runDir, OCF_RESKEY_node: "alpha" };
    const probe = spawnSync(join(root, "drbd"), ["monitor"], { env, encoding: "utf8" });
    assert.equal(probe.status, OCF_RC.notRunning, probe.stderr);
  });

  test("a missing resource, a node without a host section or bad scores are configuration errors (6)", async () => {
    const cases: Array<[NodeName | "gamma", Record<string, string>, RegExp]> = [
      ["alpha", { drbd_resource: "r9" }, /'r9' not defined/],
      ["gamma", {}, /no 'on gamma' section/],
      ["alpha", { adjust_master_score: "0 10" }, /four numbers/],
    ];
    for (const [node, params, reason] of cases) {
      const result = await run(node as NodeName, "validate-all", params, quorate);
      assert.equal(result.rc, OCF_RC.errConfigured, `${JSON.stringify(params)} on ${node}`);
      assert.match(result.exitReason, reason);
    }
  });

  test("its meta-data validates against resource-agents' schema", { skip: existsSync(metadataSchema) ? undefined : `${metadataSchema} not installed (Debian resource-agents)` }, async () => {
    const result = await run("alpha", "meta-data");
    assert.equal(result.rc, OCF_RC.success);
    const check = spawnSync("xmllint", ["--noout", "--relaxng", metadataSchema, "-"], { input: result.stdout, encoding: "utf8" });
    assert.equal(check.status, 0, check.stderr);
    assert.match(result.stdout, /<parameter name="drbd_resource" unique="1" required="1">/);
  });
});
