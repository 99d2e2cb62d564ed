import type { NodeConfig, NodeStatus, SchedulerInput } from "../../cib/index.js";
import type { ClusterOptions } from "./options.js";
import { isTrueValue } from "./options.js";
import type { SchedNode } from "./model.js";
import { resolveNvSets } from "./rules.js";
import { nodeHealth } from "./health.js";
import { inPartition, membershipOf } from "./membership.js";

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
  const shutdown = (attributes.get("shutdown") ?? "0") !== "0";
  const terminate = isTrueValue(attributes.get("terminate"));
  const membership = membershipOf(state, options, shutdown, terminate);
  return {
    id: config.id,
    name: config.uname,
    online: membership.online,
    unclean: membership.unclean,
    fenceReason: membership.reason,
    pending: config.type !== "remote" && membership.pending,
    inPartition: config.type !== "remote" && inPartition(state),
    standby: isTrueValue(attributes.get("standby")),
    maintenance: isTrueValue(attributes.get("maintenance")),
    shutdown,
    attributes,
    utilization,
    health: nodeHealth(attributes, options),
    assignedCount: 0,
  };
}
