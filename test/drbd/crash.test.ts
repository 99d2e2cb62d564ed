import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { seededRng } from "../../src/lib/rng.js";
import { crashChecker, hasPythonNbd, run, systemPython, waitFor } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// The protocol C promise across a failover: a client writes with many requests
// in flight while the Primary's daemon is SIGKILLed at a random moment; after the
// peer is promoted, every write the client saw acknowledged is there. The
// checker (test/nbd/crash-checker.py) journals acknowledgements.
const skip = (await hasPythonNbd()) ? false : "needs python3-libnbd (the system python3 with the nbd module)";
const ackCount = (journal: string): number => journal.split("\nA ").length - 1;
const ROUNDS = 3;

describe("protocol C crash test", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    nodes = await TwoNodes.create("qd-crash-", { ipBlock: 1, backingMiB: 16, protocol: "C" });
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  test(`every acknowledged write survives SIGKILL of the Primary at random moments (${ROUNDS} failovers)`, async () => {
    let primary: NodeName = "alpha";
    for (let round = 0; round < ROUNDS; round++) {
      const peer: NodeName = primary === "alpha" ? "beta" : "alpha";
      const seed = 0xd00d + round;
      const killAfterAcks = 50 + seededRng(seed).int(2000);
      const journal = join(nodes.dir, `round${round}.journal`);
      const writer = run(systemPython, [crashChecker, "write", "--uri", nodes.uri(primary), "--journal", journal, "--mode", "plain",
        "--blocks", "2048", "--queue-depth", "16", "--duration-s", "30", "--seed", String(seed)]);
      await waitFor(`${killAfterAcks} acknowledged writes`, async () => ackCount(await readFile(journal, "utf8").catch(() => "")) >= killAfterAcks, 30_000);
      await nodes.kill(primary);
      const written = await writer;
      assert.equal(written.status, 0, written.stderr);
      const summary = JSON.parse(written.stdout) as { acknowledged: number; stopped: string };
      assert.match(summary.stopped, /connection lost/, `seed=${seed}`);
      await waitFor(`${peer} to notice`, async () => (await nodes.status(peer)).connections[0]!["connection-state"] !== "Connected");
      await nodes.ok(peer, "primary", "r0");
      const verified = await run(systemPython, [crashChecker, "verify", "--uri", nodes.uri(peer), "--journal", journal]);
      assert.equal(verified.status, 0, `seed=${seed} round=${round}: ${verified.stdout}${verified.stderr}`);
      assert.equal((JSON.parse(verified.stdout) as { acknowledged_writes: number }).acknowledged_writes, summary.acknowledged);
      // The crashed node comes back as Secondary and resyncs from the new Primary.
      await nodes.ok(primary, "up", "r0");
      await nodes.waitInSync(primary);
      assert.equal((await nodes.status(primary))["last-sync"]?.direction, "target", `seed=${seed}`);
      primary = peer;
    }
  });
});
