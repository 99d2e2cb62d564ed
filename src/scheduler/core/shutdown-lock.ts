import type { SchedulerInput } from "../../cib/index.js";
import type { ClusterOptions } from "./options.js";
import { isTrueValue } from "./options.js";
import type { Location } from "./constraints.js";
import type { PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { parseIntervalMs } from "./rules.js";
import { MINUS_INFINITY } from "./score.js";

/**
 * shutdown-lock (Pacemaker Explained, "Cluster Options"): what ran on a node that shut
 * down cleanly stays locked to it, not recovered elsewhere, while the node is away
 * and shutdown-lock-limit (0: no limit) has not passed since the lock. The lock is
 * recorded on the node's history of the resource.
 */
export function shutdownLocks(input: SchedulerInput, resources: Rsc[], nodes: SchedNode[], options: ClusterOptions, now: number): Location[] {
  if (!isTrueValue(options.all.get("shutdown-lock"))) return [];
  const limitS = parseIntervalMs(options.all.get("shutdown-lock-limit")) / 1000;
  const byId = new Map<string, PrimitiveRsc>(resources.flatMap(primitivesOf).map((p) => [p.id, p] as const));
  const nodeById = new Map(nodes.map((n) => [n.id, n] as const));
  const locks: Location[] = [];
  for (const state of input.status) {
    const node = nodeById.get(state.id);
    if (node === undefined || node.online) continue;
    for (const lrm of state.resources) {
      const p = byId.get(lrm.id);
      if (p === undefined || lrm.shutdownLock === undefined || (limitS > 0 && lrm.shutdownLock + limitS <= now)) continue;
      const elsewhere = new Map(nodes.filter((n) => n !== node).map((n) => [n.name, MINUS_INFINITY] as const));
      locks.push({ id: `shutdown-lock-${p.id}`, rsc: p, role: undefined, scores: elsewhere, discovery: "always" });
    }
  }
  return locks;
}
