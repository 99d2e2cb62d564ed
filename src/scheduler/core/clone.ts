import type { CloneRsc, GroupRsc, NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import { instanceNumber, primitivesOf } from "./model.js";
import { addPrimitivePreferences, banForLaterMembers, keepInPlace, ownScores, place, usableScore, type PlacementContext } from "./placement.js";
import { chooseNode } from "./choose.js";
import { checkInstanceCapacity } from "./capacity.js";
import { isManaged, targetRole } from "./meta.js";
import { addScores, MINUS_INFINITY, type Score, ZERO } from "./score.js";
import { assignPromotion, promotionAttribute } from "./promotion.js";

type Instance = PrimitiveRsc | GroupRsc;

/**
 * Places clone instances: at most clone-node-max per node and clone-max in all,
 * spread evenly first; an active instance keeps its node when it still may run there.
 */
export function assignClone(clone: CloneRsc, scores: Map<NodeName, Score>, ctx: PlacementContext): void {
  if (!isManaged(clone)) {
    for (const instance of clone.instances) for (const p of primitivesOf(instance)) keepInPlace(p, ctx);
    return;
  }
  const perNode = new Map<NodeName, number>();
  const usable = ctx.nodes.filter((n) => usableScore(scores, n) >= 0);
  const wanted = Math.min(clone.cloneMax, usable.length * clone.cloneNodeMax);
  const evenLimit = Math.min(clone.cloneNodeMax, Math.max(1, Math.ceil(wanted / Math.max(1, usable.length))));
  const placed = new Set<Instance>();
  const scoresOf = instanceScorer(clone, scores, ctx);
  const instances = clone.instances.slice();
  // Instances past clone-max are orphans (extra copies found running): they only stop.
  // Ranked by the clone's own scores: a ban through a colocation does not count here.
  const own = ownScores(clone, ctx);
  const rank = (i: Instance): number => placementRank(i, instanceScores(i, own, undefined, ctx));
  const order = instances.filter((i) => instanceNumber(i) < clone.cloneMax).sort((a, b) => rank(a) - rank(b) || instanceNumber(a) - instanceNumber(b));
  for (const instance of order) {
    if (placed.size >= wanted) break;
    const current = currentNode(instance);
    if (current === undefined) continue;
    const node = ctx.nodes.find((n) => n.name === current)!;
    const s = scoresOf(instance);
    if (usableScore(s, node) < 0 || (perNode.get(current) ?? 0) >= evenLimit) continue;
    const over = (n: SchedNode): boolean => (perNode.get(n.name) ?? 0) >= evenLimit;
    if (!fits(instance, node, ctx) || checkInstanceCapacity(clone, instance, s, ctx, over).banned.has(current)) continue;
    placeInstance(instance, node, ctx);
    perNode.set(current, (perNode.get(current) ?? 0) + 1);
    placed.add(instance);
  }
  for (const limit of [evenLimit, clone.cloneNodeMax]) {
    for (const instance of order) {
      if (placed.size >= wanted) break;
      if (placed.has(instance)) continue;
      const s = scoresOf(instance);
      const atLimit = (node: SchedNode): boolean => (perNode.get(node.name) ?? 0) >= limit;
      const capacity = checkInstanceCapacity(clone, instance, s, ctx, atLimit);
      const full = (node: SchedNode): boolean => atLimit(node) || capacity.banned.has(node.name);
      const choice = chooseNode(s, [], primitivesOf(instance), ctx, full, capacity.prefer);
      if (choice === undefined) continue;
      placeInstance(instance, choice.node, ctx);
      perNode.set(choice.node.name, (perNode.get(choice.node.name) ?? 0) + 1);
      placed.add(instance);
    }
  }
  for (const instance of instances) if (!placed.has(instance)) primitivesOf(instance).forEach((p) => place(p, undefined, ctx));
  if (clone.promotable) assignPromotion(clone, ctx);
}

/**
 * Which instances are placed first (crm_simulate, observed): those running where
 * they may stay (a standby node included), then those not running, then those
 * running where the clone's own score is negative: a banned instance stops and a fresh
 * one starts rather than moving.
 */
function placementRank(instance: Instance, scores: Map<NodeName, Score>): number {
  const current = currentNode(instance);
  if (current === undefined) return 1;
  return (scores.get(current) ?? MINUS_INFINITY) < 0 ? 2 : 0;
}

function currentNode(instance: Instance): NodeName | undefined {
  for (const p of primitivesOf(instance)) {
    const a = p.active[0];
    if (a !== undefined) return a.node;
  }
  return undefined;
}

/**
 * Each instance's scores, computed once: they do not change while the clone is
 * placed. Anonymous instances share one promotion leaning (the attributes name the
 * resource, not the instance).
 */
function instanceScorer(clone: CloneRsc, cloneScores: Map<NodeName, Score>, ctx: PlacementContext): (instance: Instance) => Map<NodeName, Score> {
  const cache = new Map<Instance, Map<NodeName, Score>>();
  const first = clone.instances[0];
  const shared = clone.promotable && !clone.globallyUnique && first !== undefined ? promotionLeaning(first, clone, ctx) : undefined;
  return (instance) => {
    let scores = cache.get(instance);
    if (scores === undefined) {
      const leaning = shared ?? (clone.promotable ? promotionLeaning(instance, clone, ctx) : undefined);
      cache.set(instance, (scores = instanceScores(instance, cloneScores, leaning, ctx)));
    }
    return scores;
  };
}

function instanceScores(instance: Instance, cloneScores: Map<NodeName, Score>, leaning: Map<NodeName, Score> | undefined, ctx: PlacementContext): Map<NodeName, Score> {
  const scores = new Map(cloneScores);
  // A grouped instance goes where its first member may run; later members' failure bans
  // weigh only while they leave it somewhere (those members then stay stopped).
  primitivesOf(instance).forEach((p, i) => addPrimitivePreferences(scores, p, ctx, i === 0 || instance.kind === "primitive"));
  for (const [node, value] of leaning ?? []) {
    const current = scores.get(node);
    if (current !== undefined) scores.set(node, addScores(current, value));
  }
  if (targetRole(instance) === "Stopped") for (const k of scores.keys()) scores.set(k, addScores(ZERO, -1_000_000 as Score));
  return instance.kind === "group" ? banForLaterMembers(instance, scores, ctx) : scores;
}

/**
 * A promotable instance leans towards the nodes whose agent asks for promotion (a
 * positive preference; crm_simulate ignores negative ones here), so the lowest
 * instance numbers go where promotion is wanted most.
 */
function promotionLeaning(instance: Instance, clone: CloneRsc, ctx: PlacementContext): Map<NodeName, Score> {
  const leaning = new Map<NodeName, Score>();
  for (const node of ctx.nodes) {
    for (const p of primitivesOf(instance)) {
      const value = promotionAttribute(node, p, clone.globallyUnique);
      if (value !== undefined && value > 0) leaning.set(node.name, addScores(leaning.get(node.name) ?? ZERO, value));
    }
  }
  return leaning;
}

function fits(instance: Instance, node: SchedNode, ctx: PlacementContext): boolean {
  return chooseNode(new Map([[node.name, ZERO]]), [], primitivesOf(instance), ctx) !== undefined;
}

function placeInstance(instance: Instance, node: SchedNode, ctx: PlacementContext): void {
  const choice = { node, score: ZERO };
  if (instance.kind === "primitive") return place(instance, choice, ctx);
  let blocked = false;
  for (const child of instance.children) {
    const own = new Map<NodeName, Score>([[node.name, ZERO]]);
    addPrimitivePreferences(own, child, ctx);
    const ok = !blocked && (own.get(node.name) ?? ZERO) >= 0 && targetRole(child) !== "Stopped";
    if (!ok) blocked = true;
    place(child, ok ? choice : undefined, ctx);
  }
}
