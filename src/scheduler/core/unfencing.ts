import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isFencingDevice, type FencingPolicy } from "./fencing.js";
import { isTrueValue } from "./options.js";

/** The summary's reason for unfencing a node whose device's parameters changed. */
export const DEVICE_CHANGED = "Device parameters changed";
/** The restart reason of what runs on a node that is unfenced under it. */
export const REQUIRED_STONITH = "due to required stonith";

/**
 * Unfencing (Pacemaker Explained, "Unfencing"): before a node may run what needs
 * fencing (when a device provides=unfencing or a resource requires=unfencing), the
 * node is fenced "on" once; the node attribute #node-unfenced records that it was.
 * A fencing device whose parameters changed unfences its node again.
 */
export interface UnfencingPlan {
  /**
   * Nodes that need unfencing if anything that needs it is probed or started there,
   * with the reason when it is already known (a device's parameters changed).
   */
  candidates: Map<NodeName, string | undefined>;
  /** What runs on a node to be unfenced restarts behind the unfencing. */
  restarts: Map<PrimitiveRsc, string>;
}

export function planUnfencing(resources: Rsc[], nodes: SchedNode[], policy: FencingPolicy, fenced: ReadonlySet<NodeName>): UnfencingPlan {
  const candidates = new Map<NodeName, string | undefined>();
  const restarts = new Map<PrimitiveRsc, string>();
  if (!policy.unfencingEnabled) return { candidates, restarts };
  const eligible = nodes.filter((n) => n.online && !n.unclean && !n.shutdown && !fenced.has(n.name) && n.attributes.get("#kind") === "cluster");
  const all = resources.flatMap(primitivesOf);
  for (const node of eligible) {
    const changedDevice = all.some((p) => isFencingDevice(p) && p.definitionChange !== "none" && p.active.some((a) => a.node === node.name));
    if (changedDevice) candidates.set(node.name, DEVICE_CHANGED);
    else if (!unfenced(node)) candidates.set(node.name, undefined);
  }
  for (const p of all) {
    if (!policy.needsUnfencing(p) || p.active.length !== 1 || p.blocked) continue;
    const here = p.active[0]!;
    if (candidates.has(here.node) && p.assigned === here.node && !here.failed) restarts.set(p, REQUIRED_STONITH);
  }
  return { candidates, restarts };
}

/** #node-unfenced holds when the node was last unfenced (absent or 0: never). */
function unfenced(node: SchedNode): boolean {
  const value = node.attributes.get("#node-unfenced");
  return value !== undefined && value !== "0" && (/^\d+$/.test(value) || isTrueValue(value));
}
