import type { CloneRsc, GroupRsc, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { instanceNumber, primitivesOf } from "./model.js";
import { ownScores, ticketEffect, type PlacementContext } from "./placement.js";
import { mergeDependents, primaryNodes } from "./colocation-scores.js";
import { targetRole } from "./meta.js";
import { addScores, INFINITY, MINUS_INFINITY, parseScore, type Score, ZERO } from "./score.js";
import type { Location } from "./constraints.js";

type Instance = PrimitiveRsc | GroupRsc;

/**
 * Chooses which placed instances of a promotable clone are promoted: the highest
 * promotion scores (the master-<rsc> node attribute plus role-specific location
 * constraints), at most promoted-max in all and promoted-node-max per node.
 */
export function assignPromotion(clone: CloneRsc, ctx: PlacementContext): void {
  const candidates: Array<{ instance: Instance; node: NodeName; score: Score }> = [];
  for (const instance of clone.instances) {
    const members = primitivesOf(instance);
    const node = members[0]?.assigned;
    if (node === undefined || members.some((m) => m.assigned === undefined)) continue;
    setRole(instance, "Unpromoted");
    const score = promotionScore(clone, instance, node, ctx);
    for (const m of members) m.promotionScore.set(node, score);
    if (score < 0 || targetRole(instance) === "Unpromoted" || targetRole(clone) === "Unpromoted") continue;
    if (ticketEffect(clone, ctx)?.noPromotion === true) continue;
    candidates.push({ instance, node, score });
  }
  // Equal scores: what is promoted now, then what has not failed (a failed instance is
  // recovered first), then the instance allocated first (the lower number).
  candidates.sort((a, b) => b.score - a.score || Number(wasPromoted(b.instance)) - Number(wasPromoted(a.instance))
    || Number(hasFailed(a.instance)) - Number(hasFailed(b.instance)) || instanceNumber(a.instance) - instanceNumber(b.instance));
  const perNode = new Map<NodeName, number>();
  let promoted = 0;
  for (const c of candidates) {
    if (promoted >= clone.promotedMax) break;
    if ((perNode.get(c.node) ?? 0) >= clone.promotedNodeMax) continue;
    setRole(c.instance, "Promoted");
    perNode.set(c.node, (perNode.get(c.node) ?? 0) + 1);
    promoted++;
  }
}

function setRole(instance: Instance, role: "Promoted" | "Unpromoted"): void {
  for (const p of primitivesOf(instance)) if (p.assigned !== undefined) p.nextRole = role;
}

function hasFailed(instance: Instance): boolean {
  return primitivesOf(instance).some((p) => p.active.some((a) => a.failed));
}

function wasPromoted(instance: Instance): boolean {
  return primitivesOf(instance).some((p) => p.active.some((a) => a.role === "Promoted"));
}

/**
 * The promotion preference the resource agent left in a node attribute
 * (master-<rsc>, or promotion-<rsc>). An anonymous instance may carry any instance
 * number in the name: one node runs one instance, so any number found there is it.
 */
export function promotionAttribute(node: SchedNode | undefined, p: PrimitiveRsc, uniqueInstances: boolean): Score | undefined {
  if (node === undefined) return undefined;
  const names = uniqueInstances ? [`master-${p.id}`] : [`master-${p.configId}`, `promotion-${p.configId}`];
  for (const name of names) {
    const value = parseScore(node.attributes.get(name));
    if (value !== undefined) return value;
  }
  if (uniqueInstances) return undefined;
  const prefix = `master-${p.configId}:`;
  for (const [name, value] of node.attributes) if (name.startsWith(prefix)) return parseScore(value);
  return undefined;
}

/** The promotion score of an instance whose agent set no promotion attribute (crm_simulate prints -1). */
const NO_PREFERENCE = -1 as Score;

/**
 * Where else an instance's agent may have written its promotion attribute: inside a
 * bundle, on the host its replica's container runs on.
 */
function bundleHost(node: SchedNode | undefined, ctx: PlacementContext): SchedNode | undefined {
  if (node?.attributes.get("#kind") !== "container") return undefined;
  const link = ctx.constraints.colocations.find((c) => c.dependent.id === node.name && c.id === `${node.name}-with-container`);
  const container = link === undefined ? undefined : primitivesOf(link.primary)[0];
  // Bundle containers are the scheduler's own (implicit) resources.
  if (container?.config.implicit !== true) return undefined;
  return ctx.nodes.find((n) => n.name === container.assigned);
}

function promotionScore(clone: CloneRsc, instance: Instance, node: NodeName, ctx: PlacementContext): Score {
  const schedNode = ctx.nodes.find((n) => n.name === node);
  let total = ZERO;
  let found = false;
  for (const p of primitivesOf(instance)) {
    const value = promotionAttribute(schedNode, p, clone.globallyUnique) ?? promotionAttribute(bundleHost(schedNode, ctx), p, clone.globallyUnique);
    if (value !== undefined) {
      total = addScores(total, value);
      found = true;
    }
  }
  // No promotion attribute at all: -1, so nothing is promoted (even what is promoted
  // now) unless a role=Promoted location or colocation lifts it.
  if (!found) total = NO_PREFERENCE;
  for (const loc of promotedLocations(ctx)) {
    if (loc.rsc !== clone && !primitivesOf(instance).some((p) => p.configId === loc.rsc.configId)) continue;
    const value = loc.scores.get(node);
    if (value !== undefined) total = addScores(total, value);
  }
  // The clone's own score for the node (with its dependents' preferences) counts too,
  // when the agent expressed a preference at all.
  if (found) total = addScores(total, ctx.unitScores.get(clone)?.get(node) ?? ZERO);
  return withPromotedDependents(clone, node, addScores(total, colocationBonus(clone, node, ctx)), ctx);
}

/**
 * Role=Promoted location constraints, found once per constraint list (promotionScore runs
 * per instance and node); found again if constraints were added since.
 */
const promotedLocationCache = new WeakMap<Location[], { seen: number; promoted: Location[] }>();
function promotedLocations(ctx: PlacementContext): Location[] {
  const all = ctx.constraints.locations;
  let cached = promotedLocationCache.get(all);
  if (cached === undefined || cached.seen !== all.length) {
    cached = { seen: all.length, promoted: all.filter((loc) => loc.role === "Promoted") };
    promotedLocationCache.set(all, cached);
  }
  return cached.promoted;
}

/**
 * "X with clone:Promoted": X's own preference for the node counts towards promoting
 * there, scaled by score/INFINITY. It may lower a positive promotion score but not
 * below 1 (crm_simulate: a member banned by its failures leaves 1, not -INFINITY).
 */
function withPromotedDependents(clone: CloneRsc, node: NodeName, promotion: Score, ctx: PlacementContext): Score {
  let total = promotion;
  for (const c of ctx.withDependent.get(clone) ?? []) {
    if (c.primaryRole !== "Promoted" || c.dependentRole === "Promoted" || c.dependentRole === "Unpromoted" || c.score <= 0) continue;
    if (ctx.state.get(c.dependent) === "done") continue;
    // With what must run with it in turn (their bans too).
    const theirs = mergeDependents(c.dependent, ownScores(c.dependent, ctx), ctx, new Set<Rsc>([clone, c.dependent]), 1).get(node);
    if (theirs === undefined) continue;
    const share = theirs <= MINUS_INFINITY ? MINUS_INFINITY : (Math.round(theirs * (c.score / INFINITY)) as Score);
    const next = addScores(total, share);
    if (next >= 0 || total < 0) total = next;
    else if (total > 0) total = 1 as Score;
  }
  return total;
}

/**
 * "clone:Promoted with X" steers promotion: its score counts where X is placed.
 * "clone:Unpromoted with X" keeps the instance with X unpromoted: its score counts against.
 */
function colocationBonus(clone: CloneRsc, node: NodeName, ctx: PlacementContext): Score {
  let bonus = ZERO;
  for (const c of ctx.withPrimary.get(clone) ?? []) {
    if (c.dependentRole === "Unpromoted" && c.score > 0 && primaryNodes(c.primary, c.primaryRole).has(node)) {
      bonus = addScores(bonus, (c.score >= INFINITY ? MINUS_INFINITY : -c.score) as Score);
    }
    if (c.dependentRole !== "Promoted") continue;
    const placed = primaryNodes(c.primary, c.primaryRole).has(node);
    if (placed) bonus = addScores(bonus, c.score);
    else if (c.score >= INFINITY) bonus = MINUS_INFINITY;
  }
  return bonus;
}
