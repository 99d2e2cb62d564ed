import type { Constraints, Ordering } from "./constraints.js";
import type { PrimitiveRsc, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { INFINITY, addScores } from "./score.js";
import { failCount, type FailureTable } from "./status.js";
import { failureTimeoutS } from "./meta.js";

/**
 * The `container` meta-attribute: the resource runs inside another resource (a VM
 * or container started by the cluster). It runs where its container runs, after
 * it; a failure inside is recovered by restarting the container, and what fails
 * inside counts against the container's migration-threshold.
 */
export function containedIn(p: PrimitiveRsc, byId: Map<string, PrimitiveRsc>): PrimitiveRsc | undefined {
  const id = p.meta.get("container");
  const container = id === undefined ? undefined : byId.get(id);
  return container === p ? undefined : container;
}

/** Contained resources with their container. */
export function containment(resources: Rsc[]): Array<[inner: PrimitiveRsc, container: PrimitiveRsc]> {
  const all = resources.flatMap(primitivesOf);
  const byId = new Map(all.map((p) => [p.id, p] as const));
  const pairs: Array<[PrimitiveRsc, PrimitiveRsc]> = [];
  for (const p of all) {
    const container = containedIn(p, byId);
    if (container !== undefined) pairs.push([p, container]);
  }
  return pairs;
}

/**
 * Before placement: fail-counts inside add to the container's; a resource that
 * failed inside its running container makes the container restart (returned),
 * and one whose stop failed there is stopped by that restart instead of blocking.
 */
export function settleContainers(pairs: Array<[PrimitiveRsc, PrimitiveRsc]>, failures: FailureTable, now: number): Set<PrimitiveRsc> {
  const restarting = new Set<PrimitiveRsc>();
  for (const [inner, container] of pairs) {
    addFailCounts(inner, container, failures, now);
    const where = new Set(container.active.map((a) => a.node));
    if (!inner.active.some((a) => a.failed && where.has(a.node))) continue;
    restarting.add(container);
    const stuck = inner.stopFailedOn.filter((node) => where.has(node));
    if (stuck.length === 0) continue;
    inner.active = inner.active.filter((a) => !stuck.includes(a.node));
    inner.stopFailedOn = inner.stopFailedOn.filter((node) => !stuck.includes(node));
    inner.blocked = false;
  }
  return restarting;
}

/** A guest node's connection runs inside its container: its failures count against the container's migration-threshold too. */
export function countGuestFailures(pairs: Array<[connection: PrimitiveRsc, container: PrimitiveRsc]>, failures: FailureTable, now: number): void {
  for (const [connection, container] of pairs) addFailCounts(connection, container, failures, now);
}

function addFailCounts(inner: PrimitiveRsc, container: PrimitiveRsc, failures: FailureTable, now: number): void {
  for (const [node, byRsc] of failures) {
    const count = failCount(failures, inner, node, failureTimeoutS(inner), now);
    if (count <= 0) continue;
    const own = byRsc.get(container.id) ?? { count: 0 as typeof count, lastFailureAt: 0 };
    byRsc.set(container.id, { count: addScores(own.count, count), lastFailureAt: Math.max(own.lastFailureAt, byRsc.get(inner.id)?.lastFailureAt ?? 0) });
  }
}

/** Each contained resource runs with its container (INFINITY) and starts after it, stopping before it. */
export function addContainerConstraints(constraints: Constraints, pairs: Array<[PrimitiveRsc, PrimitiveRsc]>): void {
  for (const [inner, container] of pairs) {
    const id = `${inner.id}-in-${container.id}`;
    constraints.colocations.push({ id, dependent: inner, primary: container, score: INFINITY, dependentRole: undefined, primaryRole: undefined, nodeAttribute: "#uname" });
    constraints.orderings.push(order(id, container, "start", inner, "start"), order(id, inner, "stop", container, "stop"));
  }
}

function order(id: string, first: Rsc, firstAction: string, then: Rsc, thenAction: string): Ordering {
  return { id, anyOf: undefined, cloneMin: undefined, first, firstAction, then, thenAction, kind: "Mandatory" };
}
