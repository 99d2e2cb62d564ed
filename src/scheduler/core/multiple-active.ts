import type { ActiveOn, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import type { Change } from "./changes.js";

/**
 * multiple-active (Pacemaker Explained, "Resource Meta-Attributes"): what to do
 * with a resource found active on more than one node. block leaves every copy
 * alone (unmanaged); stop_only stops every copy; stop_start (the default) stops
 * every copy and starts one where placement puts it; stop_unexpected stops only
 * the copies away from where it is placed and leaves that one running.
 */
export type MultipleActivePolicy = "block" | "stop_only" | "stop_start" | "stop_unexpected";

export function multipleActivePolicy(p: PrimitiveRsc): MultipleActivePolicy {
  const value = p.meta.get("multiple-active")?.toLowerCase();
  return value === "block" || value === "stop_only" || value === "stop_unexpected" ? value : "stop_start";
}

export function isMultiplyActive(p: PrimitiveRsc): boolean {
  return p.active.length > 1;
}

/**
 * Before placement: a fencing device's copies on nodes about to be fenced go
 * away with the fencing (the copy on a clean node is what counts); then block
 * leaves the resource where it is and stop_only keeps it stopped.
 */
export function settleMultipleActive(resources: Rsc[], nodes: SchedNode[]): void {
  const unclean = new Set(nodes.filter((n) => n.unclean).map((n) => n.name));
  for (const p of resources.flatMap(primitivesOf)) {
    if (!isMultiplyActive(p)) continue;
    if (p.config.class === "stonith" && p.active.some((a) => !unclean.has(a.node))) {
      p.active = p.active.filter((a) => !unclean.has(a.node));
      if (!isMultiplyActive(p)) continue;
    }
    const policy = multipleActivePolicy(p);
    if (policy === "block") p.blocked = true;
    else if (policy === "stop_only") p.forceStop = true;
  }
}

/**
 * Resources whose copies all stop and one starts again in place: what is ordered
 * after them restarts too (their own summary line carries no reason).
 */
export function multipleActiveRestarts(resources: Rsc[]): Set<PrimitiveRsc> {
  const restarting = new Set<PrimitiveRsc>();
  for (const p of resources.flatMap(primitivesOf)) {
    if (isMultiplyActive(p) && !p.blocked && p.assigned !== undefined) restarting.add(p);
  }
  return restarting;
}

type Make = (verb: Change["verb"], from: ActiveOn | undefined, to: Change["to"], reason?: string) => Change;

/**
 * The summary of a multiply active resource: a stop line per copy when it is to
 * stop, else one line from its first copy (in status order): Restart when it
 * stays there, Move otherwise. The line carries every node whose copy stops.
 */
export function multipleActiveChanges(p: PrimitiveRsc, target: Change["to"], stopReason: string | undefined, make: Make): Change[] {
  if (target === undefined) return p.active.map((a) => make("Stop", a, undefined, stopReason ?? "due to node availability"));
  const first = p.active[0]!;
  const unexpected = multipleActivePolicy(p) === "stop_unexpected";
  const verb = first.node === target.node ? "Restart" : "Move";
  const reason = unexpected && verb === "Move" ? "due to being multiply active" : undefined;
  const stopsOn: NodeName[] = p.active.map((a) => a.node).filter((node) => !(unexpected && node === target.node));
  return [{ ...make(verb, first, target, reason), stopsOn, pseudoStart: unexpected }];
}
