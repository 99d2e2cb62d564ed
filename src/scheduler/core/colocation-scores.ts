import type { Colocation } from "./constraints.js";
import type { NodeName, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import { addScores, INFINITY, MINUS_INFINITY, type Score, scaleScore, score, ZERO } from "./score.js";
import { nodeUsable, ownScores, usableScore, type PlacementContext } from "./placement.js";

// How colocations turn into scores: a dependent's preferences merged into its
// primary's before the primary is placed, and a placed primary applied to its dependent.

/**
 * Adds the preferences of resources placed with this one, scaled by the colocation
 * score over INFINITY. A merge that would leave no usable node is dropped.
 */
export function mergeDependents(unit: Rsc, scores: Map<NodeName, Score>, ctx: PlacementContext, seen: Set<Rsc>, factor: number, positiveOnly = false): Map<NodeName, Score> {
  let result = scores;
  for (const c of ctx.withDependent.get(unit) ?? []) {
    if (seen.has(c.dependent) || ctx.state.get(c.dependent) === "done") continue;
    if (c.dependentRole === "Promoted" || c.primaryRole === "Promoted") continue;
    seen.add(c.dependent);
    const f = factor * (c.score / INFINITY);
    // Each share that would leave no usable node is dropped, and what follows it.
    for (const [theirs, share] of dependentShares(c.dependent, f, ctx, seen)) {
      const merged = new Map(result);
      // Into a clone: nodes the share would make negative (kept at 1 if it is kept).
      const held = new Set<NodeName>();
      for (const [node, value] of theirs) {
        const mine = merged.get(node) ?? ZERO;
        // An anti-colocation takes the dependent's preferences off; its dislikes do not become likes.
        if (mine <= MINUS_INFINITY || (share < 0 && value < 0)) continue;
        if (!positiveOnly) {
          merged.set(node, addScores(mine, colocatedShare(value, share)));
          continue;
        }
        // Into a clone (crm_simulate): only from usable nodes, and nothing that would
        // make the clone's score negative (a positive one drops to 1 at most).
        const next = addScores(mine, colocatedShare(nodeUsable(ctx.nodes.find((n) => n.name === node)!) ? value : MINUS_INFINITY, share));
        if (next >= 0 || mine < 0) merged.set(node, next);
        else if (mine > 0) {
          merged.set(node, 1 as Score);
          held.add(node);
        }
      }
      // A share that leaves no usable node (counting those held at 1 as lost) is dropped.
      const usable = ctx.nodes.some((node) => !held.has(node.name) && usableScore(merged, node) >= 0);
      if (!usable && hasUsable(result, ctx)) break;
      result = merged;
    }
  }
  return result;
}

/**
 * What a dependent brings to its primary's scores, each table with its factor. A
 * group brings its first member's scaled by the colocation, and each later member's
 * in full, in the colocation's direction (crm_simulate follows the members' own
 * INFINITY colocations: a group that runs with INFINITY stickiness pushes a primary
 * it is anti-colocated with off its node).
 */
function dependentShares(dependent: Rsc, f: number, ctx: PlacementContext, seen: Set<Rsc>): Array<[Map<NodeName, Score>, number]> {
  const members = dependent.kind === "group" ? dependent.children : [];
  let theirs = members.length > 1 ? ownScores(dependent, ctx, members.slice(0, 1)) : ownScores(dependent, ctx);
  // A dependent being placed has taken in each primary placed so far (crm_simulate
  // applies a colocation as soon as its primary is placed).
  for (const done of ctx.placedPrimaries?.get(dependent) ?? []) if (ctx.state.get(done.primary) === "done") applyPrimary(theirs, done, ctx);
  theirs = mergeDependents(dependent, theirs, ctx, seen, 1);
  const later = members.length > 1 ? members.slice(1).map((m): [Map<NodeName, Score>, number] => [ownScores(dependent, ctx, [m]), Math.sign(f)]) : [];
  return [[theirs, f], ...later];
}

/**
 * A dependent's preference scaled by the colocation factor, rounded half away from
 * zero; a share that rounds to nothing still counts 1 in the colocation's direction
 * (crm_simulate: 500 x 200/INFINITY adds 1, not 0).
 */
export function colocatedShare(value: Score, factor: number): Score {
  const share = scaleScore(value, factor);
  if (share <= MINUS_INFINITY || share >= INFINITY) return share;
  const rounded = Math.sign(value * factor) * Math.round(Math.abs(value * factor));
  if (rounded === 0 && value !== 0 && factor !== 0) return score(factor > 0 ? 1 : -1);
  return score(rounded);
}

function hasUsable(scores: Map<NodeName, Score>, ctx: PlacementContext): boolean {
  return ctx.nodes.some((node) => usableScore(scores, node) >= 0);
}


/** Nodes where a primary is (going to be) placed, in the role a colocation asks for. */
export function primaryNodes(primary: Rsc, role: Colocation["primaryRole"]): Set<NodeName> {
  const nodes = new Set<NodeName>();
  for (const p of primitivesOf(primary)) {
    if (p.assigned === undefined) continue;
    if (role === "Promoted" && p.nextRole !== "Promoted") continue;
    if (role === "Unpromoted" && p.nextRole !== "Unpromoted") continue;
    if (primary.kind === "group" && p !== primary.children[0]) continue;
    nodes.add(p.assigned);
  }
  if (primary.kind === "clone" && primary.instances.some((i) => i.kind === "group")) {
    nodes.clear();
    for (const i of primary.instances) {
      const first = primitivesOf(i)[0];
      const last = primitivesOf(i).at(-1);
      if (first?.assigned !== undefined && last?.assigned !== undefined) nodes.add(first.assigned);
    }
  }
  return nodes;
}

/**
 * Applies "this unit with primary": mandatory limits nodes, advisory adds the score
 * where the primary is. An advisory colocation with a primary placed nowhere takes
 * its score off every node instead; an advisory one that would leave no usable node
 * is dropped (crm_simulate rolls it back).
 */
export function applyPrimary(scores: Map<NodeName, Score>, c: Colocation, ctx: PlacementContext): void {
  if (c.dependentRole === "Promoted" || c.dependentRole === "Unpromoted") return;
  const where = primaryNodes(c.primary, c.primaryRole);
  if (c.whenPrimaryPlaced === true && where.size === 0) return;
  // A mandatory colocation with a clone ignores its blocked instances (crm_simulate).
  if (c.score >= INFINITY && c.primary.kind === "clone" && c.primaryRole === undefined) {
    for (const p of primitivesOf(c.primary)) if (p.blocked && p.assigned !== undefined && !primitivesOf(c.primary).some((q) => !q.blocked && q.assigned === p.assigned)) where.delete(p.assigned);
  }
  const attributeValues = new Set([...where].map((n) => nodeAttribute(ctx, n, c.nodeAttribute)));
  const matches = (node: NodeName): boolean => attributeValues.has(nodeAttribute(ctx, node, c.nodeAttribute));
  const mandatory = c.score >= INFINITY || c.score <= MINUS_INFINITY;
  const inactive = where.size === 0 && c.primary.kind !== "clone" && c.primaryRole === undefined;
  if (!mandatory && inactive && c.score < 0) return;
  const work = new Map(scores);
  for (const [node, value] of work) {
    if (c.score >= INFINITY) {
      if (!matches(node)) work.set(node, MINUS_INFINITY);
    } else if (c.score <= MINUS_INFINITY) {
      if (matches(node)) work.set(node, MINUS_INFINITY);
    } else if (inactive) work.set(node, addScores(value, score(-c.score)));
    else if (matches(node)) work.set(node, addScores(value, c.score));
  }
  if (!mandatory && !hasUsable(work, ctx)) return;
  for (const [node, value] of work) scores.set(node, value);
}

/** A colocation "node attribute" naming the cluster node behind a node (itself, or a remote node's connection host). */
export const CLUSTER_HOST = "\u0000cluster-host";

export function nodeAttribute(ctx: PlacementContext, node: NodeName, attribute: string): string {
  if (attribute === "#uname") return node;
  if (attribute === CLUSTER_HOST) return ctx.clusterHostOf?.(node) ?? `\u0000${node}`;
  return ctx.nodes.find((n) => n.name === node)?.attributes.get(attribute) ?? `\u0000${node}`;
}
