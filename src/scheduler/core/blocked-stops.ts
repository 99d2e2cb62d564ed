import type { Constraints } from "./constraints.js";
import type { PrimitiveRsc, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { isManaged } from "./meta.js";

/** "after" may stop only once "before" has stopped. */
interface StopEdge {
  before: PrimitiveRsc;
  after: PrimitiveRsc;
  /** The edge comes from a group's implicit order (the summary then names the blocker). */
  group: boolean;
}

/**
 * Stops that cannot run: a resource that must stop after one that cannot be stopped
 * (blocked by a failure, or unmanaged) keeps running, and so does anything that must
 * stop after it. Returns each such resource with the blocked resource that holds it.
 */
export function blockedStops(resources: Rsc[], constraints: Constraints): Map<PrimitiveRsc, { blocker: PrimitiveRsc; group: boolean }> {
  const edges = stopEdges(resources, constraints);
  const result = new Map<PrimitiveRsc, { blocker: PrimitiveRsc; group: boolean }>();
  const stuck = (p: PrimitiveRsc): boolean => p.active.length > 0 && (p.blocked || !isManaged(p));
  for (let round = 0; round < 20; round++) {
    let changed = false;
    for (const e of edges) {
      if (result.has(e.after) || !(stuck(e.before) || result.has(e.before))) continue;
      result.set(e.after, { blocker: result.get(e.before)?.blocker ?? e.before, group: e.group });
      changed = true;
    }
    if (!changed) break;
  }
  return result;
}

function stopEdges(resources: Rsc[], constraints: Constraints): StopEdge[] {
  const edges: StopEdge[] = [];
  for (const top of resources) {
    const groups = top.kind === "group" ? [top] : top.kind === "clone" ? top.instances.filter((i) => i.kind === "group") : [];
    for (const g of groups) {
      // Members stop in reverse order.
      for (let i = 1; i < g.children.length; i++) edges.push({ before: g.children[i]!, after: g.children[i - 1]!, group: true });
    }
  }
  for (const o of constraints.orderings) {
    if (o.kind !== "Mandatory" || o.firstAction !== "stop" || o.thenAction !== "stop") continue;
    for (const before of primitivesOf(o.first)) for (const after of primitivesOf(o.then)) edges.push({ before, after, group: false });
  }
  return edges;
}
