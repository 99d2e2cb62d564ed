import type { Transition } from "../core/schedule.js";
import { CLEAR_FAILCOUNT, DO_SHUTDOWN, type GraphAction } from "../core/graph.js";
import type { PrimitiveConfig } from "../../cib/index.js";
import { primitivesOf } from "../core/model.js";

/** How the graph writers name an action: Pacemaker's operation key ("webip_start_0"). */
export function operationKey(action: GraphAction): string {
  if (isFencing(action)) return `stonith-${action.node}-${action.operation.slice("stonith-".length)}`;
  if (action.key !== undefined) return action.key;
  return `${action.resource}_${action.operation}_${action.intervalMs}`;
}

export function isFencing(action: GraphAction): boolean {
  return action.operation.startsWith("stonith-");
}

/** Actions the controller carries out itself (fencing, clearing a fail-count, a shutdown): Pacemaker's <crm_event>. */
export function isClusterEvent(action: GraphAction): boolean {
  return isFencing(action) || action.operation === CLEAR_FAILCOUNT || action.operation === DO_SHUTDOWN;
}

/** Resource instance id → its configuration, for the agent of each action. */
export function primitiveConfigs(t: Transition): Map<string, PrimitiveConfig> {
  const configs = new Map<string, PrimitiveConfig>();
  for (const p of t.resources.flatMap(primitivesOf)) configs.set(p.id, p.config);
  return configs;
}

/** Each action's prerequisites (the actions it waits for), in graph order. */
export function inputsOf(t: Transition): Map<number, number[]> {
  const inputs = new Map<number, number[]>();
  for (const [before, after] of t.graph.edges) {
    const list = inputs.get(after) ?? [];
    if (!list.includes(before)) list.push(before);
    inputs.set(after, list);
  }
  return inputs;
}
