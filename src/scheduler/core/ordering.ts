import type { Constraints } from "./constraints.js";
import type { PrimitiveRsc, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import type { Blocker } from "./changes.js";

export interface OrderingEffects {
  restarts: Map<PrimitiveRsc, string>;
}

/** What a primitive will do, as far as ordering cares. */
function willStop(p: PrimitiveRsc): boolean {
  return p.active.length > 0 && (p.assigned === undefined || p.active.some((a) => a.node !== p.assigned || a.failed));
}

function willStart(p: PrimitiveRsc): boolean {
  return p.assigned !== undefined && !p.active.some((a) => a.node === p.assigned && !a.failed);
}

/**
 * Mandatory orderings: when "first" stops and starts again, a "then" that stays in
 * place restarts with it; when "first" cannot start, "then" cannot run either.
 */
export function applyOrderings(resources: Rsc[], constraints: Constraints, unrunnable: Map<PrimitiveRsc, Blocker>): OrderingEffects {
  const restarts = new Map<PrimitiveRsc, string>();
  const edges: Array<{ first: PrimitiveRsc[]; firstId: string; then: PrimitiveRsc[] }> = [];
  for (const top of resources) {
    for (const group of groupsOf(top)) {
      for (let i = 1; i < group.length; i++) edges.push({ first: [group[i - 1]!], firstId: group[i - 1]!.id, then: [group[i]!] });
    }
  }
  for (const o of constraints.orderings) {
    if (o.kind !== "Mandatory" || o.firstAction !== "start" || o.thenAction !== "start") continue;
    edges.push({ first: primitivesOf(o.first), firstId: o.first.id, then: primitivesOf(o.then) });
  }
  for (let round = 0; round < 10; round++) {
    let changed = false;
    for (const e of edges) {
      const restarting = e.first.some((f) => willStop(f) && f.assigned !== undefined || restarts.has(f));
      if (!restarting) continue;
      for (const t of e.then) {
        if (restarts.has(t) || unrunnable.has(t)) continue;
        if (t.active.length === 1 && t.assigned === t.active[0]!.node && !t.active[0]!.failed) {
          restarts.set(t, `due to required ${e.firstId} start`);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  void willStart;
  return { restarts };
}

function groupsOf(rsc: Rsc): PrimitiveRsc[][] {
  if (rsc.kind === "group") return [rsc.children];
  if (rsc.kind === "clone") return rsc.instances.flatMap((i) => (i.kind === "group" ? [i.children] : []));
  return [];
}
