import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseConfigText, selectHost } from "../../src/drbd/config/load.js";
import { dumpConfig } from "../../src/drbd/config/dump.js";
import { changesNeedingRestart, runtimeChanges } from "../../src/drbd/config/adjust.js";

const dir = mkdtempSync(join(tmpdir(), "qd-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const GLOBAL_COMMON = `global { usage-count no; }
common {
  handlers { split-brain "/usr/lib/drbd/notify-split-brain.sh root"; }
  startup { wfc-timeout 15; degr-wfc-timeout 60; }
  disk { on-io-error detach; resync-rate 40M; }
  net {
    protocol C;
    cram-hmac-alg sha256;
    shared-secret "FooFunFactory";
    after-sb-0pri discard-zero-changes;
    after-sb-1pri discard-secondary;
    after-sb-2pri disconnect;
  }
}
`;

const R0 = `resource r0 {
  net { protocol A; }
  on alpha {
    device /dev/drbd1;
    disk /var/lib/alpha.img;
    address 127.0.20.1:7789;
    meta-disk internal;
    nbd-address 127.0.20.1:16600;
  }
  on beta {
    device /dev/drbd1 minor 1;
    disk /var/lib/beta.img;
    address ipv4 127.0.20.2:7789;
    meta-disk /var/lib/beta.md;
  }
}
`;

test("drbd.conf with includes: common settings apply, a resource overrides them, hosts are chosen by name", () => {
  mkdirSync(join(dir, "drbd.d"), { recursive: true });
  writeFileSync(join(dir, "drbd.conf"), 'include "drbd.d/global_common.conf";\ninclude "drbd.d/*.res";\n');
  writeFileSync(join(dir, "drbd.d", "global_common.conf"), GLOBAL_COMMON);
  writeFileSync(join(dir, "drbd.d", "r0.res"), R0);
  writeFileSync(join(dir, "drbd.d", "r1.res"), R0.replace("resource r0", "resource r1").replaceAll("drbd1", "drbd2").replace("minor 1", "minor 2"));
  const loaded = loadConfig(join(dir, "drbd.conf"));
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.error);
  const config = loaded.value;
  assert.deepEqual(config.resources.map((r) => r.name), ["r0", "r1"]);
  const r0 = config.resources[0]!;
  assert.equal(r0.net.protocol, "A", "the resource's own net section wins");
  assert.equal(r0.net.cramHmacAlg, "sha256");
  assert.equal(r0.net.sharedSecret, "FooFunFactory");
  assert.equal(r0.net.afterSb0pri, "discard-zero-changes");
  assert.equal(r0.disk.resyncRateBytesPerSec, 40 * 1024 * 1024);
  assert.equal(r0.startup.wfcTimeoutS, 15);
  assert.equal(r0.handlers["split-brain"], "/usr/lib/drbd/notify-split-brain.sh root");
  const alpha = selectHost(r0, "alpha");
  assert.ok(alpha.ok);
  assert.equal(alpha.value.local.minor, 1);
  assert.deepEqual(alpha.value.local.nbdAddress, { host: "127.0.20.1", port: 16600 });
  assert.deepEqual(alpha.value.peer.address, { host: "127.0.20.2", port: 7789 });
  assert.deepEqual(alpha.value.peer.nbdAddress, { host: "127.0.0.1", port: 10810 }, "default nbd-address is 10809 + minor");
  assert.equal(alpha.value.peer.metaDisk, "/var/lib/beta.md");
  const gamma = selectHost(r0, "gamma");
  assert.ok(!gamma.ok && /r0.res:1: resource r0 has no 'on gamma' section/.test(gamma.error));
});

test("dump prints a configuration that parses back to the same resources", () => {
  const config = parseConfigText(GLOBAL_COMMON + R0, "drbd.conf");
  assert.ok(config.ok);
  const text = dumpConfig(config.value, "alpha");
  assert.match(text, /# resource r0 on alpha: not ignored, not stacked/);
  assert.match(dumpConfig(config.value, "gamma"), /# resource r0 on gamma: ignored, not stacked/, "a node without an 'on' section is not concerned");
  assert.doesNotMatch(text, /local-device/, "the default (auto) is not spelled out");
  const loop = parseConfigText(GLOBAL_COMMON + R0.replace("resource r0 {", "resource r0 {\n  local-device loop;"), "drbd.conf");
  assert.ok(loop.ok, loop.ok ? "" : loop.error);
  assert.deepEqual(loop.value.resources[0]!.hosts.map((h) => h.localDevice), ["loop", "loop"], "a resource-level statement applies to every host");
  assert.match(dumpConfig(loop.value, "alpha"), /        local-device loop;/);
  assert.match(text, /shared-secret FooFunFactory;/);
  const again = parseConfigText(text, "dump");
  assert.ok(again.ok, again.ok ? "" : again.error);
  assert.deepEqual(again.value.resources.map((r) => [r.name, r.net, r.disk, r.hosts.map((h) => [h.name, h.address, h.nbdAddress, h.metaDisk])]),
    config.value.resources.map((r) => [r.name, r.net, r.disk, r.hosts.map((h) => [h.name, h.address, h.nbdAddress, h.metaDisk])]));
});

test("syntax and value errors name file:line and yield no configuration", () => {
  const cases: Array<[string, RegExp]> = [
    ["resource r0 {\n  on alpha {\n    device /dev/drbd0\n  }\n}\n", /^x\.conf:3: statement 'device \/dev\/drbd0' is missing ';'/],
    ["common {\n  net { protocol D; }\n}\n", /^x\.conf:2: protocol must be one of A, B, C \(got "D"\)/],
    ["resource r0 {\n", /^x\.conf:1: missing '}'/],
    ["}\n", /^x\.conf:1: unexpected '}'/],
    ["common { net { after-sb-1pri maybe; } }\n", /after-sb-1pri must be one of disconnect, consensus/],
    ["common { net { cram-hmac-alg sha1; } }\n" + R0, /cram-hmac-alg needs a shared-secret/],
    [R0.replace("127.0.20.1:7789", "127.0.20.1"), /^x\.conf:6: address must be IPv4:PORT/],
    ['resource r0 { on alpha { } }\n', /^x\.conf:1: on alpha: missing 'device'/],
    ['common { disk { resync-rate fast; } }\n' + R0, /resync-rate must be a number/],
    ["common {\n  net { protocol A;\n    allow-two-primaries yes; }\n}\n" + R0, /^x\.conf:3: resource common: allow-two-primaries needs protocol C/],
    [R0.replace("nbd-address 127.0.20.1:16600;", "nbd-address 127.0.20.1:16600; nbd-tls require;"), /^x\.conf:8: on alpha: nbd-tls require needs 'nbd-tls-certificates DIR'/],
    ["common { disk { fencing sometimes; } }\n" + R0, /fencing must be one of dont-care, resource-only, resource-and-stonith/],
    [R0.replace("nbd-address 127.0.20.1:16600;", "nbd-address 127.0.20.1:16600; local-device fuse;"), /^x\.conf:8: local-device must be auto, nbd, loop, none \(got "fuse"\)/],
    ["common {\n  net { verify-alg whirlpool; }\n}\n" + R0, /^x\.conf:2: verify-alg must be one of md5, sha1, sha256, sha512, crc32c/],
  ];
  for (const [text, expected] of cases) {
    const result = parseConfigText(text, "x.conf");
    assert.ok(!result.ok, `accepted: ${text}`);
    assert.match(result.error, expected);
  }
});

test("the dynamic resync controller's settings default, and are bounded, as in DRBD (drbd.conf(5), drbdsetup show --show-defaults)", () => {
  const defaults = parseConfigText(R0, "d.conf");
  assert.ok(defaults.ok);
  assert.deepEqual(defaults.value.resources[0]!.disk.rateController, {
    planAheadMs: 2000, fillTargetBytes: 100 * 512, delayTargetMs: 1000, maxRateBytesPerSec: 100 * 1024 * 1024, minRateBytesPerSec: 250 * 1024,
  }, "c-plan-ahead 20, c-fill-target 100 sectors, c-delay-target 10, c-max-rate 100M, c-min-rate 250K");
  const set = parseConfigText("common { disk { c-plan-ahead 10; c-fill-target 2M; c-delay-target 5; c-max-rate 4096; c-min-rate 0; } }\n" + R0, "s.conf");
  assert.ok(set.ok);
  assert.deepEqual(set.value.resources[0]!.disk.rateController, {
    planAheadMs: 1000, fillTargetBytes: 2 * 1024 * 1024, delayTargetMs: 500, maxRateBytesPerSec: 4096 * 1024, minRateBytesPerSec: 0,
  });
  const outOfRange: Array<[string, RegExp]> = [
    ["c-plan-ahead 301", /^r\.conf:1: c-plan-ahead must be at most 300 \(got 301\)/],
    ["c-delay-target 0", /^r\.conf:1: c-delay-target must be an integer >= 1 \(got "0"\)/],
    ["c-fill-target 600M", /^r\.conf:1: c-fill-target must be between 0 and 1048576 sectors \(512M\) \(got "600M"\)/],
    ["c-max-rate 0", /^r\.conf:1: c-max-rate must be between 250K and 4G \(got "0"\)/],
    ["c-min-rate 5G", /^r\.conf:1: c-min-rate must be between 0 and 4G \(got "5G"\)/],
  ];
  for (const [statement, expected] of outOfRange) {
    const result = parseConfigText(`common { disk { ${statement}; } }\n` + R0, "r.conf");
    assert.ok(!result.ok, `accepted: ${statement}`);
    assert.match(result.error, expected);
  }
});

test("csums-alg (net, or DRBD 8.3's syncer) and data-integrity-alg take DRBD's hash names; others name file:line", () => {
  const parsed = parseConfigText("common {\n  syncer { csums-alg md5; }\n  net { data-integrity-alg crc32c; }\n}\n" + R0, "a.conf");
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.error);
  assert.equal(parsed.value.resources[0]!.net.csumsAlg, "md5");
  assert.equal(parsed.value.resources[0]!.net.dataIntegrityAlg, "crc32c");
  assert.deepEqual(parsed.value.warnings, []);
  const none = parseConfigText(R0, "a.conf");
  assert.ok(none.ok && none.value.resources[0]!.net.csumsAlg === undefined && none.value.resources[0]!.net.dataIntegrityAlg === undefined);
  for (const [statement, key] of [["csums-alg sha3", "csums-alg"], ["data-integrity-alg crc99", "data-integrity-alg"]] as const) {
    const result = parseConfigText(`common {\n  net {\n    ${statement}; }\n}\n` + R0, "b.conf");
    assert.ok(!result.ok, `accepted: ${statement}`);
    assert.match(result.error, new RegExp(`^b\\.conf:3: ${key} must be one of md5, sha1, sha256, sha512, crc32c \\(got "${statement.split(" ")[1]}"\\)`));
  }
});

test("unknown keywords warn with file:line but do not fail", () => {
  const result = parseConfigText("common { net { frobnicate 3; } }\n" + R0, "y.conf");
  assert.ok(result.ok);
  assert.deepEqual(result.value.warnings, ["y.conf:1: unknown keyword 'frobnicate' in net (kept, ignored)"]);
});

test("a missing include names the including line", () => {
  writeFileSync(join(dir, "bad.conf"), '\ninclude "nowhere.conf";\n');
  const result = loadConfig(join(dir, "bad.conf"));
  assert.ok(!result.ok && /bad\.conf:2: include .*nowhere\.conf: cannot read \(ENOENT\)/.test(result.error), result.ok ? "" : result.error);
});

test("adjust: the resync rate, its controller and on-io-error may change at run time; protocol, secrets and addresses need down/up", () => {
  const local = (text: string) => {
    const parsed = parseConfigText(GLOBAL_COMMON + text, "drbd.conf");
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.error);
    const chosen = selectHost(parsed.value.resources[0]!, "alpha");
    assert.ok(chosen.ok);
    return chosen.value;
  };
  const running = local(R0);
  const tuned = local(R0.replace("net { protocol A; }", "net { protocol A; }\n  disk { resync-rate 10M; c-max-rate 20M; on-io-error pass_on; }"));
  assert.deepEqual(changesNeedingRestart(running, tuned), []);
  assert.deepEqual(runtimeChanges(running, tuned), ["disk on-io-error", "disk resync-rate", "disk c-* (resync controller)"]);
  const moved = local(R0.replace("protocol A;", "protocol C; shared-secret other;").replace("nbd-address 127.0.20.1:16600;", "nbd-address 127.0.20.1:16601;"));
  assert.deepEqual(changesNeedingRestart(running, moved), ["net protocol", "net shared-secret", "on alpha nbd-address"]);
  assert.deepEqual(changesNeedingRestart(running, local(R0.replace("disk /var/lib/beta.img;", "disk /var/lib/other.img;"))), ["on beta disk"]);
  const digests = local(R0.replace("net { protocol A; }", "net { protocol A; csums-alg md5; data-integrity-alg sha1; }"));
  assert.deepEqual(changesNeedingRestart(running, digests), ["net csums-alg", "net data-integrity-alg"], "both nodes must agree on them: set at connect");
});
