// Clone notifications (Pacemaker Explained, "Clone Resource Agent Requirements" and
// "Clone Notifications") and the cancellation of a promotable instance's monitors when
// its role changes ("Monitoring Resources for Failure", monitors per role). Each CIB's
// graph is checked against the rule as documented, then compared edge for edge with
// crm_simulate's (--save-dotfile), and every notify action's notify_* meta attributes
// with those of crm_simulate's --save-graph.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseXml, type XmlElement } from "../../src/cib/index.js";
import { graphDot } from "../../src/scheduler/report/graph-dot.js";
import { graphXml } from "../../src/scheduler/report/graph-xml.js";
import type { Transition } from "../../src/scheduler/index.js";
import { cibXml, clone, colocation, group, location, order, primitive, probedStopped, run, running, summaryOf, type CibOptions, type HistoryEntry } from "./cib-builder.js";

const STATEFUL = { class: "ocf", provider: "pacemaker", type: "Stateful" };
const dummy = (id: string): ReturnType<typeof primitive> => primitive(id, { ops: [{ name: "monitor", interval: "10s" }] });
const stateful = (id: string): ReturnType<typeof primitive> => primitive(id, {
  agent: STATEFUL,
  ops: [{ name: "monitor", interval: "10s", role: "Promoted" }, { name: "monitor", interval: "11s", role: "Unpromoted" }],
});
/** A running instance with its recurring monitor recorded (so nothing reschedules it). */
const monitored = (rsc: string, intervalMs = 10_000): HistoryEntry[] => [...running(rsc), { rsc, operation: "monitor", intervalMs }];
const statefulRunning = (rsc: string, promoted: boolean): HistoryEntry[] => [
  ...running(rsc, promoted),
  { rsc, operation: "monitor", intervalMs: promoted ? 10_000 : 11_000, rc: promoted ? 8 : 0, expected: promoted ? 8 : 0 },
].map((e) => ({ ...e, agent: STATEFUL }));
const notifying = (meta: Record<string, string> = {}): Record<string, string> => ({ notify: "true", ...meta });

interface NotifyCase {
  name: string;
  cite: string;
  cib: CibOptions;
  summary: string[];
  /** Dot lines the documented rule implies (all checked with crm_simulate too). */
  expect: string[];
  /** Dot lines that must not be there. */
  absent?: string[];
  /** crm_simulate's lines that differ for reasons outside notifications (fencing's own graph). */
  elsewhere?: string[];
}

const CASES: NotifyCase[] = [
  {
    name: "starting a clone notifies every new instance after the start; nothing runs to be told before",
    cite: "Clone Notifications: post-start goes to the instances active after the start",
    cib: { nodes: ["n1", "n2"], resources: [clone("c", dummy("d"), notifying())] },
    summary: ["* Start d:0 ( n1 )", "* Start d:1 ( n2 )"],
    expect: [
      '"c_pre_notify_start_0" -> "c_confirmed-pre_notify_start_0" [ style = bold]',
      '"c_confirmed-pre_notify_start_0" -> "c_start_0" [ style = bold]',
      '"c_running_0" -> "c_post_notify_running_0" [ style = bold]',
      '"c_post_notify_running_0" -> "d:0_post_notify_start_0 n1" [ style = bold]',
      '"d:1_post_notify_start_0 n2" -> "c_confirmed-post_notify_running_0" [ style = bold]',
      '"c_confirmed-post_notify_running_0" -> "d:0_monitor_10000 n1" [ style = bold]',
    ],
  },
  {
    name: "a stop is announced to every active instance, and confirmed afterwards to those still running",
    cite: "Clone Notifications: pre-stop to all active instances, post-stop to the survivors",
    cib: {
      nodes: [["n1", { history: monitored("d:0") }], ["n2", { history: monitored("d:1"), attributes: { standby: "on" } }]],
      resources: [clone("c", dummy("d"), notifying())],
    },
    summary: ["* Stop d:1 ( n2 ) due to node availability"],
    expect: [
      '"c_pre_notify_stop_0" -> "d:0_pre_notify_stop_0 n1" [ style = bold]',
      '"c_pre_notify_stop_0" -> "d:1_pre_notify_stop_0 n2" [ style = bold]',
      '"c_confirmed-pre_notify_stop_0" -> "c_stop_0" [ style = bold]',
      '"c_post_notify_stopped_0" -> "d:0_post_notify_stop_0 n1" [ style = bold]',
    ],
    absent: ['"c_post_notify_stopped_0" -> "d:1_post_notify_stop_0 n2" [ style = bold]'],
  },
  {
    name: "a new instance's start is announced to the running ones only",
    cite: "Clone Notifications: pre-start to the instances already active",
    cib: {
      nodes: [["n1", { history: monitored("d:0") }], ["n2", { history: probedStopped("d:0") }]],
      resources: [clone("c", dummy("d"), notifying())],
    },
    summary: ["* Start d:1 ( n2 )"],
    expect: [
      '"c_pre_notify_start_0" -> "d:0_pre_notify_start_0 n1" [ style = bold]',
      '"c_post_notify_running_0" -> "d:1_post_notify_start_0 n2" [ style = bold]',
    ],
    absent: ['"c_pre_notify_start_0" -> "d:1_pre_notify_start_0 n2" [ style = bold]'],
  },
  {
    name: "a recovered instance is told of its own stop, not of its start until it runs again",
    cite: "Clone Notifications: rounds follow the phases; the stop round is confirmed before the start round",
    cib: {
      nodes: [
        ["n1", { history: [...running("d:0"), { rsc: "d:0", operation: "monitor", intervalMs: 10_000, rc: 7 }] }],
        ["n2", { history: monitored("d:1") }],
        ["n3", { history: monitored("d:2") }],
      ],
      resources: [clone("c", dummy("d"), notifying())],
    },
    summary: ["* Recover d:0 ( n1 )"],
    expect: [
      '"c_pre_notify_stop_0" -> "d:0_pre_notify_stop_0 n1" [ style = bold]',
      '"c_confirmed-post_notify_stopped_0" -> "c_pre_notify_start_0" [ style = bold]',
      '"c_pre_notify_start_0" -> "d:1_pre_notify_start_0 n2" [ style = bold]',
      '"c_post_notify_running_0" -> "d:0_post_notify_start_0 n1" [ style = bold]',
    ],
    absent: ['"c_pre_notify_start_0" -> "d:0_pre_notify_start_0 n1" [ style = bold]', '"c_post_notify_stopped_0" -> "d:0_post_notify_stop_0 n1" [ style = bold]'],
  },
  {
    name: "a promotable role swap: demote round, then promote round; the old role's monitors are cancelled first",
    cite: "Clone Notifications (promote/demote); Monitoring Resources for Failure: monitors per role",
    cib: {
      nodes: [["n1", { history: statefulRunning("s:0", true) }], ["n2", { history: statefulRunning("s:1", false) }]],
      resources: [clone("ms", stateful("s"), notifying({ promotable: "true" }))],
      constraints: [location("prefer-n2", "ms", "n2", "100", { role: "Promoted" })],
    },
    summary: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )"],
    expect: [
      '"Cancel s:0_monitor_10000 n1" -> "s:0_demote_0 n1" [ style = bold]',
      '"Cancel s:1_monitor_11000 n2" -> "s:1_promote_0 n2" [ style = bold]',
      '"s:0_demote_0 n1" -> "s:0_monitor_11000 n1" [ style = bold]',
      '"ms_demoted_0" -> "ms_promote_0" [ style = bold]',
      '"ms_confirmed-post_notify_demoted_0" -> "ms_pre_notify_promote_0" [ style = bold]',
      '"ms_pre_notify_promote_0" -> "s:0_pre_notify_promote_0 n1" [ style = bold]',
      '"ms_confirmed-post_notify_promoted_0" -> "s:1_monitor_10000 n2" [ style = bold]',
    ],
  },
  {
    name: "demote, stop and promote of one transition each get a round, in that order",
    cite: "Clone Notifications; promotable clones demote before they stop and stop before they promote",
    cib: {
      nodes: [
        ["n1", { history: statefulRunning("s:0", true), attributes: { standby: "on" } }],
        ["n2", { history: statefulRunning("s:1", false) }],
        ["n3", { history: statefulRunning("s:2", false) }],
      ],
      resources: [clone("ms", stateful("s"), notifying({ promotable: "true", "clone-max": "3" }))],
      constraints: [location("prefer-n2", "ms", "n2", "100", { role: "Promoted" })],
    },
    summary: ["* Stop s:0 ( Promoted n1 ) due to node availability", "* Promote s:1 ( Unpromoted -> Promoted n2 )"],
    expect: [
      '"ms_confirmed-post_notify_demoted_0" -> "ms_pre_notify_stop_0" [ style = bold]',
      '"ms_confirmed-post_notify_stopped_0" -> "ms_pre_notify_promote_0" [ style = bold]',
      '"ms_post_notify_demoted_0" -> "s:0_post_notify_demote_0 n1" [ style = bold]',
      '"ms_demoted_0" -> "ms_stop_0" [ style = bold]',
      '"ms_stopped_0" -> "ms_promote_0" [ style = bold]',
    ],
    absent: ['"ms_pre_notify_promote_0" -> "s:0_pre_notify_promote_0 n1" [ style = bold]'],
  },
  {
    name: "fresh promotable clone: the start round is confirmed before the promote round",
    cite: "Clone Notifications; promotion scores from node attributes",
    cib: {
      nodes: [["n1", { transient: { "master-s": "10" } }], ["n2", { transient: { "master-s": "5" } }]],
      resources: [clone("ms", stateful("s"), notifying({ promotable: "true" }))],
    },
    summary: ["* Promote s:0 ( Stopped -> Promoted n1 )", "* Start s:1 ( n2 )"],
    expect: [
      '"ms_confirmed-post_notify_running_0" -> "ms_pre_notify_promote_0" [ style = bold]',
      '"ms_running_0" -> "ms_promote_0" [ style = bold]',
      '"s:0_start_0 n1" -> "s:0_monitor_10000 n1" [ style = bold]',
    ],
    absent: ['"ms_promote_0" -> "ms_promoted_0" [ style = bold]'],
  },
  {
    name: "what is ordered after a notifying clone waits for its post notifications",
    cite: "Ordering Constraints with clones; Clone Notifications",
    cib: {
      nodes: [["n1", { history: [...probedStopped("a:0"), ...probedStopped("p"), ...probedStopped("b:0")] }]],
      resources: [clone("ca", dummy("a"), notifying()), primitive("p"), clone("cb", dummy("b"), notifying())],
      constraints: [order("a-then-p", "ca", "p"), order("p-then-b", "p", "cb")],
    },
    summary: ["* Start a:0 ( n1 )", "* Start p ( n1 )", "* Start b:0 ( n1 )"],
    expect: ['"ca_confirmed-post_notify_running_0" -> "p_start_0 n1" [ style = bold]', '"p_start_0 n1" -> "cb_start_0" [ style = bold]'],
    absent: ['"ca_running_0" -> "p_start_0 n1" [ style = bold]'],
  },
  {
    name: "an instance on a fenced node: the survivors' post-stop notifications follow the fencing",
    cite: "Clone Notifications; Fencing: what ran on a fenced node is stopped by the fencing",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { history: monitored("d:0") }], ["n2", { history: monitored("d:1"), state: "lost" }], ["n3", { history: monitored("d:2") }]],
      resources: [primitive("f", { agent: { class: "stonith", type: "fence_dummy" } }), clone("c", dummy("d"), notifying({ "clone-max": "2" }))],
    },
    summary: ["* Fence (reboot) n2 'peer is no longer part of the cluster'", "* Start f ( n1 )", "* Move d:1 ( n2 -> n3 )", "* Stop d:2 ( n3 ) due to node availability"],
    expect: [
      `"stonith 'reboot' n2" -> "d:1_post_notify_stonith_0" [ style = bold]`,
      '"d:1_post_notify_stonith_0" -> "d:0_post_notify_stop_0 n1" [ style = bold]',
      '"d:0_post_notify_stop_0 n1" -> "d:1_confirmed-post_notify_stonith_0" [ style = bold]',
    ],
    absent: ['"c_pre_notify_stop_0" -> "d:1_pre_notify_stop_0 n2" [ style = bold]'],
    elsewhere: [`"stonith 'reboot' n2" -> "c_stop_0" [ style = bold]`],
  },
  {
    name: "notify=true on the instances only: no rounds around the clone's phases, but survivors hear of a fenced stop",
    cite: "Clone Notifications; Fencing",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { history: monitored("d:0") }], ["n2", { history: monitored("d:1"), state: "lost" }], ["n3", { history: monitored("d:2") }]],
      resources: [
        primitive("f", { agent: { class: "stonith", type: "fence_dummy" } }),
        clone("c", primitive("d", { meta: { notify: "true" }, ops: [{ name: "monitor", interval: "10s" }] }), { "clone-max": "3" }),
      ],
    },
    summary: ["* Fence (reboot) n2 'peer is no longer part of the cluster'", "* Start f ( n1 )", "* Stop d:1 ( n2 ) due to node availability"],
    expect: [
      `"stonith 'reboot' n2" -> "d:1_post_notify_stonith_0" [ style = bold]`,
      '"d:1_post_notify_stonith_0" -> "d:2_post_notify_stop_0 n3" [ style = bold]',
      '"d:0_post_notify_stop_0 n1" -> "d:1_confirmed-post_notify_stonith_0" [ style = bold]',
    ],
    absent: ['"c_pre_notify_stop_0" -> "d:0_pre_notify_stop_0 n1" [ style = bold]'],
    elsewhere: [`"stonith 'reboot' n2" -> "c_stop_0" [ style = bold]`],
  },
  {
    name: "interleaved notifying clones: each instance starts after the other clone's instance on its node",
    cite: "Clone Options: interleave; Clone Notifications",
    cib: {
      nodes: ["n1", "n2"],
      resources: [clone("ca", dummy("a"), notifying({ interleave: "true" })), clone("cb", dummy("b"), notifying({ interleave: "true" }))],
      constraints: [order("a-then-b", "ca", "cb")],
    },
    summary: ["* Start a:0 ( n1 )", "* Start a:1 ( n2 )", "* Start b:0 ( n1 )", "* Start b:1 ( n2 )"],
    expect: [
      '"a:0_start_0 n1" -> "b:0_start_0 n1" [ style = bold]',
      '"a:1_start_0 n2" -> "b:1_start_0 n2" [ style = bold]',
      '"ca_confirmed-post_notify_running_0" -> "cb_start_0" [ style = bold]',
    ],
    absent: ['"a:0_start_0 n1" -> "b:1_start_0 n2" [ style = bold]'],
  },
  {
    name: "interleaved notifying clones stopping: the dependent's instance stops first on its node",
    cite: "Clone Options: interleave; Ordering Constraints: symmetrical stops in reverse",
    cib: {
      nodes: [["n1", { history: [...monitored("a:0"), ...monitored("b:0")] }], ["n2", { history: [...monitored("a:1"), ...monitored("b:1")], attributes: { standby: "on" } }]],
      resources: [clone("ca", dummy("a"), notifying({ interleave: "true" })), clone("cb", dummy("b"), notifying({ interleave: "true" }))],
      constraints: [order("a-then-b", "ca", "cb"), colocation("b-with-a", "cb", "ca", "INFINITY")],
    },
    summary: ["* Stop a:1 ( n2 ) due to node availability", "* Stop b:1 ( n2 ) due to node availability"],
    expect: ['"b:1_stop_0 n2" -> "a:1_stop_0 n2" [ style = bold]', '"cb_confirmed-post_notify_stopped_0" -> "ca_stop_0" [ style = bold]'],
  },
  {
    name: "a cloned group: every member is notified, and each group joins the clone's pseudo-actions once",
    cite: "Clone Notifications; Clones of groups",
    cib: {
      nodes: [["n1", { history: [...monitored("x:0"), ...monitored("y:0")] }], ["n2", { history: [...monitored("x:1"), ...monitored("y:1")], attributes: { standby: "on" } }]],
      resources: [clone("c", group("g", [dummy("x"), dummy("y")]), notifying())],
    },
    summary: ["* Stop x:1 ( n2 ) due to node availability", "* Stop y:1 ( n2 ) due to node availability"],
    expect: [
      '"c_pre_notify_stop_0" -> "y:1_pre_notify_stop_0 n2" [ style = bold]',
      '"c_post_notify_stopped_0" -> "x:0_post_notify_stop_0 n1" [ style = bold]',
      '"c_stop_0" -> "g:1_stop_0" [ style = bold]',
    ],
  },
  {
    name: "a monitor without a role watches the unpromoted role only: promotion cancels it, demotion keeps the active one",
    cite: "Monitoring Resources for Failure; promotable clones: the promoted role needs a monitor of its own",
    cib: {
      nodes: [
        ["n1", { history: [...running("s:0", true), { rsc: "s:0", operation: "monitor", intervalMs: 10_000, rc: 8, expected: 8 }].map((e) => ({ ...e, agent: STATEFUL })) }],
        ["n2", { history: monitored("s:1").map((e) => ({ ...e, agent: STATEFUL })) }],
      ],
      resources: [clone("ms", primitive("s", { agent: STATEFUL, ops: [{ name: "monitor", interval: "10s" }] }), { promotable: "true" })],
      constraints: [location("prefer-n2", "ms", "n2", "100", { role: "Promoted" })],
    },
    summary: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )"],
    expect: ['"Cancel s:1_monitor_10000 n2" -> "s:1_promote_0 n2" [ style = bold]'],
    absent: ['"s:1_promote_0 n2" -> "s:1_monitor_10000 n2" [ style = bold]', '"s:0_demote_0 n1" -> "s:0_monitor_10000 n1" [ style = bold]'],
  },
  {
    name: "two monitors with one interval (one per role) are ambiguous: neither is scheduled",
    cite: "Monitoring Resources for Failure: an operation is identified by its name and interval",
    cib: {
      nodes: [["n1", { history: running("s:0", true).map((e) => ({ ...e, agent: STATEFUL })) }], ["n2", { history: running("s:1").map((e) => ({ ...e, agent: STATEFUL })) }]],
      resources: [clone("ms", primitive("s", { agent: STATEFUL, ops: [{ name: "monitor", interval: "10s", role: "Promoted" }, { name: "monitor", interval: "10s", role: "Unpromoted" }] }), { promotable: "true" })],
      constraints: [location("prefer-n2", "ms", "n2", "100", { role: "Promoted" })],
    },
    summary: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )"],
    expect: ['"ms_demoted_0" -> "ms_promote_0" [ style = bold]'],
    absent: ['"s:1_promote_0 n2" -> "s:1_monitor_10000 n2" [ style = bold]', '"s:0_demote_0 n1" -> "s:0_monitor_10000 n1" [ style = bold]'],
  },
  ...[true, false].map((notify): NotifyCase => ({
    name: `a restart of the promoted instance restarts what starts after its promotion (${notify ? "after the notifications" : "no notify"})`,
    cite: "Ordering Constraints: a mandatory 'then' restarts with 'first'; Clone Notifications",
    cib: {
      nodes: [
        ["n1", { history: [...running("s:0", true).map((e) => ({ ...e, agent: STATEFUL, params: { x: "1" } })), ...running("fs")] }],
        ["n2", { history: running("s:1").map((e) => ({ ...e, agent: STATEFUL, params: { x: "2" } })) }],
      ],
      resources: [clone("ms", primitive("s", { agent: STATEFUL, params: { x: "2" } }), { promotable: "true", notify: String(notify), "promoted-max": "1" }), primitive("fs")],
      constraints: [location("l", "ms", "n1", "100", { role: "Promoted" }), order("o", "ms", "fs", { "first-action": "promote", "then-action": "start" })],
    },
    summary: ["* Restart s:0 ( Promoted n1 ) due to resource definition change", `* Restart fs ( n1 ) due to required ms ${notify ? "notified" : "promoted"}`],
    expect: [
      '"s:0_demote_0 n1" -> "s:0_stop_0 n1" [ style = bold]',
      '"s:0_start_0 n1" -> "s:0_promote_0 n1" [ style = bold]',
      '"fs_stop_0 n1" -> "ms_demote_0" [ style = bold]',
      `"ms_${notify ? "confirmed-post_notify_promoted" : "promoted"}_0" -> "fs_start_0 n1" [ style = bold]`,
    ],
    // Probes ordered before a clone's demote are the probes' own rule.
    elsewhere: ['"fs_monitor_0 n2" -> "ms_demote_0" [ style = bold]'],
  })),
];

/** crm_simulate's dot lines and its notify actions' notify_* attributes ("d:0_pre_notify_stop_0 n1" → meta). */
function oracleGraph(xml: string): { dot: string[]; notify: Map<string, Record<string, string>>; options: Map<string, Record<string, string>> } | string {
  const dir = mkdtempSync(join(tmpdir(), "quorate-notify-"));
  try {
    const file = join(dir, "cib.xml"), dot = join(dir, "graph.dot"), graph = join(dir, "graph.xml");
    writeFileSync(file, xml);
    const r = spawnSync("crm_simulate", ["-x", file, "-D", dot, "-G", graph], { encoding: "utf8", timeout: 60_000 });
    if (r.error !== undefined) return `crm_simulate is not available: ${r.error.message}`;
    const graphText = readFileSync(graph, "utf8");
    return { dot: readFileSync(dot, "utf8").split("\n").filter((l) => l !== ""), notify: notifyMeta(graphText), options: cloneOptions(graphText) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each notify rsc_op of a --save-graph document, by "key node", with its CRM_meta_notify_* attributes. */
function notifyMeta(xml: string): Map<string, Record<string, string>> {
  return actionMeta(xml, (op) => op === "notify", (name) => name.startsWith("CRM_meta_notify_"));
}

/** The clone options on every instance action (CRM_meta_clone, clone_max, ..., promoted_max). */
const CLONE_OPTIONS = /^CRM_meta_(clone|clone_max|clone_node_max|globally_unique|notify|master_max|master_node_max|promoted_max|promoted_node_max)$/;

/** Each rsc_op whose operation passes `wanted`, by "key node", with the attributes `named` picks. */
function actionMeta(xml: string, wanted: (operation: string) => boolean, named: (name: string) => boolean): Map<string, Record<string, string>> {
  const parsed = parseXml(xml, "graph.xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  const found = new Map<string, Record<string, string>>();
  const visit = (e: XmlElement): void => {
    const attributes = e.children.find((c): c is XmlElement => c.kind === "element" && c.name === "attributes");
    if (e.name === "rsc_op" && wanted(e.attrs.get("operation") ?? "") && attributes !== undefined) {
      const meta = Object.fromEntries([...attributes.attrs].filter(([name]) => named(name)));
      found.set(`${e.attrs.get("operation_key")} ${e.attrs.get("on_node")}`, meta);
    }
    for (const c of e.children) if (c.kind === "element") visit(c);
  };
  visit(parsed.value.root);
  return found;
}

function cloneOptions(xml: string): Map<string, Record<string, string>> {
  return actionMeta(xml, () => true, (name) => CLONE_OPTIONS.test(name));
}

function lines(t: Transition): string[] {
  return graphDot(t).split("\n").filter((l) => l !== "" && l !== "}" && !l.startsWith(" digraph"));
}

for (const c of CASES) {
  test(`notify: ${c.name} (${c.cite})`, () => {
    const t = run(cibXml(c.cib));
    assert.deepEqual([...summaryOf(t)].sort(), [...c.summary].map((l) => l.replace(/\s+/g, " ")).sort());
    const ours = lines(t);
    assert.equal(new Set(ours).size, ours.length, "no action or edge twice");
    for (const line of c.expect) assert.ok(ours.includes(line), `${line}\nin\n${ours.join("\n")}`);
    for (const line of c.absent ?? []) assert.ok(!ours.includes(line), `unexpected ${line}`);
  });
  test(`notify graph agrees with crm_simulate: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const theirs = oracleGraph(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    const ours = lines(run(xml));
    const theirsDot = theirs.dot.filter((l) => l !== "}" && !l.startsWith(" digraph"));
    const differ = (a: string[], b: string[]): string[] => a.filter((l) => !b.includes(l) && !(c.elsewhere ?? []).includes(l));
    assert.deepEqual(differ(theirsDot, ours), [], "crm_simulate's edges we lack");
    assert.deepEqual(differ(ours, theirsDot), [], "edges crm_simulate does not have");
  });
  test(`notify meta agrees with crm_simulate: ${c.name}`, (t) => {
    const xml = cibXml(c.cib);
    const theirs = oracleGraph(xml);
    if (typeof theirs === "string") return t.skip(theirs);
    const ours = notifyMeta(graphXml(run(xml)));
    assert.deepEqual([...ours.keys()].sort(), [...theirs.notify.keys()].sort());
    for (const [key, meta] of theirs.notify) {
      // Pacemaker gives the survivors' post-stop notification after fencing the stonith round's
      // lists (only the fenced instances stopping); ours carries the clone's stop round.
      if (meta["CRM_meta_notify_key_operation"] === "stonith") continue;
      assert.deepEqual(ours.get(key), meta, key);
    }
    const options = cloneOptions(graphXml(run(xml)));
    let compared = 0;
    for (const [key, meta] of theirs.options) {
      if (!options.has(key) || Object.keys(meta).length === 0) continue;
      assert.deepEqual(options.get(key), meta, `clone options of ${key}`);
      compared++;
    }
    assert.ok(compared > 0, "some instance action's clone options were compared");
  });
}

test("notify: every notify action carries its round and the instance lists, a single space for an empty list", () => {
  const t = run(cibXml(CASES[1]!.cib));
  const pre = t.graph.actions.find((a) => a.key === "d:1_pre_notify_stop_0");
  assert.equal(pre?.operation, "notify");
  assert.equal(pre?.node, "n2");
  assert.deepEqual(
    { type: pre?.meta?.["notify_type"], operation: pre?.meta?.["notify_operation"], stop: pre?.meta?.["notify_stop_resource"], stopUname: pre?.meta?.["notify_stop_uname"], start: pre?.meta?.["notify_start_resource"], active: pre?.meta?.["notify_active_resource"] },
    { type: "pre", operation: "stop", stop: "d:1", stopUname: "n2", start: " ", active: "d:0 d:1" },
  );
  const confirmed = t.graph.actions.find((a) => a.key === "c_confirmed-post_notify_stopped_0");
  assert.equal(confirmed?.pseudo, true);
  assert.equal(confirmed?.operation, "notified");
});

test("notify: a clone without notify=true gets no notifications", () => {
  const t = run(cibXml({ ...CASES[1]!.cib, resources: [clone("c", dummy("d"))] }));
  assert.equal(t.graph.actions.filter((a) => a.operation === "notify" || a.operation === "notified").length, 0);
});

test("notify: quorate simulate --json and --save-graph carry the notifications and their meta", () => {
  const dir = mkdtempSync(join(tmpdir(), "quorate-notify-cli-"));
  try {
    const file = join(dir, "cib.xml"), graph = join(dir, "graph.xml");
    writeFileSync(file, cibXml(CASES[1]!.cib));
    const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));
    const json = spawnSync(quorate, ["simulate", "--xml", file, "--json"], { encoding: "utf8" });
    assert.equal(json.status, 0, json.stderr);
    const actions = (JSON.parse(json.stdout) as { actions: Array<{ key?: string; operation: string; node: string; meta?: Record<string, string> }> }).actions;
    const pre = actions.find((a) => a.key === "d:0_pre_notify_stop_0");
    assert.equal(pre?.operation, "notify");
    assert.equal(pre?.meta?.["notify_stop_resource"], "d:1");
    const saved = spawnSync(quorate, ["simulate", "--xml", file, "--save-graph", graph], { encoding: "utf8" });
    assert.equal(saved.status, 0, saved.stderr);
    const meta = notifyMeta(readFileSync(graph, "utf8")).get("d:0_post_notify_stop_0 n1");
    assert.equal(meta?.["CRM_meta_notify_type"], "post");
    assert.equal(meta?.["CRM_meta_notify_key_operation"], "stopped");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
