import type { NodeConfig, NodeStatus, SchedulerInput } from "../../cib/index.js";
import type { ClusterOptions } from "./options.js";
import { isTrueValue } from "./options.js";
import type { SchedNode } from "./model.js";
import { resolveNvSets } from "./rules.js";
import { nodeHealth } from "./health.js";

/** Builds the cluster nodes with their membership state (online, unclean, standby, ...). */
export function unpackNodes(input: SchedulerInput, options: ClusterOptions, now: number): SchedNode[] {
  const statusById = new Map<string, NodeStatus>();
  for (const state of input.status) statusById.set(state.id, state);
  return input.nodes
    .filter((config) => config.type !== "ping" && config.type !== "remote")
    .map((config) => {
      const node = buildNode(config, statusById.get(config.id), options, now);
      // #is_dc (Rules, "Node Attribute Expressions"): whether the node is the DC the CIB names.
      node.attributes.set("#is_dc", String(input.dcUuid !== undefined && config.id === input.dcUuid));
      return node;
    });
}

export function buildNode(config: NodeConfig, state: NodeStatus | undefined, options: ClusterOptions, now: number): SchedNode {
  const base = new Map<string, string>([["#uname", config.uname], ["#id", config.id], ["#kind", config.type === "remote" ? "remote" : "cluster"]]);
  const configured = resolveNvSets(config.attributes, { node: base, now });
  const attributes = new Map([...base, ...configured]);
  for (const [name, value] of state?.attributes ?? []) attributes.set(name, value);
  const utilization = new Map<string, number>();
  for (const [name, value] of resolveNvSets(config.utilization, { node: attributes, now })) utilization.set(name, Number(value) || 0);
  const membership = membershipOf(state, options);
  const shutdown = (attributes.get("shutdown") ?? "0") !== "0";
  const terminate = isTrueValue(attributes.get("terminate"));
  return {
    id: config.id,
    name: config.uname,
    online: membership.online && !terminate,
    unclean: terminate && options.stonithEnabled ? true : membership.unclean,
    fenceReason: terminate && options.stonithEnabled ? "termination was requested" : membership.reason,
    standby: isTrueValue(attributes.get("standby")),
    maintenance: isTrueValue(attributes.get("maintenance")),
    shutdown,
    attributes,
    utilization,
    health: nodeHealth(attributes, options),
    assignedCount: 0,
  };
}

interface Membership {
  online: boolean;
  unclean: boolean;
  reason: string | undefined;
}

/** Reads in_ccm / crmd / join / expected the way the cluster reports membership. */
function membershipOf(state: NodeStatus | undefined, options: ClusterOptions): Membership {
  const unclean = (reason: string): Membership =>
    options.stonithEnabled ? { online: false, unclean: true, reason } : { online: false, unclean: false, reason: undefined };
  if (state === undefined) return options.startupFencing ? unclean("node is unclean") : { online: false, unclean: false, reason: undefined };
  const inCcm = truthy(state.inCcm);
  const crmdOnline = state.crmd === "online" || (state.crmd !== undefined && /^\d+$/.test(state.crmd) && state.crmd !== "0");
  const expectedDown = state.expected === "down";
  if (inCcm && crmdOnline) {
    if (state.join === "member") return { online: true, unclean: false, reason: undefined };
    return { online: false, unclean: false, reason: undefined };
  }
  if (!inCcm) {
    if (state.expected !== "member") return { online: false, unclean: false, reason: undefined };
    return unclean("peer is no longer part of the cluster");
  }
  if (expectedDown) return { online: false, unclean: false, reason: undefined };
  return unclean("peer process is no longer available");
}

function truthy(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return value !== "0";
  return isTrueValue(value);
}
