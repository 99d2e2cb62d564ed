import type { LrmOp, LrmResource, NodeStatus, PrimitiveConfig, ResourceConfig, SchedulerInput } from "../cib/index.js";
import type { Result } from "../lib/result.js";

/**
 * crm_simulate's synthetic cluster events, applied to the CIB status before scheduling.
 * Each is a pure transformation of the scheduler's typed view of the CIB; the
 * result is what the cluster would look like right after the event.
 */
export type WhatIf =
  | { kind: "node-up"; node: string }
  | { kind: "node-down"; node: string }
  | { kind: "node-fail"; node: string }
  | { kind: "op-inject"; op: OpSpec }
  | { kind: "quorum"; quorate: boolean }
  | { kind: "ticket"; ticket: string; change: "grant" | "revoke" | "standby" | "activate" };

/** RSC_TASK_INTERVAL@NODE=RC, as crm_simulate writes it (memcached_monitor_20000@node1=7). */
export interface OpSpec {
  resource: string;
  task: string;
  intervalMs: number;
  node: string;
  rc: number;
}

const OP_SPEC = /^(.+?)_(migrate_to|migrate_from|[A-Za-z-]+)_(\d+)@(.+)=(\d+)$/;

export function parseOpSpec(text: string): Result<OpSpec, string> {
  const m = OP_SPEC.exec(text);
  if (m === null) return { ok: false, error: `bad operation "${text}": expected RESOURCE_TASK_INTERVALMS@NODE=RC (e.g. webip_monitor_10000@node1=7)` };
  return { ok: true, value: { resource: m[1]!, task: m[2]!, intervalMs: Number(m[3]), node: m[4]!, rc: Number(m[5]) } };
}

/** Applies the events in order; `nowS` stamps injected failures. Unknown nodes or resources are errors. */
export function applyWhatIfs(input: SchedulerInput, events: WhatIf[], nowS: number): Result<SchedulerInput, string> {
  let current = input;
  for (const event of events) {
    const next = applyOne(current, event, nowS);
    if (!next.ok) return next;
    current = next.value;
  }
  return { ok: true, value: current };
}

/** One line per event, like crm_simulate's "Performing Requested Modifications". */
export function describeWhatIf(event: WhatIf): string {
  switch (event.kind) {
    case "node-up": return `Bringing node ${event.node} online`;
    case "node-down": return `Taking node ${event.node} offline`;
    case "node-fail": return `Failing node ${event.node}`;
    case "op-inject": {
      const { resource, task, intervalMs, node, rc } = event.op;
      return `Injecting ${resource}_${task}_${intervalMs}@${node}=${rc} into the configuration`;
    }
    case "quorum": return `Setting quorum: ${event.quorate ? 1 : 0}`;
    case "ticket": return `${event.change === "grant" ? "Granting" : event.change === "revoke" ? "Revoking" : event.change === "standby" ? "Making" : "Activating"} ticket ${event.ticket}${event.change === "standby" ? " standby" : ""}`;
  }
}

function applyOne(input: SchedulerInput, event: WhatIf, nowS: number): Result<SchedulerInput, string> {
  switch (event.kind) {
    case "node-up":
    case "node-down":
    case "node-fail":
      return withNodeState(input, event.node, (state) => membership(state, event.kind));
    case "op-inject":
      return injectOp(input, event.op, nowS);
    case "quorum":
      return { ok: true, value: { ...input, haveQuorum: event.quorate } };
    case "ticket":
      return { ok: true, value: { ...input, tickets: changeTicket(input, event.ticket, event.change) } };
  }
}

/**
 * Membership as the controller records it: up = member everywhere; down = a clean,
 * expected departure whose history is gone; fail = left the membership while the
 * cluster still expected it (unclean, to be fenced when stonith is enabled).
 */
function membership(state: NodeStatus, kind: "node-up" | "node-down" | "node-fail"): NodeStatus {
  if (kind === "node-up") return { ...state, inCcm: "true", crmd: "online", join: "member", expected: "member" };
  if (kind === "node-down") return { ...state, inCcm: "false", crmd: "offline", join: "down", expected: "down", attributes: [], resources: [] };
  return { ...state, inCcm: "false", crmd: state.crmd ?? "online", join: state.join ?? "member", expected: state.expected ?? "member" };
}

function withNodeState(input: SchedulerInput, uname: string, change: (state: NodeStatus) => NodeStatus): Result<SchedulerInput, string> {
  const config = input.nodes.find((n) => n.uname === uname);
  if (config === undefined) return { ok: false, error: `no node named "${uname}" in the configuration` };
  const index = input.status.findIndex((s) => s.id === config.id);
  const existing: NodeStatus = index >= 0
    ? input.status[index]!
    : { id: config.id, uname, inCcm: undefined, crmd: undefined, join: undefined, expected: undefined, attributes: [], resources: [] };
  const status = [...input.status];
  if (index >= 0) status[index] = change(existing);
  else status.push(change(existing));
  return { ok: true, value: { ...input, status } };
}

/**
 * Records the operation's result in the node's history, and for a result other than
 * the expected one also bumps the fail-count and last-failure, as a real failure would.
 */
function injectOp(input: SchedulerInput, spec: OpSpec, nowS: number): Result<SchedulerInput, string> {
  const config = findPrimitive(input.resources, spec.resource.replace(/:\d+$/, ""));
  if (config === undefined) return { ok: false, error: `no primitive resource "${spec.resource}" in the configuration` };
  return withNodeState(input, spec.node, (state) => {
    const history = state.resources.find((r) => r.id === spec.resource);
    const callId = 1 + Math.max(0, ...state.resources.flatMap((r) => r.ops.map((o) => o.callId)));
    const expectedRc = spec.task === "monitor" && spec.intervalMs === 0 ? 7 : 0;
    const failed = spec.rc !== expectedRc;
    const op: LrmOp = {
      id: `${spec.resource}_${failed ? "last_failure" : "last"}_0`,
      operation: spec.task, interval: spec.intervalMs, callId, rcCode: spec.rc, opStatus: 0,
      expectedRc,
      lastRcChange: nowS, opDigest: undefined, opRestartDigest: undefined, opForceRestart: undefined, opSecureParams: undefined, opSecureDigest: undefined, migrateSource: undefined, migrateTarget: undefined,
    };
    const updated: LrmResource = history === undefined
      ? { id: spec.resource, class: config.class, provider: config.provider, type: config.type, ops: [op] }
      : { ...history, ops: [...history.ops.filter((o) => o.id !== op.id), op] };
    const resources = history === undefined ? [...state.resources, updated] : state.resources.map((r) => (r === history ? updated : r));
    return { ...state, resources, attributes: failed ? countFailure(state.attributes, spec, nowS) : state.attributes };
  });
}

function countFailure(attributes: NodeStatus["attributes"], spec: OpSpec, nowS: number): NodeStatus["attributes"] {
  const key = `${spec.resource}#${spec.task}_${spec.intervalMs}`;
  const previous = Number(attributes.find(([name]) => name === `fail-count-${key}`)?.[1] ?? "0") || 0;
  const others = attributes.filter(([name]) => name !== `fail-count-${key}` && name !== `last-failure-${key}`);
  return [...others, [`fail-count-${key}`, String(previous + 1)], [`last-failure-${key}`, String(nowS)]];
}

function findPrimitive(resources: ResourceConfig[], id: string): PrimitiveConfig | undefined {
  for (const rsc of resources) {
    if (rsc.kind === "primitive" && rsc.id === id) return rsc;
    const children: ResourceConfig[] = rsc.kind === "group" ? rsc.children : rsc.kind === "clone" ? [rsc.child] : rsc.kind === "bundle" && rsc.child ? [rsc.child] : [];
    const found = findPrimitive(children, id);
    if (found !== undefined) return found;
  }
  return undefined;
}

function changeTicket(input: SchedulerInput, id: string, change: "grant" | "revoke" | "standby" | "activate"): SchedulerInput["tickets"] {
  const existing = input.tickets.find((t) => t.id === id) ?? { id, granted: false, standby: false };
  const updated = {
    ...existing,
    ...(change === "grant" ? { granted: true } : change === "revoke" ? { granted: false } : { standby: change === "standby" }),
  };
  return [...input.tickets.filter((t) => t.id !== id), updated];
}
