import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalParameters, opDigest, parseAgentRef, parseDurationMs, parseMetadata } from "../../src/executor/index.js";
import { lsbToOcf, fenceToOcf } from "../../src/executor/core/codes.js";
import { lsbMetadataXml } from "../../src/executor/core/lsb-metadata.js";

test("agent names parse as crmsh writes them, and unsafe names are refused", () => {
  assert.deepEqual(parseAgentRef("ocf:heartbeat:IPaddr2"), { ok: true, value: { class: "ocf", provider: "heartbeat", type: "IPaddr2" } });
  assert.deepEqual(parseAgentRef("stonith:fence_dummy"), { ok: true, value: { class: "stonith", type: "fence_dummy" } });
  assert.match(String(!parseAgentRef("ocf:Dummy").ok && "x"), /x/);
  const bad = ["ocf:heartbeat", "lsb:../../bin/sh", "ocf:..:x:y", "nope:x", "ocf:heartbeat:../x"];
  for (const text of bad) assert.equal(parseAgentRef(text).ok, false, text);
});

test("the canonical parameter form sorts names, escapes values and leaves meta attributes out", () => {
  assert.equal(canonicalParameters({}), " <parameters/>\n");
  assert.equal(
    canonicalParameters({ b: 'x"<&>', a: "1", CRM_meta_timeout: "20000", c: "l1\nl2" }),
    ' <parameters a="1" b="x&quot;&lt;&amp;&gt;" c="l1&#10;l2"/>\n',
  );
});

test("the op-digest of an empty parameter set is the one Pacemaker records for it", () => {
  // The most frequent op-digest in Pacemaker's scheduler regression inputs, on
  // every resource without instance attributes, whatever the feature set.
  assert.equal(opDigest({}), "f2317cad3d54cec5d7d7aa7d0bf35cf8");
});

test("LSB status codes map as Pacemaker maps them: 0 running, 1–3 not running, others an error", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 150].map((code) => lsbToOcf("status", code)), [0, 7, 7, 7, 1, 1]);
  assert.deepEqual([0, 1, 5, 6, 7, 8].map((code) => lsbToOcf("start", code)), [0, 1, 5, 6, 7, 1]);
  assert.deepEqual([0, 2, 1].map((code) => fenceToOcf("status", code)), [0, 7, 1]);
  assert.equal(fenceToOcf("off", 2), 1);
});

test("durations read like Pacemaker's: bare seconds, s, ms, min, h", () => {
  assert.deepEqual(["20", "20s", "500ms", "2min", "1h", "1.5s"].map((t) => parseDurationMs(t)), [20000, 20000, 500, 120000, 3600000, 1500].map((value) => ({ ok: true, value })));
  assert.equal(parseDurationMs("soon").ok, false);
});

test("meta-data parses into parameters and actions with defaults, required and unique flags", () => {
  const xml = `<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="X" version="0.9">
  <version>1.1</version>
  <longdesc lang="en">Long &amp; <![CDATA[raw <text>]]></longdesc>
  <shortdesc lang="de">Kurz</shortdesc><shortdesc lang="en">Short</shortdesc>
  <parameters>
    <parameter name="ip" required="1" unique="1"><shortdesc>IP</shortdesc><content type="string"/></parameter>
    <parameter name="n"><content type="integer" default="3"/></parameter>
  </parameters>
  <actions><action name="monitor" depth="0" timeout="20s" interval="10s"/><action name="start" timeout="1min"/></actions>
</resource-agent>`;
  const parsed = parseMetadata(xml);
  assert.ok(parsed.ok);
  const md = parsed.value;
  assert.equal(md.shortdesc, "Short");
  assert.equal(md.longdesc, "Long & raw <text>");
  assert.deepEqual(md.parameters.map((p) => [p.name, p.required, p.unique, p.type, p.default]), [["ip", true, true, "string", undefined], ["n", false, false, "integer", "3"]]);
  assert.deepEqual(md.actions.map((a) => [a.name, a.timeoutMs, a.intervalMs, a.depth]), [["monitor", 20000, 10000, 0], ["start", 60000, undefined, undefined]]);
  assert.deepEqual(Object.keys(md.actions[0]!.attributes), ["name", "depth", "timeout", "interval"], "attribute order is kept for display");
});

test("invalid meta-data is an error naming line and column", () => {
  const cases: Array<[string, RegExp]> = [
    ["<resource-agent name='x'>\n  <parameters>\n</resource-agent>", /meta-data:3:1: end tag <\/resource-agent> does not match <parameters> opened at 2:3/],
    ["this is not xml", /meta-data:1:1: text before the root element/],
    ["<resource-agent a='1' a='2'/>", /meta-data:1:23: duplicate attribute 'a'/],
    ["<other/>", /root element is <other>/],
    ["<resource-agent><actions><action timeout='20s'/></actions></resource-agent>", /an <action> has no name/],
    ["<resource-agent>&bogus;</resource-agent>", /unknown entity/],
  ];
  for (const [xml, message] of cases) {
    const parsed = parseMetadata(xml);
    assert.ok(!parsed.ok, xml);
    assert.match(parsed.error, message);
  }
});

test("init scripts are described from their LSB header", () => {
  const script = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: x\n# Short-Description: Does X\n# Description: Does X\n#  and more.\n### END INIT INFO\n";
  const parsed = parseMetadata(lsbMetadataXml("x", script));
  assert.ok(parsed.ok);
  assert.equal(parsed.value.shortdesc, "Does X");
  assert.equal(parsed.value.longdesc, "Does X and more.");
  assert.ok(parsed.value.actions.some((a) => a.name === "monitor" && a.intervalMs === 15000));
});
