import type { CloneRsc, Rsc } from "./model.js";
import { instanceNumber, primitivesOf } from "./model.js";
import type { GraphBuilder } from "./graph.js";
import { notifies } from "./notify.js";

/**
 * The clone options every action of a clone instance passes to its agent (Pacemaker
 * Explained, "Clone Options"; agents read them as OCF_RESKEY_CRM_meta_clone_max, ...):
 * the instance number, clone-max, clone-node-max, globally-unique, notify and, for a
 * promotable clone, promoted-max and promoted-node-max under their current and legacy names.
 */
export function addCloneMeta(g: GraphBuilder, resources: Rsc[]): void {
  const byInstance = new Map<string, Record<string, string>>();
  for (const rsc of resources) {
    if (rsc.kind !== "clone") continue;
    const shared = cloneOptions(rsc);
    for (const instance of rsc.instances) {
      const meta = { clone: String(instanceNumber(instance)), ...shared };
      for (const p of primitivesOf(instance)) byInstance.set(p.id, meta);
    }
  }
  if (byInstance.size === 0) return;
  for (const a of g.actions) {
    const meta = a.pseudo ? undefined : byInstance.get(a.resource);
    if (meta !== undefined) a.meta = a.meta === undefined ? meta : { ...meta, ...a.meta };
  }
}

function cloneOptions(c: CloneRsc): Record<string, string> {
  const options: Record<string, string> = {
    clone_max: String(c.cloneMax),
    clone_node_max: String(c.cloneNodeMax),
    globally_unique: String(c.globallyUnique),
    notify: String(notifies(c)),
  };
  if (c.promotable) {
    const max = String(c.promotedMax), nodeMax = String(c.promotedNodeMax);
    Object.assign(options, { master_max: max, master_node_max: nodeMax, promoted_max: max, promoted_node_max: nodeMax });
  }
  return options;
}
