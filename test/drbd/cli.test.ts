import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, quorateBin } from "../nbd/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "qd-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const conf = join(dir, "drbd.conf");
const good = `resource r0 {
  on alpha { device /dev/drbd0; disk ${dir}/a.img; address 127.0.20.11:16500; meta-disk internal; }
  on beta { device /dev/drbd0; disk ${dir}/b.img; address 127.0.20.12:16500; meta-disk internal; }
}
`;

test("quorate drbdadm dump prints the parsed configuration for the chosen node", async () => {
  writeFileSync(conf, good);
  const dump = await run(quorateBin, ["drbdadm", "--config", conf, "--node", "beta", "dump", "r0"]);
  assert.equal(dump.status, 0, dump.stderr);
  assert.match(dump.stdout, /# resource r0 on beta: not ignored, not stacked\n# defined at .*drbd\.conf:1\nresource r0 \{\n    on alpha \{\n        device \/dev\/drbd0 minor 0;/);
  assert.match(dump.stdout, /nbd-address 127\.0\.0\.1:10809;/);
});

test("a syntax error names file:line and nothing starts", async () => {
  writeFileSync(conf, good.replace("meta-disk internal; }\n  on beta", "meta-disk internal }\n  on beta"));
  const up = await run(quorateBin, ["drbd", "--config", conf, "--node", "alpha", "--run-dir", join(dir, "run"), "up", "r0"]);
  assert.equal(up.status, 1);
  assert.match(up.stderr, /drbd\.conf:2: statement 'meta-disk internal' is missing ';'/);
  const status = await run(quorateBin, ["drbd", "--node", "alpha", "--run-dir", join(dir, "run"), "status"]);
  assert.equal(status.stdout, "", "no daemon was started");
});

test("VERB all acts on each resource with a section for the node; a node with none is told so", async () => {
  writeFileSync(conf, good);
  writeFileSync(join(dir, "a.img"), "");
  truncateSync(join(dir, "a.img"), 8 * 1024 * 1024);
  const created = await run(quorateBin, ["drbdadm", "--config", conf, "--node", "alpha", "create-md", "all"]);
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /successfully created/);
  const none = await run(quorateBin, ["drbdadm", "--config", conf, "--node", "gamma", "--run-dir", join(dir, "run-all"), "up", "all"]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no resource in .*drbd\.conf has an 'on gamma' section/);
});

test("usage errors exit 2 and name the problem", async () => {
  const noResource = await run(quorateBin, ["drbd", "primary"]);
  assert.equal(noResource.status, 2);
  assert.match(noResource.stderr, /primary needs a resource name/);
  const unknown = await run(quorateBin, ["drbd", "frob", "r0"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown verb 'frob'/);
});

test("up fails cleanly when the NBD address is taken: no half-started resource, no daemon left", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.20.13", resolve));
  after(() => blocker.close());
  const port = (blocker.address() as AddressInfo).port;
  const runDir = join(dir, "run-busy");
  writeFileSync(join(dir, "busy.img"), "");
  truncateSync(join(dir, "busy.img"), 8 * 1024 * 1024);
  writeFileSync(conf, `resource r0 {
  on alpha { device /dev/drbd0; disk ${dir}/busy.img; address 127.0.20.13:16502; meta-disk internal; nbd-address 127.0.20.13:${port}; }
  on beta { device /dev/drbd0; disk ${dir}/b.img; address 127.0.20.14:16502; meta-disk internal; }
}
`);
  const args = ["drbd", "--config", conf, "--node", "alpha", "--run-dir", runDir];
  const created = await run(quorateBin, [...args, "create-md", "r0"]);
  assert.equal(created.status, 0, created.stderr);
  const up = await run(quorateBin, [...args, "up", "r0"]);
  assert.equal(up.status, 1);
  assert.match(up.stderr, /r0: cannot serve NBD on 127\.0\.20\.13:\d+: .*EADDRINUSE/);
  const status = await run(quorateBin, [...args, "status"]);
  assert.equal(status.stdout, "", "the resource is not running");
  const deadline = Date.now() + 5_000;
  while (existsSync(join(runDir, "drbd-alpha.pid")) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(!existsSync(join(runDir, "drbd-alpha.pid")), "the daemon went away with its only resource");
});
