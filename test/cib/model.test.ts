import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import {
  loadCib, parseXml, formatCibError, resolveNvSets, resourcesById, primitives, nodeAttributes, INFINITY_SCORE, MINUS_INFINITY_SCORE,
  walk, cloneElement, type XmlElement, type Clone, type Group, type Primitive, type CibLocationConstraint as LocationConstraint, type CibColocationConstraint as ColocationConstraint, type CibOrderConstraint as OrderConstraint,
} from "../../src/cib/index.js";
import { corpusFiles, schedulerCorpus } from "./corpus.js";
import { seededRng } from "../../src/lib/rng.js";
import { loaded, parsedRoot, RICH_CIB } from "./fixtures.js";

test("header: epochs, quorum, DC, execution-date and validate-with", () => {
  const { header } = loaded(RICH_CIB);
  assert.deepEqual([header.adminEpoch, header.epoch, header.numUpdates], [1, 7, 3]);
  assert.equal(header.validateWith, "pacemaker-3.7");
  assert.equal(header.haveQuorum, true);
  assert.equal(header.dcUuid, "1");
  assert.equal(header.executionDate, 1700000000);
});

test("resources: primitives, template inheritance, groups, clones, promotable clones", () => {
  const cib = loaded(RICH_CIB);
  const byId = resourcesById(cib.configuration);
  const ip = byId.get("ip") as Primitive;
  assert.deepEqual(ip.agent, { class: "ocf", provider: "heartbeat", type: "IPaddr2" });
  assert.equal(resolveNvSets(ip.instance).get("ip"), "10.0.0.88");
  const monitor = ip.operations[0]!;
  assert.deepEqual([monitor.name, monitor.intervalMs, monitor.timeoutMs, monitor.attrs.get("on-fail")], ["monitor", 30_000, 20_000, "restart"]);
  assert.equal(resolveNvSets(monitor.meta).get("record-pending"), "true");
  assert.equal(ip.operations[1]!.timeoutMs, 60_000);
  const web = byId.get("web") as Primitive;
  assert.equal(web.template, "web-template");
  assert.deepEqual(web.agent, { class: "ocf", provider: "heartbeat", type: "apache" });
  assert.deepEqual(web.operations.map((op) => `${op.id}:${op.intervalMs}`), ["web-monitor:10000", "web-template-monitor:20000"]);
  const group = byId.get("g") as Group;
  assert.deepEqual(group.children.map((child) => [child.id, child.parent]), [["fs", "g"], ["db", "g"]]);
  assert.equal((byId.get("db") as Primitive).agent.provider, undefined);
  assert.equal((byId.get("ping-clone") as Clone).promotable, false);
  const drbd = byId.get("drbd-clone") as Clone;
  assert.equal(drbd.promotable, true);
  assert.deepEqual((drbd.child as Primitive).operations.map((op) => op.role), ["Promoted", "Unpromoted"]);
  assert.deepEqual(primitives(cib.configuration).map((p) => p.id), ["ip", "web", "fs", "db", "ping", "drbd", "fence1"]);
});

test("legacy <master> and Master/Slave roles load as promotable / Promoted / Unpromoted", () => {
  const cib = loaded(`<cib validate-with="pacemaker-1.2"><configuration><crm_config/><nodes><node id="n1" uname="n1" type="normal"/></nodes>
    <resources><master id="ms"><primitive id="s" class="ocf" provider="pacemaker" type="Stateful"/></master></resources>
    <constraints><rsc_colocation id="c" rsc="s" rsc-role="Master" with-rsc="ms" with-rsc-role="Slave" score="INFINITY"/></constraints>
    </configuration><status/></cib>`);
  const ms = cib.configuration.resources[0] as Clone;
  assert.deepEqual([ms.kind, ms.promotable, ms.legacyMaster], ["clone", true, true]);
  assert.equal(cib.configuration.nodes[0]!.type, "member");
  const colocation = cib.configuration.constraints[0] as ColocationConstraint;
  assert.deepEqual([colocation.rscRole, colocation.withRscRole], ["Promoted", "Unpromoted"]);
});

test("constraints: location forms, colocation with roles and sets, order kinds, tickets, tags expanded", () => {
  const { constraints } = loaded(RICH_CIB).configuration;
  const byId = new Map(constraints.map((c) => [c.id, c]));
  const loc = byId.get("loc-ip") as LocationConstraint;
  assert.deepEqual([loc.resources, loc.node, loc.score], [["ip"], "node1", INFINITY_SCORE]);
  const rule = byId.get("loc-rule") as LocationConstraint;
  assert.equal(rule.resourceDiscovery, "exclusive");
  assert.equal(rule.rules[0]!.score, MINUS_INFINITY_SCORE);
  assert.equal((byId.get("loc-pattern") as LocationConstraint).pattern, "^d");
  assert.deepEqual((byId.get("loc-tag") as LocationConstraint).resources, ["web", "ip"]);
  const promoted = byId.get("loc-promoted") as LocationConstraint;
  assert.deepEqual([promoted.role, promoted.rules[0]!.scoreAttribute], ["Promoted", "prefer"]);
  const colocation = byId.get("col-web-ip") as ColocationConstraint;
  assert.deepEqual([colocation.rsc, colocation.withRsc, colocation.rscRole, colocation.withRscRole, colocation.nodeAttribute], ["web", "ip", "Started", "Unpromoted", "#uname"]);
  const sets = (byId.get("col-set") as ColocationConstraint).sets;
  assert.deepEqual(sets.map((s) => [s.resources, s.sequential, s.role ?? null]), [[["fs", "db"], false, "Promoted"], [["ip"], true, null]]);
  const optional = byId.get("ord-ip-web") as OrderConstraint;
  assert.deepEqual([optional.orderKind, optional.firstAction, optional.thenAction, optional.symmetrical], ["Optional", "start", "start", true]);
  const legacy = byId.get("ord-legacy") as OrderConstraint;
  assert.deepEqual([legacy.orderKind, legacy.firstAction, legacy.thenAction], ["Optional", "promote", "start"]);
  assert.equal((byId.get("ord-serialize") as OrderConstraint).symmetrical, false);
  const tagged = byId.get("ord-tag") as OrderConstraint;
  assert.equal(tagged.then, undefined);
  assert.deepEqual(tagged.sets.map((s) => s.resources), [["ip"], ["web", "ip"]]);
  assert.deepEqual(byId.get("tkt"), { kind: "ticket", id: "tkt", ticket: "ticketA", rsc: "g", lossPolicy: "fence", sets: [], pos: byId.get("tkt")!.pos });
});

test("a template named in a constraint, directly or through a tag, stands for the primitives built from it", () => {
  const cib = loaded(RICH_CIB.replace('<tag id="webtag"><obj_ref id="web"/>', '<tag id="webtag"><obj_ref id="web-template"/>')
    .replace('<rsc_location id="loc-ip" rsc="ip"', '<rsc_location id="loc-ip" rsc="web-template"'));
  const byId = new Map(cib.configuration.constraints.map((c) => [c.id, c]));
  assert.deepEqual((byId.get("loc-ip") as LocationConstraint).resources, ["web"]);
  assert.deepEqual((byId.get("loc-tag") as LocationConstraint).resources, ["web", "ip"]);
});

test("defaults, fencing topology, tags, ACLs and alerts", () => {
  const { configuration } = loaded(RICH_CIB);
  assert.equal(resolveNvSets(configuration.rscDefaults).get("resource-stickiness"), "100");
  const monitorDefaults = resolveNvSets(configuration.opDefaults, { context: { nowSeconds: 0, operation: { name: "monitor", intervalMs: 10_000 } } });
  assert.equal(monitorDefaults.get("timeout"), "5s");
  const startDefaults = resolveNvSets(configuration.opDefaults, { context: { nowSeconds: 0, operation: { name: "start", intervalMs: 0 } } });
  assert.equal(startDefaults.get("timeout"), "30s");
  assert.deepEqual(configuration.fencingTopology.map((l) => [l.index, l.target ?? l.targetPattern, l.devices]), [[1, "node1", ["fence1", "fence2"]], [2, "node\\d", ["fence1"]]]);
  assert.deepEqual(configuration.tags.get("webtag"), ["web", "ip"]);
  assert.deepEqual(configuration.acls.targets[0]!.roles, ["readers"]);
  assert.equal(configuration.acls.roles[0]!.permissions[0]!.xpath, "/cib");
  assert.deepEqual([configuration.alerts[0]!.select, configuration.alerts[0]!.selectAttributes, configuration.alerts[0]!.recipients[0]!.value], [["select_fencing", "select_attributes"], ["standby"], "ops@example.com"]);
});

test("crm_config: cib-bootstrap-options first, then higher-score sets whose rules match", () => {
  const { crmConfig } = loaded(RICH_CIB).configuration;
  const at = (hourUtc: number): string | undefined =>
    resolveNvSets(crmConfig, { context: { nowSeconds: Date.UTC(2024, 0, 1, hourUtc) / 1000 }, firstId: "cib-bootstrap-options" }).get("stonith-enabled");
  assert.equal(at(3), "false");
  const withoutBootstrapPriority = resolveNvSets(crmConfig, { context: { nowSeconds: Date.UTC(2024, 0, 1, 3) / 1000 } });
  assert.equal(withoutBootstrapPriority.get("stonith-enabled"), "true");
  assert.equal(resolveNvSets(crmConfig, { context: { nowSeconds: Date.UTC(2024, 0, 1, 12) / 1000 } }).get("stonith-enabled"), "false");
});

test("status: node_state, lrm history with transition keys, transient attributes, tickets", () => {
  const { status } = loaded(RICH_CIB);
  const [node1, node2] = status.nodes;
  assert.deepEqual([node1!.uname, node1!.inCcm, node1!.crmdOnline, node1!.join, node1!.expected], ["node1", true, true, "member", "member"]);
  assert.deepEqual([node2!.inCcm, node2!.crmdOnline], [true, false]);
  assert.equal(resolveNvSets(node1!.transientAttributes).get("fail-count-ip#monitor_30000"), "1");
  const [start, monitor] = node1!.lrm[0]!.ops;
  assert.deepEqual(start!.transitionKey, { action: 3, transition: 1, targetRc: 0, uuid: "6f8a7c1e-2d71-4f68-9f4a-0123456789ab" });
  assert.deepEqual([start!.rcCode, start!.callId, start!.lastRcChange, start!.execTimeMs, start!.opDigest, start!.onNode], [0, 12, 1699999000, 52, "abc", "node1"]);
  assert.deepEqual([monitor!.operation, monitor!.intervalMs, monitor!.rcCode], ["monitor", 30_000, 7]);
  assert.deepEqual([status.tickets[0]!.id, status.tickets[0]!.granted, status.tickets[0]!.lastGranted], ["ticketA", true, 1699990000]);
});

test("dangling references and bad values are warnings with positions, and the CIB still loads", () => {
  const cib = loaded(`<cib><configuration><crm_config/><nodes/><resources><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/></resources>
<constraints>
<rsc_location id="l" rsc="missing" node="n1" score="lots"/>
</constraints></configuration><status/></cib>`);
  assert.deepEqual(cib.warnings.map(formatCibError), [
    `test.xml:3:1: <rsc_location id="l">: rsc "missing" does not name a resource, tag or template`,
    `test.xml:3:1: <rsc_location id="l">: score="lots" is not a score (an integer or [+-]INFINITY)`,
  ]);
});

test("a document that is not a CIB is refused with its position", () => {
  const parsed = parseXml(`<notcib/>`, "x.xml");
  assert.ok(parsed.ok);
  const result = loadCib(parsed.value);
  assert.equal(result.ok, false);
  assert.deepEqual(result.ok ? [] : result.error.map(formatCibError), ["x.xml:1:1: the root element is <notcib>, not <cib>"]);
});

test("every CIB of Pacemaker's scheduler corpus loads into the typed model", (t) => {
  const files = corpusFiles();
  if (files.length === 0) return t.skip(`no corpus at ${schedulerCorpus}`);
  let resources = 0;
  for (const file of files) {
    const parsed = parseXml(readFileSync(file, "utf8"), basename(file));
    assert.ok(parsed.ok, parsed.ok ? "" : formatCibError(parsed.error));
    const cib = loadCib(parsed.value);
    assert.ok(cib.ok, cib.ok ? "" : cib.error.map(formatCibError).join("\n"));
    resources += primitives(cib.value.configuration).length;
  }
  assert.ok(resources > files.length, `only ${resources} primitives in ${files.length} CIBs`);
});

test("node attributes for rules: built-ins, permanent attributes, transient ones winning", () => {
  const cib = loaded(RICH_CIB);
  const attrs = nodeAttributes(cib, "node1", { nowSeconds: 1_700_000_000 });
  assert.deepEqual(Object.fromEntries(attrs), {
    rack: "a", "fail-count-ip#monitor_30000": "1", "master-drbd": "10",
    "#uname": "node1", "#id": "1", "#kind": "cluster", "#is_dc": "true", "#cluster-name": "alpha", "#site-name": "alpha",
  });
  assert.equal(nodeAttributes(cib, "node2", { nowSeconds: 0 }).get("#is_dc"), "false");
});

const TREE_SEED = 0x70ad;
const NAMES = ["primitive", "group", "clone", "master", "bundle", "rule", "expression", "date_expression", "date_spec", "op", "nvpair", "resource_set", "rsc_location", "rsc_order", "node_state", "lrm_rsc_op", "meta_attributes", "template"];
const VALUES = ["", "INFINITY", "-inf", "abc", "0", "-1", "P1D", "Master", "2024-13-45", "x:y:z", "1-", "99999999999999999999"];

test(`the model loader never throws on structurally scrambled CIBs (seed=0x${TREE_SEED.toString(16)})`, () => {
  const rng = seededRng(TREE_SEED);
  for (let i = 0; i < 400; i++) {
    const root = parsedRoot(RICH_CIB);
    const all: XmlElement[] = [];
    walk(root, (element) => void all.push(element));
    for (let edit = 0; edit < 8; edit++) {
      const target = all[rng.int(all.length)]!;
      const attributes = [...target.attrs.keys()];
      switch (rng.int(4)) {
        case 0: if (attributes.length > 0) target.attrs.delete(attributes[rng.int(attributes.length)]!); break;
        case 1: if (attributes.length > 0) target.attrs.set(attributes[rng.int(attributes.length)]!, VALUES[rng.int(VALUES.length)]!); break;
        case 2: if (target !== root) target.name = NAMES[rng.int(NAMES.length)]!; break;
        default: { // graft a copy elsewhere (a copy, so the tree stays a tree)
          const other = all[rng.int(all.length)]!;
          if (target !== root) other.children.push(cloneElement(target));
        }
      }
    }
    const result = loadCib(root, `scrambled-${i}.xml`);
    assert.ok(result.ok || result.error.length > 0, `seed=0x${TREE_SEED.toString(16)} iteration ${i}`);
  }
});
