import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { seededRng } from "../../src/lib/rng.js";
import { crashChecker, hasPythonNbd, run, startServeProcess, systemPython, tempDir, waitFor } from "./helpers.js";

// The crash-test checker (test/nbd/crash-checker.py) against `quorate nbd serve`
// SIGKILLed mid-stream: every write acknowledged before the kill is read back after
// a restart, and a lost write is reported.
const skip = (await hasPythonNbd()) ? false : "needs python3-libnbd (the system python3 with the nbd module)";
const port = 16020;
const ackCount = (journal: string): number => journal.split("\nA ").length - 1;

describe("crash-test checker", { skip }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (dir = await tempDir("qn-crash-")));
  after(async () => dir?.dispose());

  for (const mode of ["fua", "flush", "plain"] as const) {
    test(`every ${mode}-acknowledged write survives a SIGKILL of the server at a random moment (seeded)`, async () => {
      const seed = 0x5eed + mode.length;
      const killAfterAcks = 20 + seededRng(seed).int(1000);
      const file = join(dir.path, `${mode}.img`);
      const journal = join(dir.path, `${mode}.journal`);
      const server = await startServeProcess(file, port, "r0", "32M");
      const writer = run(systemPython, [crashChecker, "write", "--uri", server.uri("r0"), "--journal", journal,
        "--mode", mode, "--blocks", "2048", "--queue-depth", "16", "--duration-s", "20", "--seed", String(seed)]);
      await waitFor(`${killAfterAcks} acknowledged writes`, async () => ackCount(await readFile(journal, "utf8").catch(() => "")) >= killAfterAcks);
      await server.kill("SIGKILL");
      const written = await writer;
      assert.equal(written.status, 0, written.stderr);
      const summary = JSON.parse(written.stdout);
      assert.match(summary.stopped, /connection lost/, `seed=${seed}`);
      assert.ok(summary.acknowledged > 0, `seed=${seed}: nothing was acknowledged`);
      const restarted = await startServeProcess(file, port, "r0");
      try {
        const verified = await run(systemPython, [crashChecker, "verify", "--uri", restarted.uri("r0"), "--journal", journal]);
        assert.equal(verified.status, 0, `seed=${seed}: ${verified.stdout}${verified.stderr}`);
        assert.equal(JSON.parse(verified.stdout).acknowledged_writes, summary.acknowledged);
      } finally {
        await restarted.kill("SIGTERM");
      }
    });
  }

  test("the checker reports an acknowledged write that is missing (exit 1, block named)", async () => {
    const file = join(dir.path, "lost.img");
    const journal = join(dir.path, "lost.journal");
    const server = await startServeProcess(file, port, "r0", "8M");
    try {
      const uri = server.uri("r0");
      const written = await run(systemPython, [crashChecker, "write", "--uri", uri, "--journal", journal, "--count", "100", "--blocks", "100"]);
      assert.equal(JSON.parse(written.stdout).acknowledged, 100);
      const handle = await open(file, "r+");
      await handle.write(new Uint8Array(4096), 0, 4096, 42 * 4096); // lose block 42 behind the server's back
      await handle.close();
      const verified = await run(systemPython, [crashChecker, "verify", "--uri", uri, "--journal", journal]);
      assert.equal(verified.status, 1);
      const report = JSON.parse(verified.stdout);
      assert.deepEqual(report.missing, [{ block: 42, seq: 42, found: null }]);
    } finally {
      await server.kill("SIGTERM");
    }
  });
});
