import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseConfig, loadConfigFile } from "../../src/node/config/load.js";
import { formatDiagnostic } from "../../src/node/config/syntax.js";
import { fixture, quorateBin, tempDir } from "./helpers.js";

async function parseOk(name: string) {
  const loaded = await loadConfigFile(fixture(name));
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.errors.map(formatDiagnostic).join("\n"));
  return loaded.value;
}

function errorsOf(text: string): string[] {
  const loaded = parseConfig(text, "corosync.conf");
  assert.equal(loaded.ok, false, "expected the file to be rejected");
  return loaded.ok ? [] : loaded.error.errors.map(formatDiagnostic);
}

test("the classic 1.x tutorial file reads as multicast with secauth and 1.x timing defaults", async () => {
  const { config, warnings } = await parseOk("tutorial-1x.conf");
  assert.deepEqual(warnings, []);
  assert.equal(config.form, "1.x");
  assert.equal(config.transport, "udp");
  assert.equal(config.cipher, "aes256");
  assert.deepEqual(config.interfaces, [{ linknumber: 0, bindnetaddr: "192.168.1.0", mcastaddr: "226.94.1.1", port: 5405, ttl: 1, broadcast: false }]);
  assert.equal(config.timings.token, 1000);
  assert.equal(config.timings.consensus, 1200);
  assert.deepEqual(config.services, [{ name: "pacemaker", ver: 0 }]);
  assert.equal(config.logging.logfile, "/var/log/cluster/corosync.log");
});

test("the 3.x form: nodelist, two links, token_coefficient applied, votequorum options", async () => {
  const { config, warnings } = await parseOk("cluster-3x.conf");
  assert.deepEqual(warnings, []);
  assert.equal(config.transport, "knet");
  assert.equal(config.clusterName, "alpha");
  assert.equal(config.timings.token, 1000 + 650, "token + (3 - 2) * token_coefficient");
  assert.equal(config.timings.consensus, Math.floor(1.2 * 1650));
  assert.equal(config.timings.token_retransmit, Math.floor(1650 / 4.2));
  assert.deepEqual(config.nodes.map((n) => [n.nodeid, n.name, n.addrs[0], n.addrs[1], n.votes]), [
    [1, "alpha1", "127.0.1.1", "127.0.2.1", 1], [2, "alpha2", "127.0.1.2", "127.0.2.2", 1], [3, "alpha3", "127.0.1.3", "127.0.2.3", 2],
  ]);
  assert.deepEqual(config.interfaces.map((i) => [i.linknumber, i.port]), [[0, 15410], [1, 15411]]);
  assert.deepEqual(config.quorum, {
    provider: "corosync_votequorum", expectedVotes: 4, twoNode: false, waitForAll: true, lastManStanding: true,
    lastManStandingWindowMs: 20000, autoTieBreaker: true, autoTieBreakerNode: [3, 1], allowDownscale: false,
  });
});

test("udpu without nodeids derives them from the IPv4 address; two_node implies wait_for_all", async () => {
  const { config } = await parseOk("two-node.conf");
  assert.equal(config.transport, "udpu");
  assert.deepEqual(config.nodes.map((n) => n.nodeid), [0x7f000301, 0x7f000302]);
  assert.equal(config.quorum.twoNode, true);
  assert.equal(config.quorum.waitForAll, true);
  assert.equal(config.timings.token, 3000, "token_coefficient only applies from 3 nodes");
});

test("unknown keys and sections warn with file:line and do not stop the file", () => {
  const loaded = parseConfig("totem {\n version: 2\n tokn: 5000\n}\nfrobs {\n}\nnodelist {\n node {\n ring0_addr: 127.0.1.1\n nodeid: 1\n }\n}\n", "c.conf");
  assert.ok(loaded.ok);
  assert.deepEqual(loaded.value.warnings.map(formatDiagnostic), ["c.conf:3: unknown key totem.tokn (ignored)", "c.conf:5: unknown section frobs (ignored)"]);
});

test("syntax errors name the file and line", () => {
  assert.deepEqual(errorsOf("totem {\n  version: 2\n  token 3000\n}\n"), ['corosync.conf:3: expected "key: value", "section {" or "}" (got "token 3000")']);
  assert.deepEqual(errorsOf("totem {\n  version: 2\n"), ['corosync.conf:3: section "totem" opened at line 1 is never closed']);
  assert.deepEqual(errorsOf("}\n"), ["corosync.conf:1: '}' without a matching section"]);
  assert.deepEqual(errorsOf("totem { version: 2 }\n"), ['corosync.conf:1: invalid key name "totem { version"']);
});

test("bad values are errors with the key, the rule and the value", () => {
  const base = (totem: string) => `totem {\n version: 2\n${totem}\n}\nnodelist {\n node {\n ring0_addr: 127.0.1.1\n nodeid: 1\n }\n}\n`;
  assert.deepEqual(errorsOf(base(" token: 3.6s")), ['corosync.conf:3: totem.token must be an integer >= 1 (got "3.6s")']);
  assert.deepEqual(errorsOf(base(" secauth: maybe")), ['corosync.conf:3: totem.secauth must be yes/no, on/off or 1/0 (got "maybe")']);
  assert.deepEqual(errorsOf(base(" transport: tcp")), ['corosync.conf:3: totem.transport must be one of udp, udpu, knet (got "tcp")']);
  assert.match(errorsOf(base(" token: 3000\n consensus: 3000"))[0]!, /^corosync\.conf:4: totem\.consensus \(3000 ms\) must be at least 1\.2 \* token \(3000 ms\)/);
  assert.deepEqual(errorsOf(base(" crypto_cipher: aes256")), ["corosync.conf:3: totem.crypto_cipher needs crypto_hash as well (corosync refuses encryption without authentication)"]);
});

test("a nodelist with a repeated nodeid or address is rejected", () => {
  const text = "totem {\n version: 2\n}\nnodelist {\n node {\n  ring0_addr: 127.0.1.1\n  nodeid: 1\n }\n node {\n  ring0_addr: 127.0.1.1\n  nodeid: 1\n }\n}\n";
  assert.deepEqual(errorsOf(text), ["corosync.conf:9: nodeid 1 is used by two nodes", "corosync.conf:10: address 127.0.1.1 is used by two nodes on link 0"]);
});

test("quorate config check prints the effective configuration, or file:line errors and exit 1", async () => {
  const ok = spawnSync(quorateBin, ["config", "check", fixture("cluster-3x.conf")], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /effective token timeout: 1650 ms/);
  assert.match(ok.stdout, /^\s+token: 1000$/m);
  const json = spawnSync(quorateBin, ["config", "check", "--json", fixture("cluster-3x.conf")], { encoding: "utf8" });
  const parsed = JSON.parse(json.stdout) as { valid: boolean; config: { nodes: unknown[] } };
  assert.equal(parsed.valid, true);
  assert.equal(parsed.config.nodes.length, 3);
  const dir = await tempDir("conf");
  try {
    const bad = join(dir.path, "bad.conf");
    await writeFile(bad, (await readFile(fixture("cluster-3x.conf"), "utf8")).replace("token: 1000", "token: fast"));
    const run = spawnSync(quorateBin, ["config", "check", bad], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, new RegExp(`error: ${bad}:6: totem.token must be an integer >= 1 \\(got "fast"\\)`));
  } finally {
    await dir.remove();
  }
});

test("the effective configuration printed by config check reads back as the same configuration", async () => {
  const { renderEffective } = await import("../../src/node/config/render.js");
  for (const name of ["tutorial-1x.conf", "cluster-3x.conf", "two-node.conf"]) {
    const { config } = await parseOk(name);
    const again = parseConfig(renderEffective(config), "effective.conf");
    assert.ok(again.ok, again.ok ? "" : again.error.errors.map(formatDiagnostic).join("\n"));
    assert.deepEqual(again.value.warnings, []);
    const strip = ({ file: _file, form: _form, ...rest }: typeof config) => rest;
    assert.deepEqual(strip(again.value.config), strip(config), name);
  }
});
