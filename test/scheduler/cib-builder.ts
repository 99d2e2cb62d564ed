// Small CIBs for scheduler tests, built as element trees through the CIB layer and
// serialised once, so the same text feeds our scheduler and crm_simulate.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createElement, parseXml, readSchedulerInput, serializeXml, type XmlElement, type SchedulerInput } from "../../src/cib/index.js";
import { schedule, type Transition } from "../../src/scheduler/index.js";
import { opDigest, pickParameters } from "../../src/executor/index.js";

export type Attrs = Record<string, string>;

const AGENT = { class: "ocf", provider: "heartbeat", type: "Dummy" };

function nvset(name: string, id: string, pairs: Attrs): XmlElement {
  return createElement(name, { id }, Object.entries(pairs).map(([k, v]) => createElement("nvpair", { id: `${id}-${k}`, name: k, value: v })));
}

export interface PrimitiveOptions {
  meta?: Attrs;
  /** Instance attributes (the agent's parameters). */
  params?: Attrs;
  utilization?: Attrs;
  /** Extra operations; `interval` in crm syntax ("10s"). */
  ops?: Array<{ name: string; interval: string; role?: string; onFail?: string }>;
  agent?: { class: string; provider?: string; type: string };
}

export function primitive(id: string, options: PrimitiveOptions = {}): XmlElement {
  const agent = options.agent ?? AGENT;
  const children: XmlElement[] = [];
  if (options.meta) children.push(nvset("meta_attributes", `${id}-meta`, options.meta));
  if (options.params) children.push(nvset("instance_attributes", `${id}-params`, options.params));
  if (options.utilization) children.push(nvset("utilization", `${id}-utilization`, options.utilization));
  if (options.ops) {
    children.push(createElement("operations", {}, options.ops.map((op, i) => createElement("op", {
      id: `${id}-op-${i}`, name: op.name, interval: op.interval,
      ...(op.role ? { role: op.role } : {}), ...(op.onFail ? { "on-fail": op.onFail } : {}),
    }))));
  }
  return createElement("primitive", { id, ...agent }, children);
}

export function group(id: string, children: XmlElement[], meta?: Attrs): XmlElement {
  return createElement("group", { id }, [...(meta ? [nvset("meta_attributes", `${id}-meta`, meta)] : []), ...children]);
}

export function clone(id: string, child: XmlElement, meta: Attrs = {}): XmlElement {
  return createElement("clone", { id }, [nvset("meta_attributes", `${id}-meta`, meta), child]);
}

export function location(id: string, rsc: string, node: string, score: string, extra: Attrs = {}): XmlElement {
  return createElement("rsc_location", { id, rsc, node, score, ...extra });
}

/** A location constraint with one rule of attribute expressions (`[attribute, operation, value?]`). */
export function locationRule(id: string, rsc: string, score: string, expressions: Array<[string, string, string?]>, booleanOp = "and"): XmlElement {
  const exprs = expressions.map(([attribute, operation, value], i) =>
    createElement("expression", { id: `${id}-e${i}`, attribute, operation, ...(value === undefined ? {} : { value }) }));
  return createElement("rsc_location", { id, rsc }, [createElement("rule", { id: `${id}-rule`, score, "boolean-op": booleanOp }, exprs)]);
}

export function colocation(id: string, rsc: string, withRsc: string, score: string, extra: Attrs = {}): XmlElement {
  return createElement("rsc_colocation", { id, rsc, "with-rsc": withRsc, score, ...extra });
}

/** A resource_set of a set constraint. */
export function resourceSet(id: string, resources: string[], extra: Attrs = {}): XmlElement {
  return createElement("resource_set", { id, ...extra }, resources.map((r) => createElement("resource_ref", { id: r })));
}

export function colocationSets(id: string, score: string, sets: XmlElement[]): XmlElement {
  return createElement("rsc_colocation", { id, score }, sets);
}

export function order(id: string, first: string, then: string, extra: Attrs = {}): XmlElement {
  return createElement("rsc_order", { id, first, then, ...extra });
}

/** One entry of a node's operation history. */
export interface HistoryEntry {
  rsc: string;
  operation: string;
  intervalMs?: number;
  rc?: number;
  /** The rc the cluster expected (0; 7 for probes; 8 for promoted monitors). */
  expected?: number;
  /** The executor's op-status (0 done; 4 error, 1 cancelled, ...). */
  status?: number;
  agent?: { class: string; provider?: string; type: string };
  /** The parameters it ran with (recorded as op-digest; none by default). */
  params?: Attrs;
  /** The parameters a reload cannot apply (op-force-restart, with their op-restart-digest). */
  forceRestart?: string[];
  /** Secret parameters (op-secure-params, with the op-secure-digest of the others). */
  secure?: string[];
  /** A migrate_to / migrate_from's migrate_source and migrate_target. */
  migrate?: { source: string; target: string };
  /** The entry's id ("<rsc>_last_failure_0" marks the last failure); by default numbered by call. */
  id?: string;
}

/** History for a resource started on a node (and promoted when `promoted`). */
export function running(rsc: string, promoted = false): HistoryEntry[] {
  return promoted
    ? [{ rsc, operation: "start" }, { rsc, operation: "promote" }]
    : [{ rsc, operation: "start" }];
}

export function probedStopped(rsc: string): HistoryEntry[] {
  return [{ rsc, operation: "monitor", rc: 7, expected: 7 }];
}

export interface NodeOptions {
  attributes?: Attrs;
  utilization?: Attrs;
  /** Transient (status) attributes: standby via crm_attribute -l reboot, fail-counts. */
  transient?: Attrs;
  /** node_state membership fields (in_ccm, crmd, join, expected) exactly, instead of `state`. */
  membership?: Attrs;
  /** "unseen": no node_state at all (the cluster has never seen the node). */
  state?: "online" | "offline" | "lost" | "unseen";
  history?: HistoryEntry[];
  /** A Pacemaker Remote or guest node: no <node> entry, its node_state is keyed by name. */
  remote?: boolean;
  /** shutdown-lock times (epoch seconds) recorded on this node's history, by resource. */
  shutdownLocks?: Record<string, number>;
}

export interface CibOptions {
  properties?: Attrs;
  rscDefaults?: Attrs;
  nodes: Array<string | [string, NodeOptions]>;
  resources: XmlElement[];
  constraints?: XmlElement[];
  quorum?: boolean;
  /** Seconds since the epoch, recorded as execution-date (keeps failure-timeout deterministic). */
  now?: number;
  /** Extra attributes of <cib> (no-quorum-panic, dc-uuid: "1" by default, the first node). */
  cibAttributes?: Attrs;
}

/**
 * A recurring operation's op-digest as Pacemaker records it: its parameters with the
 * operation's timeout (the default 20 s here), so that the recorded monitor is current.
 */
function recurringDigest(params: Attrs): string {
  const all: Attrs = { ...params, CRM_meta_timeout: "20000" };
  const names = Object.keys(all).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("md5").update(` <parameters${names.map((n) => ` ${n}="${all[n]}"`).join("")}/>\n`).digest("hex");
}

/** op-digest (and with forceRestart, op-force-restart and op-restart-digest) as the executor records them. */
function digests(e: HistoryEntry): Attrs {
  const params = e.params ?? {};
  const result: Attrs = { "op-digest": (e.intervalMs ?? 0) > 0 ? recurringDigest(params) : opDigest(params) };
  if (e.forceRestart !== undefined) {
    result["op-force-restart"] = ` ${e.forceRestart.join(" ")} `;
    result["op-restart-digest"] = opDigest(pickParameters(params, e.forceRestart));
  }
  if (e.secure !== undefined) {
    const secure = e.secure;
    result["op-secure-params"] = ` ${secure.join(" ")} `;
    result["op-secure-digest"] = opDigest(Object.fromEntries(Object.entries(params).filter(([name]) => !secure.includes(name))));
  }
  return result;
}

/** The whole CIB as text; stonith is disabled unless the test sets stonith-enabled. */
export function cibXml(options: CibOptions): string {
  const nodes = options.nodes.map((n) => (typeof n === "string" ? [n, {}] as [string, NodeOptions] : n));
  const properties = { "stonith-enabled": "false", ...options.properties };
  const configuration = createElement("configuration", {}, [
    createElement("crm_config", {}, [nvset("cluster_property_set", "cib-bootstrap-options", properties)]),
    createElement("nodes", {}, nodes.flatMap(([name, o], i) => o.remote === true ? [] : [createElement("node", { id: String(i + 1), uname: name }, [
      ...(o.attributes ? [nvset("instance_attributes", `n${i + 1}-attrs`, o.attributes)] : []),
      ...(o.utilization ? [nvset("utilization", `n${i + 1}-utilization`, o.utilization)] : []),
    ])])),
    createElement("resources", {}, options.resources),
    createElement("constraints", {}, options.constraints ?? []),
    ...(options.rscDefaults ? [createElement("rsc_defaults", {}, [nvset("meta_attributes", "rsc-options", options.rscDefaults)])] : []),
  ]);
  const status = createElement("status", {}, nodes.flatMap(([name, o], i) => o.state === "unseen" ? [] : [nodeState(String(i + 1), name, o)]));
  const root = createElement("cib", {
    "crm_feature_set": "3.16.1", "validate-with": "pacemaker-3.9", epoch: "1", "num_updates": "0", "admin_epoch": "0",
    "have-quorum": options.quorum === false ? "0" : "1", "dc-uuid": "1",
    ...(options.now === undefined ? {} : { "execution-date": String(options.now) }),
    ...options.cibAttributes,
  }, [configuration, status]);
  return serializeXml(root) + "\n";
}

function nodeState(id: string, uname: string, o: NodeOptions): XmlElement {
  const state = o.state ?? "online";
  const membership = o.membership !== undefined ? o.membership : o.remote === true ? { remote_node: "true" } : state === "online"
    ? { in_ccm: "true", crmd: "online", join: "member", expected: "member" }
    : state === "offline" ? { in_ccm: "false", crmd: "offline", join: "down", expected: "down" }
    : { in_ccm: "false", crmd: "offline", join: "member", expected: "member" };
  const byRsc = new Map<string, HistoryEntry[]>();
  for (const entry of o.history ?? []) byRsc.set(entry.rsc, [...(byRsc.get(entry.rsc) ?? []), entry]);
  let call = 10;
  const resources = [...byRsc].map(([rsc, entries]) => {
    const agent = entries[0]!.agent ?? AGENT;
    const lock = o.shutdownLocks?.[rsc];
    return createElement("lrm_resource", { id: rsc, ...agent, ...(lock === undefined ? {} : { "shutdown-lock": String(lock) }) }, entries.map((e) => {
      const interval = e.intervalMs ?? 0;
      const rc = e.rc ?? 0, expected = e.expected ?? 0;
      const key = `${call}:1:${expected}:00000000-0000-0000-0000-000000000000`;
      return createElement("lrm_rsc_op", {
        id: e.id ?? (interval > 0 ? `${rsc}_${e.operation}_${interval}` : `${rsc}_last_${call}`),
        operation_key: `${rsc}_${e.operation}_${interval}`, operation: e.operation, "crm-debug-origin": "test",
        "crm_feature_set": "3.16.1", "transition-key": key, "transition-magic": `${e.status ?? 0}:${rc};${key}`,
        "call-id": String(call++), "rc-code": String(rc), "op-status": String(e.status ?? 0), interval: String(interval),
        "last-rc-change": "1700000000", "exec-time": "10", "queue-time": "0", ...digests(e),
        ...(e.migrate === undefined ? {} : { migrate_source: e.migrate.source, migrate_target: e.migrate.target }),
      });
    }));
  });
  const children: XmlElement[] = [];
  if (o.transient) children.push(createElement("transient_attributes", { id }, [nvset("instance_attributes", `status-${id}`, o.transient)]));
  children.push(createElement("lrm", { id }, [createElement("lrm_resources", {}, resources)]));
  return createElement("node_state", { id: o.remote === true ? uname : id, uname, ...membership }, children);
}

export function inputOf(xml: string): SchedulerInput {
  const parsed = parseXml(xml, "test.xml");
  if (!parsed.ok) throw new Error(`test CIB does not parse: ${parsed.error.message}`);
  return readSchedulerInput(parsed.value.root);
}

/** Schedules a CIB text; the fixed clock keeps tests deterministic. */
export function run(xml: string): Transition {
  return schedule(inputOf(xml), 1_700_000_000);
}

/** The Transition Summary lines with runs of spaces collapsed (the oracle's padding differs). */
export function summaryOf(t: Transition): string[] {
  return t.summary.map(normalise);
}

export function normalise(line: string): string {
  return line.trim().replace(/\s+/g, " ");
}

export interface OracleRun {
  /** Normalised Transition Summary lines. */
  summary: string[];
  /** The --show-scores lines ("pcmk__primitive_assign: a allocation score on n1: 100"). */
  scores: string[];
}

/**
 * crm_simulate's Transition Summary (and with `scores`, its allocation scores, from a
 * second run: with -s it prints the summary in another layout) for the same CIB text,
 * or why it cannot run here. Output without a summary is an error, not a skip.
 */
export function oracle(xml: string, extraArgs: string[] = [], scores = false): OracleRun | string {
  const dir = mkdtempSync(join(tmpdir(), "quorate-sched-"));
  try {
    const file = join(dir, "cib.xml");
    writeFileSync(file, xml);
    const crmSimulate = (args: string[]): string[] | string => {
      const result = spawnSync("crm_simulate", ["-R", "-x", file, ...args], { encoding: "utf8", timeout: 60_000 });
      if (result.error !== undefined) return `crm_simulate is not available: ${result.error.message}`;
      return result.stdout.split("\n");
    };
    const lines = crmSimulate(extraArgs);
    if (typeof lines === "string") return lines;
    const start = lines.indexOf("Transition Summary:");
    if (start < 0) throw new Error(`crm_simulate printed no summary:\n${lines.join("\n")}`);
    const summary: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (!line.startsWith("  * ")) break;
      summary.push(normalise(line));
    }
    const scoreLines = scores ? crmSimulate(["-s", ...extraArgs]) : [];
    return { summary, scores: typeof scoreLines === "string" ? [] : scoreLines.filter((l) => / (allocation|promotion) score on /.test(l)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
