import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasProgram, hasPythonNbd, run, systemPython } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// allow-two-primaries with real daemons and real clients. fio writes random
// data to the same 64 KiB on both Primaries at once (queue depth 16, writes of
// 4-16 KiB); then libnbd clients write each block once from both sides at the
// same moment, so the last write of every block is a crossing one. Afterwards
// both copies are equal (online verify, and both exports read back byte for byte).
const skip = ["fio", "nbdcopy"].every(hasProgram) && (await hasPythonNbd()) ? false : "needs fio (with its nbd engine), nbdcopy (libnbd-bin) and python3-libnbd";

/** Two threads, one client each, write 8 KiB at block i (so neighbours overlap too) in lock step. */
const CROSSING_WRITES = `
import nbd, sys, threading
uris, rounds = sys.argv[1:3], int(sys.argv[3])
barrier = threading.Barrier(2)
def writer(k):
    h = nbd.NBD()
    h.connect_uri(uris[k])
    for i in range(rounds):
        barrier.wait()
        h.pwrite(bytes([(0xa0 if k == 0 else 0xb0) + i % 16]) * 8192, i * 4096)
    h.shutdown()
threads = [threading.Thread(target=writer, args=(k,)) for k in (0, 1)]
for t in threads: t.start()
for t in threads: t.join()
`;

describe("allow-two-primaries", { skip }, () => {
  let nodes: TwoNodes;
  before(async () => {
    nodes = await TwoNodes.create("qd-2pri-", { ipBlock: 8, backingMiB: 8, net: "allow-two-primaries yes;" });
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  const fio = (node: NodeName, seed: number) => run("fio", [
    "--name=crossing", "--ioengine=nbd", `--uri=${nodes.uri(node)}`, "--rw=randwrite", "--bsrange=4k-16k", "--blockalign=4k",
    "--size=64k", "--iodepth=16", "--time_based", "--runtime=3", "--refill_buffers", `--randseed=${seed}`, "--norandommap",
  ], { timeoutMs: 60_000 });

  test("both nodes become Primary; concurrent overlapping writes leave identical copies", async () => {
    await nodes.ok("beta", "primary", "r0");
    for (const node of ["alpha", "beta"] as const) assert.equal((await nodes.status(node)).role, "Primary");
    assert.match(await nodes.ok("alpha", "status", "r0"), /beta role:Primary/);
    const [a, b] = await Promise.all([fio("alpha", 11), fio("beta", 22)]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    const crossing = await run(systemPython, ["-c", CROSSING_WRITES, nodes.uri("alpha"), nodes.uri("beta"), "300"], { timeoutMs: 60_000 });
    assert.equal(crossing.status, 0, crossing.stderr);
    assert.ok((await nodes.status("beta"))["write-conflicts"] > 0, "the writes crossed on the wire at least once");
    assert.equal(await nodes.verify("alpha"), 0);

    const copies = await Promise.all((["alpha", "beta"] as const).map(async (node) => {
      const out = join(nodes.dir, `${node}.read`);
      const copy = await run("nbdcopy", [nodes.uri(node), out]);
      assert.equal(copy.status, 0, copy.stderr);
      return readFileSync(out);
    }));
    assert.ok(copies[0]!.equals(copies[1]!), "both exports read the same bytes");
    assert.ok(copies[0]!.subarray(0, 64 * 1024).some((byte) => byte !== 0), "fio's data is there");
  });
});
