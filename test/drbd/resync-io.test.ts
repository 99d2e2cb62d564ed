import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasPythonNbd, run, systemPython, waitFor, type RunResult } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// Client I/O on the Primary while a resync runs, with real daemons and a real
// NBD client (python3-libnbd, test/drbd/io-model.py): random writes of any
// size and alignment (half of them 512-byte sectors inside 4 KiB blocks) and
// reads checked against the client's model of every byte. DRBD's rules: the
// application's writes win over resync data, and a SyncTarget serves blocks
// not resynced yet from its peer. Afterwards both backing stores hold exactly
// what the client wrote, and online verify finds nothing out of sync.
const ioModel = new URL("../../../test/drbd/io-model.py", import.meta.url).pathname;
const skip = (await hasPythonNbd()) ? false : "needs python3-libnbd";

/** The model client on alpha's export, steered through control files. */
class ModelClient {
  private readonly exited: Promise<RunResult>;

  private constructor(readonly control: string, readonly modelPath: string, uri: string, seed: number) {
    this.exited = run(systemPython, [ioModel, "--uri", uri, "--control", control, "--model", modelPath, "--seed", String(seed), "--queue-depth", "32"], { timeoutMs: 120_000 });
  }

  static async start(nodes: TwoNodes, seed: number): Promise<ModelClient> {
    const control = join(nodes.dir, `control-${seed}`);
    mkdirSync(control);
    const client = new ModelClient(control, join(nodes.dir, `model-${seed}.bin`), nodes.uri("alpha"), seed);
    await waitFor("the client to hold its model", () => existsSync(join(control, "ready")));
    return client;
  }

  async stop(): Promise<{ writes: number; reads: number; model: Buffer }> {
    writeFileSync(join(this.control, "stop"), "");
    const result = await this.exited;
    assert.equal(result.status, 0, `io-model.py: ${result.stdout}${result.stderr}`);
    const summary = JSON.parse(result.stdout) as { writes: number; reads: number };
    return { ...summary, model: readFileSync(this.modelPath) };
  }
}

describe("client I/O on the Primary during a resync", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    // A fixed 2 MiB/s that does not yield to application I/O: the resyncs below take seconds.
    nodes = await TwoNodes.create("qd-rsio-", { ipBlock: 12, backingMiB: 4, disk: "c-plan-ahead 0; resync-rate 2M; c-min-rate 0;" });
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  const outOfSyncKiB = async (node: NodeName) => (await nodes.status(node)).connections[0]!.peer_devices[0]!["out-of-sync"];

  async function expectCopiesAsWritten(model: Buffer): Promise<void> {
    const usableBytes = (await nodes.status("alpha")).devices[0]!.size * 1024;
    assert.equal(model.length, usableBytes);
    for (const node of ["alpha", "beta"] as const) {
      const copy = readFileSync(nodes.backingPath(node)).subarray(0, usableBytes);
      const at = copy.findIndex((byte, i) => byte !== model[i]);
      assert.equal(at, -1, `${node}'s backing store differs from what the client wrote at byte ${at}`);
    }
    assert.equal(await nodes.verify("alpha"), 0);
  }

  test("the Primary as SyncSource: writes and reads during the resync of its reconnected peer", async () => {
    const client = await ModelClient.start(nodes, 1);
    await nodes.ok("beta", "disconnect", "r0");
    await waitFor("1 MiB written without the peer", async () => (await outOfSyncKiB("alpha")) >= 1024, 30_000, 50);
    await nodes.ok("beta", "connect", "r0");
    await nodes.waitInSync("beta");
    const { writes, reads, model } = await client.stop();
    const sync = (await nodes.status("beta"))["last-sync"];
    assert.equal(sync?.direction, "target");
    assert.ok((sync?.blocks ?? 0) >= 256, `a resync of at least 1 MiB (${sync?.blocks} blocks), at 2 MiB/s`);
    assert.ok(writes > 300 && reads > 100, `the client kept working: ${writes} writes, ${reads} reads`);
    await expectCopiesAsWritten(model);
  });

  test("the Primary as SyncTarget: after detach and attach it resyncs from its peer while serving writes and reads", async () => {
    // Resync data meets a write in flight only in a short window: rounds go on (at most 4) until it did.
    for (let round = 1; round <= 4 && (await nodes.status("alpha"))["resync-conflicts"] === 0; round++) {
      const client = await ModelClient.start(nodes, 10 + round);
      await nodes.ok("alpha", "detach", "r0"); // alpha stays Primary, diskless: its writes go to beta only
      await waitFor("2 MiB written through the peer", async () => (await outOfSyncKiB("beta")) >= 2048, 30_000, 50);
      const logBefore = nodes.log("alpha").length;
      await nodes.ok("alpha", "attach", "r0"); // the client goes on: the connection stays up
      await nodes.waitInSync("alpha");
      const { model } = await client.stop();
      const status = await nodes.status("alpha");
      assert.equal(status.role, "Primary");
      assert.deepEqual(status["last-sync"], { direction: "target", full: false, blocks: status["last-sync"]?.blocks });
      assert.ok((status["last-sync"]?.blocks ?? 0) >= 512, `a resync of at least 2 MiB (${status["last-sync"]?.blocks} blocks), at 2 MiB/s`);
      assert.doesNotMatch(nodes.log("alpha").slice(logBefore), /connection lost/, "attaching kept the connection");
      await expectCopiesAsWritten(model);
    }
    assert.ok((await nodes.status("alpha"))["resync-conflicts"] > 0, "resync data arrived under writes in flight");
  });

  test("the Primary invalidates its own disk: a full resync from its peer while serving writes and reads", async () => {
    const client = await ModelClient.start(nodes, 20);
    await nodes.ok("alpha", "invalidate", "r0");
    await nodes.waitInSync("alpha");
    const { writes, model } = await client.stop();
    const status = await nodes.status("alpha");
    assert.equal(status.role, "Primary");
    assert.deepEqual(status["last-sync"], { direction: "target", full: true, blocks: status.devices[0]!.size / 4 });
    assert.ok(writes > 300, `the client kept working: ${writes} writes`);
    await expectCopiesAsWritten(model);
  });
});
