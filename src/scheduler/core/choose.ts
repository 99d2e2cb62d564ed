import { nodeUsable, type PlacementContext } from "./placement.js";
import type { NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import type { Score } from "./score.js";
import { utilizationFits, freeCapacity } from "./utilization.js";

export interface NodeChoice {
  node: SchedNode;
  score: Score;
}

/**
 * The best node for a placement, as crm_simulate picks it: the highest non-negative
 * score; on a tie the node the capacity check prefers (see capacity.ts), then
 * (placement-strategy balanced) the node with more room, then (all but minimal) the
 * node with fewer resources assigned so far, then the node the resource runs on,
 * then the node name. Last, a node it runs on that scores as well as that choice
 * wins when the score is positive (a score of 0 does not hold a resource in place).
 */
export function chooseNode(scores: Map<NodeName, Score>, currentNodes: NodeName[], members: PrimitiveRsc[], ctx: PlacementContext, exclude?: (node: SchedNode) => boolean, prefer?: SchedNode): NodeChoice | undefined {
  const strategy = ctx.options.placementStrategy;
  const candidates: NodeChoice[] = [];
  for (const node of ctx.nodes) {
    const value = scores.get(node.name);
    if (value === undefined || value < 0 || !nodeUsable(node)) continue;
    if (exclude !== undefined && exclude(node)) continue;
    if (strategy !== "default" && !utilizationFits(node, members, ctx)) continue;
    candidates.push({ node, score: value });
  }
  let best: NodeChoice | undefined;
  for (const c of candidates) if (best === undefined || better(c, best, currentNodes[0], ctx, prefer)) best = c;
  if (best === undefined || best.node === prefer || best.score <= 0) return best;
  return candidates.find((c) => c.node.name === currentNodes[0] && c.score === best.score) ?? best;
}

function better(a: NodeChoice, best: NodeChoice, current: NodeName | undefined, ctx: PlacementContext, prefer: SchedNode | undefined): boolean {
  if (a.score !== best.score) return a.score > best.score;
  if (prefer !== undefined && (a.node === prefer || best.node === prefer)) return a.node === prefer;
  const strategy = ctx.options.placementStrategy;
  if (strategy === "balanced") {
    const mine = freeCapacity(a.node, ctx), theirs = freeCapacity(best.node, ctx);
    if (mine !== theirs) return mine > theirs;
  }
  if (strategy !== "minimal") {
    if (a.node.assignedCount !== best.node.assignedCount) return a.node.assignedCount < best.node.assignedCount;
    const here = a.node.name === current, there = best.node.name === current;
    if (here !== there) return here;
  }
  return a.node.name < best.node.name;
}
