import type { NodeName, Rsc } from "./model.js";
import { addScores, INFINITY, MINUS_INFINITY, type Score } from "./score.js";
import { banForLaterMembers, nodeUsable, ownScores, usableScore, type PlacementContext } from "./placement.js";
import { colocatedShare, nodeAttribute } from "./colocation-scores.js";

/**
 * The scores the allocation order compares resources by (crm_simulate, observed): a
 * resource's own scores plus, through its colocations with primaries (transitively,
 * each link scaled by its own score / INFINITY, in the direction of the first), what
 * each primary scores at best on a usable node sharing the colocation's node
 * attribute. A node no usable node matches gets -INFINITY from a positive link:
 * a resource tied to one on a standby node counts -INFINITY there. Links stop where
 * the scores leave no usable node.
 */
export function orderScores(rsc: Rsc, ctx: PlacementContext): Map<NodeName, Score> {
  const own = rsc.kind === "group" ? banForLaterMembers(rsc, ownScores(rsc, ctx), ctx) : ownScores(rsc, ctx);
  return withPrimaries(rsc, own, 1, new Set([rsc]), ctx);
}

function withPrimaries(rsc: Rsc, scores: Map<NodeName, Score>, sign: number, visiting: Set<Rsc>, ctx: PlacementContext): Map<NodeName, Score> {
  let work = scores;
  if (!ctx.nodes.some((n) => usableScore(work, n) >= 0)) return work;
  for (const c of ctx.withPrimary.get(rsc) ?? []) {
    if (visiting.has(c.primary)) continue;
    visiting.add(c.primary);
    const factor = sign * (c.score / INFINITY);
    work = withPrimaries(c.primary, addPrimary(work, ownScores(c.primary, ctx), c.nodeAttribute, factor, ctx), Math.sign(factor), visiting, ctx);
    visiting.delete(c.primary);
  }
  return work;
}

function addPrimary(work: Map<NodeName, Score>, theirs: Map<NodeName, Score>, attribute: string, factor: number, ctx: PlacementContext): Map<NodeName, Score> {
  const merged = new Map(work);
  for (const [node, value] of work) {
    const value2 = bestMatching(theirs, nodeAttribute(ctx, node, attribute), attribute, ctx);
    // A dislike scaled by an anti-colocation does not become a preference.
    if (factor < 0 && value2 < 0) continue;
    merged.set(node, addScores(value, colocatedShare(value2, factor)));
  }
  return merged;
}

function bestMatching(scores: Map<NodeName, Score>, value: string, attribute: string, ctx: PlacementContext): Score {
  let best = MINUS_INFINITY;
  for (const node of ctx.nodes) {
    if (!nodeUsable(node) || nodeAttribute(ctx, node.name, attribute) !== value) continue;
    const s = scores.get(node.name) ?? MINUS_INFINITY;
    if (s > best) best = s;
  }
  return best;
}
