import type { LrmOp, NodeStatus, SchedulerInput } from "../../cib/index.js";

/** What-if changes to the status, like crm_simulate's --node-up / --node-down / --node-fail / --op-fail. */
export type WhatIf =
  | { kind: "node-up"; node: string }
  | { kind: "node-down"; node: string }
  | { kind: "node-fail"; node: string }
  | { kind: "op-fail"; resource: string; operation: string; intervalMs: number; node: string; rc: number };

/** Parses RSC_OP_INTERVAL@NODE=RC (e.g. "web_monitor_10000@node1=7"). */
export function parseOpFail(spec: string): WhatIf | string {
  const m = /^(.+)_([a-z_]+?)_(\d+)@([^=]+)=(\d+)$/.exec(spec);
  if (!m) return `--op-fail wants RSC_OP_INTERVAL@NODE=RC, got "${spec}"`;
  return { kind: "op-fail", resource: m[1]!, operation: m[2]!, intervalMs: Number(m[3]), node: m[4]!, rc: Number(m[5]) };
}

/** Returns a copy of the input with the what-ifs applied; an unknown node is an error. */
export function applyWhatIfs(input: SchedulerInput, whatIfs: WhatIf[]): SchedulerInput | string {
  let current: SchedulerInput = { ...input, status: input.status.map((s) => ({ ...s, resources: s.resources.map((r) => ({ ...r, ops: [...r.ops] })) })) };
  for (const w of whatIfs) {
    const result = applyOne(current, w);
    if (typeof result === "string") return result;
    current = result;
  }
  return current;
}

function applyOne(input: SchedulerInput, w: WhatIf): SchedulerInput | string {
  const config = input.nodes.find((n) => n.uname === w.node || n.id === w.node);
  if (config === undefined) return `no node named "${w.node}" in the configuration`;
  let state = input.status.find((s) => s.id === config.id);
  if (state === undefined) {
    state = { id: config.id, uname: config.uname, inCcm: "false", crmd: "offline", join: "down", expected: "down", attributes: [], resources: [] };
    input.status.push(state);
  }
  switch (w.kind) {
    case "node-up":
      Object.assign(state, { inCcm: "true", crmd: "online", join: "member", expected: "member" });
      return input;
    case "node-down":
      Object.assign(state, { inCcm: "false", crmd: "offline", join: "down", expected: "down" });
      return input;
    case "node-fail":
      Object.assign(state, { inCcm: "false", crmd: "offline", join: "down", expected: "member" });
      return input;
    case "op-fail":
      return failOperation(input, state, w);
  }
}

function failOperation(input: SchedulerInput, state: NodeStatus, w: Extract<WhatIf, { kind: "op-fail" }>): SchedulerInput {
  let resource = state.resources.find((r) => r.id === w.resource);
  if (resource === undefined) {
    resource = { id: w.resource, class: undefined, provider: undefined, type: undefined, ops: [] };
    state.resources.push(resource);
  }
  const lastCall = Math.max(0, ...input.status.flatMap((s) => s.resources.flatMap((r) => r.ops.map((o) => o.callId))));
  const op: LrmOp = {
    id: `${w.resource}_last_failure_0`, operation: w.operation, interval: w.intervalMs, callId: lastCall + 1,
    rcCode: w.rc, opStatus: 0, expectedRc: w.operation === "monitor" && w.intervalMs === 0 ? 7 : 0,
    lastRcChange: input.now, opDigest: undefined, migrateSource: undefined, migrateTarget: undefined,
  };
  resource.ops.push(op);
  if (w.rc !== op.expectedRc) {
    // As the cluster would after the failure: a failed start bans the node (start-failure-is-fatal).
    const count = w.operation === "start" ? "INFINITY" : "1";
    state.attributes = [...state.attributes, [`fail-count-${w.resource}#${w.operation}_${w.intervalMs}`, count]];
  }
  return input;
}
