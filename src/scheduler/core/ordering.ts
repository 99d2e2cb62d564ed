import type { Constraints } from "./constraints.js";
import type { NodeName, PrimitiveRsc, Rsc } from "./model.js";
import { cloneOf, primitivesOf } from "./model.js";
import type { Blocker } from "./changes.js";
import { allowMigrate } from "./meta.js";
import { notifies } from "./notify.js";

/** "then" may start only once one of "first" is running. */
interface Edge {
  /** "first" is a clone: an instance starting restarts "then" only on its node (every instance of a clone "then"). */
  fromClone?: boolean;
  /** symmetrical=false: "then" does not restart when "first" does. */
  oneWay?: boolean;
  /** At least this many of "first" must run (clone-min); also stops a "then" that stays in place. */
  minimum?: number;
  first: PrimitiveRsc[];
  reason: string;
  then: PrimitiveRsc[];
  /** Symmetrical: a running "then" stops when "first" stops for good. */
  stopsWithFirst?: boolean;
  /** Only restarts propagate along it (an order after a clone's promotion). */
  restartOnly?: boolean;
  /** The restart it causes is shown without a reason (restart-type=restart on an optional order). */
  bare?: boolean;
  /** "then" is a group's members: a restart reaches its first member only, the rest follow along the group. */
  groupThen?: boolean;
}

export interface OrderingEffects {
  restarts: Map<PrimitiveRsc, string>;
}

/** Whether "first" starts on `node` in this transition (an inhibited instance counts: its start is required but cannot run). */
type StartsOn = (f: PrimitiveRsc, node: NodeName | undefined) => boolean;

/** Whether a primitive will (re)start in this transition (a migration does not restart what depends on it). */
function restartsOrMoves(p: PrimitiveRsc, restarts: Map<PrimitiveRsc, string>): boolean {
  if (restarts.has(p)) return true;
  if (p.assigned === undefined) return false;
  const migrates = allowMigrate(p) && p.active.length === 1 && !p.active[0]!.failed && p.active[0]!.node !== p.assigned;
  return !migrates && needsStart(p);
}

/**
 * Mandatory orderings: when "first" stops and starts again (`initial`: restarts decided
 * before ordering), a "then" that stays in place restarts with it; when "first" cannot start, "then" cannot run either.
 */
export function applyOrderings(resources: Rsc[], constraints: Constraints, unrunnable: Map<PrimitiveRsc, Blocker>, initial: Map<PrimitiveRsc, string>): OrderingEffects {
  const restarts = new Map(initial);
  const inhibited = inhibitInterleaved(constraints, unrunnable);
  const startsOn: StartsOn = (f, node) => {
    const on = inhibited.get(f) ?? (restartsOrMoves(f, restarts) ? f.assigned : undefined);
    return on !== undefined && (node === undefined || on === node);
  };
  const edges: Edge[] = [];
  for (const top of resources) {
    for (const group of groupsOf(top)) {
      for (let i = 1; i < group.length; i++) edges.push({ first: [group[i - 1]!], reason: `${group[i - 1]!.id} start`, then: [group[i]!], stopsWithFirst: true });
    }
  }
  const anyOf = new Map<string, Edge>();
  // A symmetrical order also orders the stops the other way round (same id).
  const symmetrical = new Set(constraints.orderings.filter((o) => o.firstAction === "stop" && o.thenAction === "stop").map((o) => o.id));
  for (const o of constraints.orderings) {
    const promoted = promotionEdge(o) ?? restartTypeEdge(o);
    if (promoted !== undefined) edges.push(promoted);
    if (o.kind !== "Mandatory" || o.firstAction !== "start" || o.thenAction !== "start") continue;
    const firsts = o.first.kind === "group" ? o.first.children.slice(-1) : primitivesOf(o.first);
    if (o.anyOf !== undefined) {
      const key = `${o.anyOf}\u0000${o.then.id}`;
      const existing = anyOf.get(key);
      if (existing !== undefined) existing.first.push(...firsts);
      else {
        const edge = { first: [...firsts], reason: `one-or-more:${o.anyOf}`, then: primitivesOf(o.then) };
        anyOf.set(key, edge);
        edges.push(edge);
      }
      continue;
    }
    if (o.cloneMin !== undefined) {
      edges.push({ first: firsts, reason: `clone-one-or-more:${o.id}`, then: primitivesOf(o.then), fromClone: true, minimum: o.cloneMin });
      continue;
    }
    const interleaved = interleavedEdges(o.first, o.then, symmetrical.has(o.id), o.oneWay === true);
    if (interleaved !== undefined) {
      edges.push(...interleaved);
      continue;
    }
    const action = o.first.kind === "primitive" ? "start" : "running";
    edges.push({ first: firsts, reason: `${o.first.id} ${action}`, then: primitivesOf(o.then), fromClone: o.first.kind === "clone", stopsWithFirst: symmetrical.has(o.id), oneWay: o.oneWay === true, groupThen: o.then.kind === "group" });
  }
  propagateUnrunnable(edges, unrunnable);
  for (let round = 0; round < 10; round++) {
    let changed = false;
    for (const e of edges) {
      // clone-min: "then" waits for enough instances, not for each one that starts.
      if (e.oneWay === true || e.minimum !== undefined) continue;
      for (const t of e.groupThen === true ? e.then.slice(0, 1) : e.then) {
        if (restarts.has(t) || unrunnable.has(t)) continue;
        if (!e.first.some((f) => (e.fromClone === true ? cloneStartsFor(f, t, startsOn) : restartsOrMoves(f, restarts)))) continue;
        if (t.active.length === 1 && t.assigned === t.active[0]!.node && !t.active[0]!.failed) {
          restarts.set(t, e.bare === true ? "" : `due to required ${e.reason}`);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { restarts };
}

/**
 * A mandatory order after a promotable clone's promotion: what starts after it restarts
 * when the instance to be promoted restarts (it is promoted again); an optional one
 * too when "then" has the deprecated restart-type=restart. With notifications
 * the start waits for the clone's post-promote notifications ("notified").
 */
function promotionEdge(o: Constraints["orderings"][number]): Edge | undefined {
  if (o.firstAction !== "promote" || o.thenAction !== "start" || o.first.kind !== "clone") return undefined;
  // restart-type=restart (deprecated) makes "then" restart along an optional order too.
  if (o.kind !== "Mandatory" && !(o.kind === "Optional" && o.then.meta.get("restart-type") === "restart")) return undefined;
  const first = primitivesOf(o.first).filter((p) => p.nextRole === "Promoted");
  const action = notifies(o.first) ? "notified" : "promoted";
  // A group restarts from its first member on, along its own chain.
  const then = o.then.kind === "group" ? o.then.children.slice(0, 1) : primitivesOf(o.then);
  return { first, reason: `${o.first.id} ${action}`, then, oneWay: o.oneWay === true, restartOnly: true };
}

/**
 * The deprecated restart-type=restart on the "then" of an optional order: it restarts
 * whenever "first" stops and starts again, "due to required <first> start" when the
 * order is about starts; crm_simulate gives no reason for an order between stops.
 */
function restartTypeEdge(o: Constraints["orderings"][number]): Edge | undefined {
  if (o.kind !== "Optional" || o.then.meta.get("restart-type") !== "restart") return undefined;
  const then = o.then.kind === "group" ? o.then.children.slice(0, 1) : primitivesOf(o.then);
  const reason = `${o.first.id} ${o.first.kind === "primitive" ? "start" : "running"}`;
  return { first: primitivesOf(o.first), reason, then, restartOnly: true, bare: o.thenAction !== "start" };
}

/**
 * A clone's "running" matters to what is ordered after it where that runs: an instance
 * (re)starting on the node of a primitive or group restarts it; every instance of a
 * clone ordered after it (not interleaved) restarts when any instance starts anywhere.
 */
function cloneStartsFor(f: PrimitiveRsc, then: PrimitiveRsc, startsOn: StartsOn): boolean {
  return startsOn(f, cloneOf(then) === undefined ? then.assigned : undefined);
}

/**
 * interleave=true: an instance of the "then" clone placed on a node where no instance of
 * "first" is placed may not run there. It is taken off its node (a running one stops,
 * without a reason); its start counts as required and unrunnable. Repeats down chains of
 * interleaved clones. Returns each inhibited primitive with the node it was placed on.
 */
function inhibitInterleaved(constraints: Constraints, unrunnable: Map<PrimitiveRsc, Blocker>): Map<PrimitiveRsc, NodeName> {
  const inhibited = new Map<PrimitiveRsc, NodeName>();
  const orders = constraints.orderings.filter((o) => o.kind === "Mandatory" && o.firstAction === "start" && o.thenAction === "start" && o.anyOf === undefined && o.cloneMin === undefined);
  for (let changed = true; changed;) {
    changed = false;
    for (const o of orders) {
      const { first, then } = o;
      if (first.kind !== "clone" || then.kind !== "clone" || !then.interleave) continue;
      for (const t of then.instances) {
        const node = primitivesOf(t)[0]?.assigned;
        if (node === undefined || first.instances.some((f) => primitivesOf(f).some((p) => p.assigned === node))) continue;
        for (const p of primitivesOf(t)) {
          inhibited.set(p, node);
          p.assigned = undefined;
          unrunnable.set(p, { reason: undefined, blocked: false });
        }
        changed = true;
      }
    }
  }
  return inhibited;
}

/**
 * interleave=true on the "then" clone: each of its instances depends only on the
 * instance of "first" on its own node (Pacemaker Explained, "Clone Options").
 */
function interleavedEdges(first: Rsc, then: Rsc, stopsWithFirst: boolean, oneWay: boolean): Edge[] | undefined {
  if (first.kind !== "clone" || then.kind !== "clone" || !then.interleave) return undefined;
  const edges: Edge[] = [];
  for (const t of then.instances) {
    const node = primitivesOf(t)[0]?.assigned ?? primitivesOf(t)[0]?.active[0]?.node;
    if (node === undefined) continue;
    const local = first.instances.find((f) => primitivesOf(f).some((p) => p.assigned === node || p.active.some((a) => a.node === node)));
    if (local === undefined) continue;
    const firsts = local.kind === "group" ? local.children.slice(-1) : [local];
    edges.push({ first: firsts, reason: `${firsts[0]!.id} start`, then: primitivesOf(t), stopsWithFirst, oneWay });
  }
  return edges;
}

function needsStart(p: PrimitiveRsc): boolean {
  return !p.active.some((a) => a.node === p.assigned && !a.failed);
}

/** Whether a primitive will be active after the transition, counting what it must start. */
function startRunnable(p: PrimitiveRsc, unrunnable: Map<PrimitiveRsc, Blocker>): boolean {
  if (p.assigned === undefined || unrunnable.has(p)) return false;
  const inPlace = p.active.some((a) => a.node === p.assigned && !a.failed);
  return inPlace || !p.blocked;
}

/**
 * "then" cannot start before "first" does: when no copy of "first" will run, "then"
 * stops (or its start is shown as blocked), and so on down the chain.
 */
function propagateUnrunnable(edges: Edge[], unrunnable: Map<PrimitiveRsc, Blocker>): void {
  for (let round = 0; round < 20; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.restartOnly === true) continue;
      const runnable = e.first.filter((f) => startRunnable(f, unrunnable)).length;
      if (runnable >= (e.minimum ?? 1)) continue;
      // Symmetrical: a running "then" stops too ("required" when "first" is stopping now).
      const stopping = e.first.some((f) => f.active.length > 0);
      for (const t of e.then) {
        if (unrunnable.has(t) || t.assigned === undefined || t.blocked) continue;
        const inPlace = !needsStart(t);
        if (inPlace && e.minimum === undefined && e.stopsWithFirst !== true) continue;
        const running = t.active.length > 0;
        // A clone instance whose first is a clone with nothing placed at all waits on an unrunnable action.
        const firstPlaced = e.first.some((f) => f.assigned !== undefined);
        const cloneWait = cloneOf(t) !== undefined && e.first.every((f) => cloneOf(f) !== undefined) && !firstPlaced;
        const why = inPlace && e.minimum === undefined && stopping && !cloneWait ? "required" : "unrunnable";
        unrunnable.set(t, { reason: `due to ${why} ${e.reason}`, blocked: !running });
        changed = true;
      }
    }
    if (!changed) return;
  }
}

function groupsOf(rsc: Rsc): PrimitiveRsc[][] {
  if (rsc.kind === "group") return [rsc.children];
  if (rsc.kind === "clone") return rsc.instances.flatMap((i) => (i.kind === "group" ? [i.children] : []));
  return [];
}
