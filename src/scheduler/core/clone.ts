import type { CloneRsc, GroupRsc, NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import { instanceNumber, primitivesOf } from "./model.js";
import { addPrimitivePreferences, keepInPlace, place, type PlacementContext } from "./placement.js";
import { chooseNode } from "./choose.js";
import { isManaged, targetRole } from "./meta.js";
import { addScores, type Score, ZERO } from "./score.js";
import { assignPromotion, promotionAttribute } from "./promotion.js";

type Instance = PrimitiveRsc | GroupRsc;

/**
 * Places clone instances: at most clone-node-max per node and clone-max in all,
 * spread evenly first; an active instance keeps its node when it still may run there.
 */
export function assignClone(clone: CloneRsc, scores: Map<NodeName, Score>, ctx: PlacementContext): void {
  if (!isManaged(clone)) {
    for (const instance of clone.instances) primitivesOf(instance).forEach(keepInPlace);
    return;
  }
  const perNode = new Map<NodeName, number>();
  const usable = ctx.nodes.filter((n) => (scores.get(n.name) ?? -1) >= 0);
  const wanted = Math.min(clone.cloneMax, usable.length * clone.cloneNodeMax);
  const evenLimit = Math.min(clone.cloneNodeMax, Math.max(1, Math.ceil(wanted / Math.max(1, usable.length))));
  const placed = new Set<Instance>();
  const instances = clone.instances.slice();
  const order = [...instances].sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || instanceNumber(a) - instanceNumber(b));
  for (const instance of order) {
    if (placed.size >= wanted) break;
    const current = currentNode(instance);
    if (current === undefined) continue;
    const node = ctx.nodes.find((n) => n.name === current)!;
    const s = instanceScores(instance, clone, scores, ctx);
    if ((s.get(current) ?? -1) < 0 || (perNode.get(current) ?? 0) >= evenLimit) continue;
    if (!fits(instance, node, ctx)) continue;
    placeInstance(instance, node, ctx);
    perNode.set(current, (perNode.get(current) ?? 0) + 1);
    placed.add(instance);
  }
  for (const limit of [evenLimit, clone.cloneNodeMax]) {
    for (const instance of order) {
      if (placed.size >= wanted) break;
      if (placed.has(instance)) continue;
      const s = instanceScores(instance, clone, scores, ctx);
      const full = (node: SchedNode): boolean => (perNode.get(node.name) ?? 0) >= limit;
      const choice = chooseNode(s, [], primitivesOf(instance), ctx, full);
      if (choice === undefined) continue;
      placeInstance(instance, choice.node, ctx);
      perNode.set(choice.node.name, (perNode.get(choice.node.name) ?? 0) + 1);
      placed.add(instance);
    }
  }
  for (const instance of instances) if (!placed.has(instance)) primitivesOf(instance).forEach((p) => place(p, undefined, ctx));
  if (clone.promotable) assignPromotion(clone, ctx);
}

function isActive(instance: Instance): boolean {
  return primitivesOf(instance).some((p) => p.active.length > 0);
}

function currentNode(instance: Instance): NodeName | undefined {
  for (const p of primitivesOf(instance)) {
    const a = p.active[0];
    if (a !== undefined) return a.node;
  }
  return undefined;
}

function instanceScores(instance: Instance, clone: CloneRsc, cloneScores: Map<NodeName, Score>, ctx: PlacementContext): Map<NodeName, Score> {
  const scores = new Map(cloneScores);
  for (const p of primitivesOf(instance)) addPrimitivePreferences(scores, p, ctx);
  if (clone.promotable) addPromotionAttributes(scores, instance, clone, ctx);
  if (targetRole(instance) === "Stopped") for (const k of scores.keys()) scores.set(k, addScores(ZERO, -1_000_000 as Score));
  return scores;
}

/**
 * A promotable instance leans towards the nodes whose agent asks for promotion (a
 * positive preference; crm_simulate ignores negative ones here), so the lowest
 * instance numbers go where promotion is wanted most.
 */
function addPromotionAttributes(scores: Map<NodeName, Score>, instance: Instance, clone: CloneRsc, ctx: PlacementContext): void {
  for (const node of ctx.nodes) {
    const current = scores.get(node.name);
    if (current === undefined) continue;
    for (const p of primitivesOf(instance)) {
      const value = promotionAttribute(node, p, clone.globallyUnique);
      if (value !== undefined && value > 0) scores.set(node.name, addScores(scores.get(node.name)!, value));
    }
  }
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
