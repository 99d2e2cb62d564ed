import type { Change } from "./changes.js";
import type { Constraints } from "./constraints.js";
import type { StatusView } from "./status.js";
import type { FenceLine } from "./summary.js";

/** One action of the transition graph. */
export interface GraphAction {
  id: number;
  /** Resource instance id, or the node for fencing. */
  resource: string;
  operation: string;
  node: string;
  intervalMs: number;
  timeoutMs: number;
}

export interface TransitionGraph {
  actions: GraphAction[];
  /** [before, after]: the second action waits for the first. */
  edges: Array<[number, number]>;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** Turns planned changes into actions (fence, stop, migrate, start, promote, ...) and their order. */
export function buildGraph(changes: Change[], fences: FenceLine[], constraints: Constraints, status: StatusView): TransitionGraph {
  const actions: GraphAction[] = [];
  const edges: Array<[number, number]> = [];
  const add = (resource: string, operation: string, node: string, intervalMs = 0): number => {
    const id = actions.length;
    actions.push({ id, resource, operation, node, intervalMs, timeoutMs: DEFAULT_TIMEOUT_MS });
    return id;
  };
  const fenceIds = new Map<string, number>();
  for (const f of fences) fenceIds.set(f.node, add(f.node, `stonith-${f.action}`, f.node));
  const startOf = new Map<string, number>();
  const stopOf = new Map<string, number>();
  for (const change of changes) {
    if (change.blocked) continue;
    const id = change.rsc.id;
    const from = change.from, to = change.to;
    let stop: number | undefined;
    if (change.verb === "Reload" && to !== undefined) {
      add(id, "reload-agent", to.node);
      continue;
    }
    if (from !== undefined && change.verb !== "Promote" && change.verb !== "Demote" && change.verb !== "Migrate") {
      if (from.role === "Promoted" && to?.role !== "Promoted") stop = add(id, "demote", from.node);
      const s = add(id, "stop", from.node);
      if (stop !== undefined) edges.push([stop, s]);
      stop = s;
      stopOf.set(id, s);
      const fence = fenceIds.get(from.node);
      if (fence !== undefined) edges.push([fence, s]);
    }
    if (change.verb === "Migrate" && from !== undefined && to !== undefined) {
      const a = add(id, "migrate_to", from.node), b = add(id, "migrate_from", to.node), c = add(id, "stop", from.node);
      edges.push([a, b], [b, c]);
      startOf.set(id, b);
      continue;
    }
    if (to === undefined || change.verb === "Stop") continue;
    let last: number | undefined;
    if (from === undefined || (change.verb !== "Promote" && change.verb !== "Demote")) {
      last = add(id, "start", to.node);
      if (stop !== undefined) edges.push([stop, last]);
      startOf.set(id, last);
    }
    if (to.role === "Promoted" && from?.role !== "Promoted") {
      const p = add(id, "promote", to.node);
      if (last !== undefined) edges.push([last, p]);
    }
    if (change.verb === "Demote") add(id, "demote", to.node);
  }
  for (const o of constraints.orderings) {
    const f = o.firstAction === "stop" ? stopOf.get(o.first.id) : startOf.get(o.first.id);
    const t = o.thenAction === "stop" ? stopOf.get(o.then.id) : startOf.get(o.then.id);
    if (f !== undefined && t !== undefined) edges.push([f, t]);
  }
  void status;
  return { actions, edges };
}
