import type { Constraints } from "./constraints.js";
import type { PrimitiveRsc, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import type { Blocker } from "./changes.js";
import { allowMigrate } from "./meta.js";

export interface OrderingEffects {
  restarts: Map<PrimitiveRsc, string>;
}

/** Whether a primitive stops and starts again (a migration does not restart what depends on it). */
function restartsOrMoves(p: PrimitiveRsc, restarts: Map<PrimitiveRsc, string>): boolean {
  if (restarts.has(p)) return true;
  if (p.active.length === 0 || p.assigned === undefined) return false;
  const migrates = allowMigrate(p) && p.active.length === 1 && !p.active[0]!.failed && p.active[0]!.node !== p.assigned;
  return !migrates && p.active.some((a) => a.node !== p.assigned || a.failed);
}

/**
 * Mandatory orderings: when "first" stops and starts again, a "then" that stays in
 * place restarts with it; when "first" cannot start, "then" cannot run either.
 */
export function applyOrderings(resources: Rsc[], constraints: Constraints, unrunnable: Map<PrimitiveRsc, Blocker>): OrderingEffects {
  const restarts = new Map<PrimitiveRsc, string>();
  const edges: Array<{ first: PrimitiveRsc[]; reason: string; then: PrimitiveRsc[] }> = [];
  for (const top of resources) {
    for (const group of groupsOf(top)) {
      for (let i = 1; i < group.length; i++) edges.push({ first: [group[i - 1]!], reason: `${group[i - 1]!.id} start`, then: [group[i]!] });
    }
  }
  for (const o of constraints.orderings) {
    if (o.kind !== "Mandatory" || o.firstAction !== "start" || o.thenAction !== "start") continue;
    const action = o.first.kind === "primitive" ? "start" : "running";
    edges.push({ first: primitivesOf(o.first), reason: `${o.first.id} ${action}`, then: primitivesOf(o.then) });
  }
  for (let round = 0; round < 10; round++) {
    let changed = false;
    for (const e of edges) {
      const restarting = e.first.some((f) => restartsOrMoves(f, restarts));
      if (!restarting) continue;
      for (const t of e.then) {
        if (restarts.has(t) || unrunnable.has(t)) continue;
        if (t.active.length === 1 && t.assigned === t.active[0]!.node && !t.active[0]!.failed) {
          restarts.set(t, `due to required ${e.reason}`);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { restarts };
}

function groupsOf(rsc: Rsc): PrimitiveRsc[][] {
  if (rsc.kind === "group") return [rsc.children];
  if (rsc.kind === "clone") return rsc.instances.flatMap((i) => (i.kind === "group" ? [i.children] : []));
  return [];
}
