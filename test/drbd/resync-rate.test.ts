import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { hasProgram, run } from "../nbd/helpers.js";
import { TwoNodes } from "./nodes.js";

// Real daemons: the initial full sync of ~8 MiB under the dynamic controller
// with c-max-rate 2M must take about 4 s (resync-rate 400M is only where the
// controller starts), and status reports a speed near c-max-rate.
let nodes: TwoNodes;
before(async () => {
  nodes = await TwoNodes.create("qd-rate-", { ipBlock: 10, backingMiB: 8, disk: "c-plan-ahead 10; c-max-rate 2M; c-min-rate 0;" });
});
after(() => nodes?.dispose());

test("a full sync honours c-max-rate", async () => {
  for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "create-md", "r0");
  for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "up", "r0");
  await nodes.waitConnected("alpha");
  const started = Date.now();
  await nodes.ok("alpha", "primary", "--force", "r0");
  const speeds: number[] = [];
  while (true) {
    const s = await nodes.status("alpha");
    const peer = s.connections[0]!.peer_devices[0]! as { "replication-state": string; "sync-speed-kib"?: number; "percent-in-sync"?: number };
    if (peer["replication-state"] === "Established") break;
    // Well past the first burst (the budget saved up before the resync started, 1 MiB at most): at 40%
    // the burst alone lifts the average since the start to ~1.45x c-max-rate, and a loaded machine's late tick more.
    if (peer["sync-speed-kib"] !== undefined && (peer["percent-in-sync"] ?? 0) >= 60) speeds.push(peer["sync-speed-kib"]);
    assert.ok(Date.now() - started < 30_000, "the resync ends");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  const megabytes = (await nodes.status("beta")).devices[0]!.size / 1024;
  assert.ok(seconds >= (0.8 * megabytes) / 2, `${megabytes.toFixed(1)} MiB at 2 MiB/s took only ${seconds} s`);
  // Progress averages since the start, which includes a first burst of up to 1 MiB.
  assert.ok(speeds.length > 0 && speeds.every((kib) => kib < 1.5 * 2048), `speeds reported: ${speeds.join(", ")} KiB/s`);
  assert.ok(seconds < 20, `${seconds} s: the controller reached c-max-rate instead of crawling`);
  await nodes.waitInSync("beta");
});

test("adjust applies a new c-max-rate to the running resource; a change that needs down/up is refused and changes nothing", async () => {
  const { readFileSync, writeFileSync } = await import("node:fs");
  const original = readFileSync(nodes.config, "utf8");
  writeFileSync(nodes.config, original.replace("protocol C;", "protocol A;"));
  const refused = await nodes.drbd("alpha", "adjust", "r0");
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /adjust cannot change net protocol of a running resource \(down, then up\)/);

  writeFileSync(nodes.config, original.replace("c-max-rate 2M;", "c-max-rate 400M;"));
  for (const node of ["alpha", "beta"] as const) {
    const adjusted = await nodes.drbd(node, "adjust", "r0");
    assert.equal(adjusted.status, 0, adjusted.stderr);
    assert.match(adjusted.stderr, /r0: adjusted disk c-\* \(resync controller\)/);
  }
  // A full resync of the ~8 MiB that took about 4 s at 2M/s now runs at the new ceiling.
  const started = Date.now();
  await nodes.ok("beta", "invalidate", "r0");
  await nodes.waitInSync("beta");
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 2, `the resync after adjust took ${seconds} s`);
  assert.deepEqual(((await nodes.status("beta"))["last-sync"] ?? {}).full, true);
});

test("csums-alg: invalidate of identical data sends digests, not the data; online verify then finds nothing", async () => {
  const { readFileSync, writeFileSync } = await import("node:fs");
  const { open } = await import("node:fs/promises");
  const { randomBytes } = await import("node:crypto");
  for (const node of ["beta", "alpha"] as const) await nodes.ok(node, "down", "r0");
  // The same 4 MiB of random bytes on both disks: a plain resync would copy them all.
  const bytes = randomBytes(4 * 1024 * 1024);
  for (const node of ["alpha", "beta"] as const) {
    const handle = await open(nodes.backingPath(node), "r+");
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.close();
  }
  writeFileSync(nodes.config, readFileSync(nodes.config, "utf8").replace("connect-int 1;", "connect-int 1; csums-alg sha256; data-integrity-alg crc32c;"));
  for (const node of ["alpha", "beta"] as const) await nodes.ok(node, "up", "r0");
  await nodes.waitInSync("beta");
  const sentKiB = async () => (await nodes.status("alpha")).connections[0]!.peer_devices[0]!.sent;
  const before = await sentKiB();
  await nodes.ok("beta", "invalidate", "r0");
  await nodes.waitInSync("beta");
  const status = await nodes.status("beta");
  const blocks = status.devices[0]!.size / 4;
  assert.deepEqual(status["last-sync"], { direction: "target", full: true, blocks, identical: blocks });
  const sent = (await sentKiB()) - before;
  assert.ok(sent < status.devices[0]!.size / 20, `alpha sent ${sent} KiB for a ${status.devices[0]!.size} KiB device`);
  assert.match(nodes.log("alpha"), new RegExp(`resync done \\(.*; ${blocks} blocks identical by sha256 checksum, not sent\\)`));
  assert.equal(await nodes.verify("alpha"), 0);
});

test("data-integrity-alg: writes through the Primary's export carry digests the peer checks; the copies stay identical", { skip: hasProgram("qemu-io") ? false : "needs qemu-io (qemu-utils)" }, async () => {
  await nodes.ok("alpha", "primary", "r0");
  const write = await run("qemu-io", ["-f", "raw", "-c", "write -P 0x3c 1M 1M", "-c", "write -P 0x3d 3000 5000", `nbd://${nodes.ip("alpha")}:16501/r0`]);
  assert.equal(write.status, 0, write.stderr);
  assert.doesNotMatch(nodes.log("beta"), /Digest integrity check FAILED/);
  assert.equal((await nodes.status("alpha")).connections[0]!["connection-state"], "Connected");
  assert.equal(await nodes.verify("alpha"), 0);
  await nodes.ok("alpha", "secondary", "r0");
});
