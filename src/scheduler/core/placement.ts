import type { ClusterOptions } from "./options.js";
import type { Colocation, Constraints, Location } from "./constraints.js";
import type { CloneRsc, GroupRsc, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { failCount, type FailureTable } from "./status.js";
import { failureTimeoutS, isManaged, migrationThreshold, priority, stickiness, targetRole } from "./meta.js";
import { addScores, INFINITY, MINUS_INFINITY, type Score, ZERO } from "./score.js";
import { applyPrimary, mergeDependents } from "./colocation-scores.js";
import { assignClone } from "./clone.js";
import { allocationOrder } from "./allocation-order.js";
import { isMultiplyActive } from "./multiple-active.js";
import { errorBanned, failuresCount } from "./onfail.js";
import { chooseNode, type NodeChoice } from "./choose.js";
import { consume, utilizationFits } from "./utilization.js";
import { checkCapacity, type CapacityVerdict } from "./capacity.js";
import type { TicketEffect } from "./tickets.js";

export interface PlacementContext {
  nodes: SchedNode[];
  options: ClusterOptions;
  constraints: Constraints;
  failures: FailureTable;
  now: number;
  tickets: Map<Rsc, TicketEffect>;
  /** Colocations indexed by their dependent and by their primary. */
  withPrimary: Map<Rsc, Colocation[]>;
  withDependent: Map<Rsc, Colocation[]>;
  /** Final allocation scores per unit, for --show-scores and explain. */
  unitScores: Map<Rsc, Map<NodeName, Score>>;
  state: Map<Rsc, "assigning" | "done">;
  /** Location constraints by the resource they name. */
  locationsByRsc: Map<Rsc, Location[]>;
  /** Utilization consumed per node so far. */
  used: Map<NodeName, Map<string, number>>;
  /** Limits beyond node availability (remote nodes host only some resources). */
  canHost?: ((unit: Rsc, node: SchedNode) => boolean) | undefined;
  /** Primitives placed like clone instances (bundle containers): one that runs keeps its node when it may stay there. */
  keepsNode?: ((p: PrimitiveRsc) => boolean) | undefined;
  /** The colocations whose primary a unit being placed has placed so far. */
  placedPrimaries?: Map<Rsc, Colocation[]> | undefined;
  /** Placed before everything else whatever their priority (remote connections). */
  placeFirst?: Set<Rsc> | undefined;
  /** The cluster node a node's resources depend on (a remote node's connection host), for CLUSTER_HOST colocations. */
  clusterHostOf?: ((node: NodeName) => NodeName | undefined) | undefined;
}

/** Maps a constraint endpoint to the unit placement decides for: a group member places with its group. */
export function unitOf(rsc: Rsc): Rsc {
  if (rsc.kind === "primitive" && rsc.parent?.kind === "group" && rsc.parent.parent === undefined) return rsc.parent;
  if (rsc.kind !== "clone" && rsc.parent !== undefined) {
    const top = rsc.parent.kind === "clone" ? rsc.parent : rsc.parent.parent;
    if (top !== undefined) return top;
  }
  return rsc;
}

/** Places every resource; returns them in the order they were placed. */
export function placeAll(resources: Rsc[], ctx: PlacementContext): Rsc[] {
  for (const loc of ctx.constraints.locations) push(ctx.locationsByRsc, loc.rsc, loc);
  const units = new Map(ctx.constraints.colocations.map((c) => [c, { ...c, dependent: unitOf(c.dependent), primary: unitOf(c.primary) }]));
  for (const c of byPrimaryRank(ctx.constraints.colocations)) {
    const unitC = units.get(c)!;
    if (unitC.dependent !== unitC.primary) push(ctx.withPrimary, unitC.dependent, unitC);
  }
  for (const c of byDependentRank(ctx.constraints.colocations)) {
    const unitC = units.get(c)!;
    if (unitC.dependent !== unitC.primary) push(ctx.withDependent, unitC.primary, unitC);
  }
  const order = allocationOrder(resources, ctx);
  for (const unit of order) assignUnit(unit, ctx);
  return order;
}

/**
 * The order a resource's primaries are placed in (crm_simulate, observed): higher
 * priority first, then clones before groups before primitives, then by id.
 */
function byPrimaryRank(colocations: Colocation[]): Colocation[] {
  return [...colocations].sort((a, b) => byRank(a.primary, b.primary));
}

/** The order a primary takes in its dependents' preferences: by the same rank, of the dependents. */
function byDependentRank(colocations: Colocation[]): Colocation[] {
  return [...colocations].sort((a, b) => byRank(a.dependent, b.dependent));
}

function byRank(a: Rsc, b: Rsc): number {
  const kindRank = (r: Rsc): number => (r.kind === "clone" ? 0 : r.kind === "group" ? 1 : 2);
  return priority(b) - priority(a) || kindRank(a) - kindRank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function assignUnit(unit: Rsc, ctx: PlacementContext): void {
  if (ctx.state.has(unit)) return;
  ctx.state.set(unit, "assigning");
  const primaries = ctx.withPrimary.get(unit) ?? [];
  const placed: Colocation[] = [];
  (ctx.placedPrimaries ??= new Map()).set(unit, placed);
  for (const c of primaries) {
    assignUnit(c.primary, ctx);
    placed.push(c);
  }
  let scores = ownScores(unit, ctx);
  const withDependents = mergeDependents(unit, new Map(scores), ctx, new Set([unit]), 1, unit.kind === "clone");
  // A clone places its instances by its own preferences; what depends on it follows.
  if (unit.kind !== "clone") scores = withDependents;
  for (const c of primaries) if (ctx.state.get(c.primary) === "done") applyPrimary(scores, c, ctx);
  // crm_simulate shows a clone's scores with its dependents' preferences, before its
  // own colocations; they count towards promotion (promotion.ts).
  ctx.unitScores.set(unit, unit.kind === "clone" ? withDependents : scores);
  if (unit.kind === "clone") assignClone(unit, scores, ctx);
  else if (unit.kind === "group") {
    // Later members' failure bans weigh on the group's node once colocations are in, and
    // crm_simulate does not show them in the group's scores.
    const decision = banForLaterMembers(unit, scores, ctx);
    assignGroup(unit, decision, ctx, checkCapacity(unit, decision, ctx));
  }
  else assignPrimitive(unit, scores, ctx, checkCapacity(unit, scores, ctx));
  ctx.state.set(unit, "done");
}

/** Whether a node can host resources at all right now. */
export function nodeUsable(node: SchedNode): boolean {
  return node.online && !node.unclean && !node.standby && !node.shutdown && !node.maintenance;
}

/** A unit's own preferences: symmetric default, locations, stickiness, failures, node availability. */
export function ownScores(unit: Rsc, ctx: PlacementContext, members: PrimitiveRsc[] = primitivesOf(unit)): Map<NodeName, Score> {
  const scores = new Map<NodeName, Score>();
  for (const node of ctx.nodes) scores.set(node.name, ctx.options.symmetric ? ZERO : MINUS_INFINITY);
  const subjects = new Set<Rsc>([unit, ...(unit.kind === "group" ? members : []), ...cloneChildren(unit)]);
  const explicitlyAllowed = new Set<NodeName>();
  const locations = [...subjects].flatMap((subject) => ctx.locationsByRsc.get(subject) ?? []);
  for (const loc of locations) {
    if (loc.role === "Promoted" || loc.role === "Unpromoted") continue;
    for (const [node, value] of loc.scores) {
      const current = scores.get(node) ?? ZERO;
      const base = !ctx.options.symmetric && !explicitlyAllowed.has(node) ? ZERO : current;
      explicitlyAllowed.add(node);
      scores.set(node, addScores(base, value));
    }
  }
  for (const node of exclusivelyBanned(locations, ctx.nodes)) scores.set(node, MINUS_INFINITY);
  for (const node of ctx.nodes) if (node.health !== ZERO) scores.set(node.name, addScores(scores.get(node.name) ?? ZERO, node.health));
  if (unit.kind !== "clone") members.forEach((p, i) => addPrimitivePreferences(scores, p, ctx, i === 0));
  else for (const node of ctx.nodes) if (cloneBanned(unit, node.name, ctx)) scores.set(node.name, MINUS_INFINITY);
  // A node that cannot host anything now (offline, standby, ...) keeps its score, as
  // crm_simulate shows it; node choice skips it (chooseNode, usableScore).
  const canHost = ctx.canHost;
  if (canHost !== undefined) for (const node of ctx.nodes) if (!canHost(unit, node)) scores.set(node.name, MINUS_INFINITY);
  const ticket = ticketEffect(unit, ctx);
  const forcedStop = unit.kind === "primitive" && unit.forceStop;
  // A disabled clone keeps its scores (crm_simulate shows them); its instances are banned (clone.ts).
  const disabled = targetRole(effectiveMetaOf(unit)) === "Stopped" && (unit.kind !== "clone" || !instancesStopped(unit));
  if (disabled || ticket?.banned === true || forcedStop) for (const node of ctx.nodes) scores.set(node.name, MINUS_INFINITY);
  if (ticket?.frozen === true) {
    const running = new Set(primitivesOf(unit).flatMap((p) => p.active.map((a) => a.node)));
    for (const node of ctx.nodes) if (!running.has(node.name)) scores.set(node.name, MINUS_INFINITY);
  }
  return scores;
}

/**
 * A later group member's failure bans move the group like the preferences of a
 * colocated resource: unless that leaves the group nowhere to run, in which case
 * only that member (and what follows it) stays off the node.
 */
export function banForLaterMembers(group: GroupRsc, scores: Map<NodeName, Score>, ctx: PlacementContext): Map<NodeName, Score> {
  const banned = ctx.nodes.filter((n) => group.children.slice(1).some((p) => failureBanned(p, n.name, ctx)));
  if (banned.length === 0) return scores;
  const left = ctx.nodes.some((n) => !banned.includes(n) && usableScore(scores, n) >= 0);
  if (!left) return scores;
  const decision = new Map(scores);
  for (const node of banned) decision.set(node.name, MINUS_INFINITY);
  return decision;
}

function instancesStopped(clone: CloneRsc): boolean {
  return clone.instances.every((i) => targetRole(i) === "Stopped");
}

/** A clone's instances inherit its meta-attributes, but their own settings (target-role=Started on the child) win. */
function effectiveMetaOf(unit: Rsc): Rsc {
  return unit.kind === "clone" ? unit.instances[0] ?? unit : unit;
}

/**
 * resource-discovery=exclusive: once any location of a resource says so, the
 * resource may run only on the nodes those locations name or match.
 */
function exclusivelyBanned(locations: Location[], nodes: SchedNode[]): NodeName[] {
  if (!locations.some((l) => l.discovery === "exclusive")) return [];
  const allowed = new Set(locations.filter((l) => l.discovery === "exclusive").flatMap((l) => [...l.scores.keys()]));
  return nodes.filter((n) => !allowed.has(n.name)).map((n) => n.name);
}

/** Ticket effects on a resource or on anything it belongs to. */
export function ticketEffect(rsc: Rsc, ctx: PlacementContext): TicketEffect | undefined {
  const subjects: Rsc[] = [rsc, ...(rsc.kind === "group" ? rsc.children : []), ...cloneChildren(rsc)];
  let found: TicketEffect | undefined;
  for (const subject of subjects) {
    const effect = ctx.tickets.get(subject);
    if (effect === undefined) continue;
    found = {
      banned: effect.banned || found?.banned === true,
      noPromotion: effect.noPromotion || found?.noPromotion === true,
      frozen: effect.frozen || found?.frozen === true,
    };
  }
  return found;
}

function cloneChildren(unit: Rsc): Rsc[] {
  if (unit.kind !== "clone") return [];
  const first = unit.instances[0];
  if (first === undefined) return [];
  return first.kind === "group" ? [first, ...first.children] : [first];
}

/** Stickiness where the primitive runs, and a ban where its failures reached migration-threshold. */
export function addPrimitivePreferences(scores: Map<NodeName, Score>, p: PrimitiveRsc, ctx: PlacementContext, withBans = true): void {
  // A multiply active resource (a half-done migration too) sticks to none of its copies.
  // An unmanaged resource is held where it runs (crm_simulate scores it INFINITY there).
  const sticky = !isManaged(p) ? INFINITY : isMultiplyActive(p) || p.migration?.spread === true ? ZERO : stickiness(p);
  for (const active of p.active) {
    const current = scores.get(active.node);
    if (current !== undefined) scores.set(active.node, addScores(current, sticky));
  }
  if (withBans) for (const node of ctx.nodes) if (failureBanned(p, node.name, ctx)) scores.set(node.name, MINUS_INFINITY);
}

export function failureBanned(p: PrimitiveRsc, node: NodeName, ctx: PlacementContext): boolean {
  if (errorBanned(p, node)) return true;
  if (!failuresCount(p, node)) return false;
  if ((ctx.failures.get(node)?.size ?? 0) === 0) return false;
  const threshold = migrationThreshold(p);
  if (threshold <= 0) return false;
  return failCount(ctx.failures, p, node, failureTimeoutS(p), ctx.now) >= threshold;
}

function cloneBanned(clone: CloneRsc, node: NodeName, ctx: PlacementContext): boolean {
  return clone.instances.some((i) => primitivesOf(i).some((p) => p.configId === p.id.replace(/:\d+$/, "") && !clone.globallyUnique && failureBanned(p, node, ctx)));
}

/** A node's score as node choice sees it: -INFINITY where the node cannot host anything now. */
export function usableScore(scores: Map<NodeName, Score>, node: SchedNode): Score {
  return nodeUsable(node) ? (scores.get(node.name) ?? MINUS_INFINITY) : MINUS_INFINITY;
}


function assignPrimitive(p: PrimitiveRsc, scores: Map<NodeName, Score>, ctx: PlacementContext, capacity: CapacityVerdict): void {
  if (!isManaged(p) || p.blocked) return keepInPlace(p, ctx);
  if (p.forceStop) return place(p, undefined, ctx);
  const { currents, prefer } = tiePreferences(p, ctx, capacity);
  const exclude = (n: SchedNode): boolean => capacity.banned.has(n.name);
  const kept = ctx.keepsNode?.(p) === true && currents.length > 0 ? chooseNode(new Map([[currents[0]!, scores.get(currents[0]!) ?? MINUS_INFINITY]]), currents, [p], ctx, exclude) : undefined;
  place(p, kept ?? chooseNode(scores, currents, [p], ctx, exclude, prefer), ctx);
}

/**
 * What a primitive leans to on a tie: the nodes it runs on (a half-done migration:
 * its source, or first copy, migration.ts), and a node preferred before any load
 * comparison: a remote connection's partial migration target, else the capacity check's.
 */
function tiePreferences(p: PrimitiveRsc, ctx: PlacementContext, capacity: CapacityVerdict): { currents: NodeName[]; prefer: SchedNode | undefined } {
  const migration = p.migration?.prefer;
  const currents = migration !== undefined ? [migration] : isMultiplyActive(p) ? [] : p.active.map((a) => a.node);
  const target = migration !== undefined && ctx.placeFirst?.has(p) === true ? ctx.nodes.find((n) => n.name === migration) : undefined;
  return { currents, prefer: target ?? capacity.prefer };
}

/** A resource that may not move stays where it is, and counts as assigned there. */
export function keepInPlace(p: PrimitiveRsc, ctx: PlacementContext): void {
  const current = p.active[0];
  p.assigned = current?.node;
  p.nextRole = current?.role ?? "Stopped";
  const node = ctx.nodes.find((n) => n.name === current?.node);
  if (node !== undefined) node.assignedCount += 1;
}

export function place(p: PrimitiveRsc, choice: NodeChoice | undefined, ctx: PlacementContext): void {
  p.scores = ctx.unitScores.get(p) ?? p.scores;
  if (choice === undefined) {
    p.assigned = undefined;
    p.nextRole = "Stopped";
    return;
  }
  p.assigned = choice.node.name;
  p.nextRole = "Started";
  choice.node.assignedCount += 1;
  consume(choice.node, p, ctx);
}

function assignGroup(group: GroupRsc, scores: Map<NodeName, Score>, ctx: PlacementContext, capacity: CapacityVerdict): void {
  const currents = group.children.some((c) => c.active.some((a) => a.failed)) ? [] : group.children.flatMap((c) => c.active.map((a) => a.node));
  // The node is chosen for the first member (the capacity check counts the rest);
  // later members start while they fit (crm_simulate), the rest stay stopped.
  let choice = isManaged(group) ? chooseNode(scores, currents, group.children.slice(0, 1), ctx, (n) => capacity.banned.has(n.name), capacity.prefer) : undefined;
  let blocked = choice === undefined;
  for (const child of group.children) {
    if (!isManaged(child) || !isManaged(group) || child.blocked) {
      keepInPlace(child, ctx);
      // Later members are colocated with this one, which cannot move.
      choice = pinnedChoice(child.assigned, scores, ctx);
      blocked = choice === undefined;
      continue;
    }
    const own = new Map<NodeName, Score>([[choice?.node.name ?? "", ZERO]]);
    if (choice !== undefined) addPrimitivePreferences(own, child, ctx);
    const fits = choice === undefined || ctx.options.placementStrategy === "default" || utilizationFits(choice.node, [child], ctx);
    const ok = !blocked && choice !== undefined && fits && (own.get(choice.node.name) ?? ZERO) >= 0 && targetRole(child) !== "Stopped" && !child.forceStop;
    if (!ok) blocked = true;
    place(child, ok ? choice : undefined, ctx);
  }
}

/** The node a member that cannot move holds the rest of its group to, if it may host them. */
function pinnedChoice(node: NodeName | undefined, scores: Map<NodeName, Score>, ctx: PlacementContext): NodeChoice | undefined {
  const where = ctx.nodes.find((n) => n.name === node);
  const score = scores.get(node ?? "");
  if (where === undefined || score === undefined || score < 0 || !nodeUsable(where)) return undefined;
  return { node: where, score };
}
