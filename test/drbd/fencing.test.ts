import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasProgram, quorateBin, run, waitFor } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// Resource-level fencing with real daemons and a real fence-peer handler
// script. The handler outdates the peer over "another path" (the quorate CLI
// on the same machine, which writes the peer's metadata when its daemon is
// down) and exits 4, or fails with 1, as a file tells it.
const skip = hasProgram("qemu-io") ? false : "needs qemu-io (qemu-utils)";

describe("fencing resource-and-stonith with a fence-peer handler", { skip }, () => {
  let nodes: TwoNodes;
  let dir: string;
  const mode = (m: "outdate" | "fail", sleepS = 0) => writeFileSync(join(dir, "fence-mode"), `${m} ${sleepS}\n`);
  const calls = (node: NodeName) => (existsSync(join(dir, `fence-calls.${node}`)) ? readFileSync(join(dir, `fence-calls.${node}`), "utf8").split("\n").filter(Boolean).length : 0);
  const write = (node: NodeName, pattern: string, offset: string) => run("qemu-io", ["-f", "raw", "-c", `write -P ${pattern} ${offset} 64k`, nodes.uri(node)]);

  before(async () => {
    nodes = await TwoNodes.create("qd-fence-", {
      ipBlock: 9, backingMiB: 8,
      disk: "fencing resource-and-stonith;",
      startup: "wfc-timeout 20; outdated-wfc-timeout 1;",
      handlers: `fence-peer "${join("HANDLERS", "fence-peer.sh")}"; before-resync-target "echo before >> ${join("HANDLERS", "resync.$DRBD_MY_HOST")}"; unfence-peer "echo $DRBD_PEER >> ${join("HANDLERS", "unfenced.$DRBD_MY_HOST")}"; after-resync-target "echo after >> ${join("HANDLERS", "resync.$DRBD_MY_HOST")}";`,
    });
    dir = nodes.dir;
    // The handler paths are known only once the temp dir exists: patch them into the configuration.
    writeFileSync(nodes.config, readFileSync(nodes.config, "utf8").replaceAll("HANDLERS", dir));
    const script = join(dir, "fence-peer.sh");
    writeFileSync(script, `#!/bin/sh
env | grep '^DRBD_' | sort > "${dir}/fence-env.$DRBD_MY_HOST"
echo called >> "${dir}/fence-calls.$DRBD_MY_HOST"
read mode seconds < "${dir}/fence-mode"
sleep "$seconds"
[ "$mode" = outdate ] || exit 1
"${quorateBin}" drbd --config "$DRBD_CONF" --run-dir "${nodes.runDir}" --node "$DRBD_PEER" outdate "$DRBD_RESOURCE" && exit 4
exit 1
`);
    chmodSync(script, 0o755);
    mode("outdate");
    await nodes.startSynced();
  });
  after(async () => nodes?.dispose());

  test("the Primary loses its peer: I/O freezes while fence-peer outdates the (dead) peer's metadata, then goes on", async () => {
    mode("outdate", 5);
    await nodes.kill("beta");
    // The handler takes 5 s: long enough to see the freeze on a loaded machine.
    await waitFor("alpha to suspend I/O", async () => /^r0 role:Primary suspended:fencing\n/.test(await nodes.ok("alpha", "status", "r0")), 10_000, 50);
    let written = false;
    const writing = write("alpha", "0x31", "1M").then((result) => ((written = true), result));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(written, false, "a write waits while the handler runs");
    const result = await writing;
    assert.equal(result.status, 0, result.stderr);
    const s = await nodes.status("alpha");
    assert.equal(s.suspended, false);
    assert.equal(s["peer-fenced"], true, "alpha's metadata records the peer as fenced");
    const env = readFileSync(join(dir, "fence-env.alpha"), "utf8");
    for (const line of ["DRBD_RESOURCE=r0", "DRBD_PEER=beta", "DRBD_PEERS=beta", `DRBD_PEER_ADDRESS=${nodes.ip("beta")}`, "DRBD_PEER_AF=ipv4",
      "DRBD_MY_NODE_ID=0", "DRBD_PEER_NODE_ID=1", "DRBD_NODE_ID_1=beta", `DRBD_CONF=${nodes.config}`, "DRBD_MINOR=0", "DRBD_VOLUME=0"]) {
      assert.ok(env.split("\n").includes(line), `handler environment has ${line}:\n${env}`);
    }
  });

  test("the outdated peer refuses primary, wait-connect gives up after outdated-wfc-timeout, and a resync brings it back", async () => {
    await nodes.ok("alpha", "disconnect", "r0"); // keep beta apart for now
    await nodes.ok("beta", "up", "r0");
    assert.equal((await nodes.status("beta")).devices[0]!["disk-state"], "Outdated");
    const promote = await nodes.drbd("beta", "primary", "r0");
    assert.equal(promote.status, 1);
    assert.match(promote.stderr, /refusing to become Primary: local disk is Outdated/);
    const started = Date.now();
    const wait = await nodes.drbd("beta", "wait-connect", "r0");
    assert.equal(wait.status, 1);
    assert.match(wait.stderr, /not connected after outdated-wfc-timeout 1 s/);
    assert.ok(Date.now() - started < 15_000, "not the 20 s wfc-timeout");
    await nodes.ok("alpha", "connect", "r0");
    await nodes.waitInSync("beta");
    assert.equal((await nodes.status("beta"))["last-sync"]?.direction, "target");
    assert.equal((await nodes.status("alpha"))["peer-fenced"], false, "connected again: no longer fenced");
    await waitFor("unfence-peer on alpha", () => existsSync(join(dir, "unfenced.alpha")) && readFileSync(join(dir, "unfenced.alpha"), "utf8") === "beta\n");
    // The initial full sync ran them once already.
    await waitFor("resync handlers on beta", () => readFileSync(join(dir, "resync.beta"), "utf8") === "before\nafter\n".repeat(2));
  });

  test("a failing handler keeps I/O frozen until resume-io; a disconnected node's promotion needs a successful fencing", async () => {
    mode("fail");
    const before = calls("alpha");
    await nodes.ok("beta", "disconnect", "r0");
    await waitFor("the handler to run and fail", async () => calls("alpha") > before && (await nodes.status("alpha")).suspended === true, 10_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await nodes.status("alpha")).suspended, true, "still frozen after the failure");
    const writing = write("alpha", "0x32", "2M");
    await nodes.ok("alpha", "resume-io", "r0");
    const result = await writing;
    assert.equal(result.status, 0, result.stderr);

    const promote = await nodes.drbd("beta", "primary", "r0");
    assert.equal(promote.status, 1);
    assert.match(promote.stderr, /cannot become Primary without fencing alpha: fence-peer handler broken, exit code 1/);
    assert.ok(calls("beta") >= 1, "beta called its fence-peer handler before promoting");
    await nodes.ok("beta", "connect", "r0");
    await nodes.waitInSync("beta");
    const second = await nodes.drbd("beta", "primary", "r0");
    assert.equal(second.status, 1, "without allow-two-primaries a second Primary is refused");
    assert.match(second.stderr, /peer alpha is Primary and allow-two-primaries is off/);
  });
});
