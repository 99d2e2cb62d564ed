import { nodeUsable, type PlacementContext } from "./placement.js";
import type { NodeName, PrimitiveRsc, SchedNode } from "./model.js";
import type { Score } from "./score.js";
import { utilizationFits, freeCapacity } from "./utilization.js";

export interface NodeChoice {
  node: SchedNode;
  score: Score;
}

/**
 * The best node for a placement: the highest non-negative score; on a tie the node
 * the capacity check prefers (see capacity.ts), the node the resource already runs on,
 * then (placement-strategy) the less loaded node,
 * then the node name.
 */
export function chooseNode(scores: Map<NodeName, Score>, currentNodes: NodeName[], members: PrimitiveRsc[], ctx: PlacementContext, exclude?: (node: SchedNode) => boolean, prefer?: SchedNode): NodeChoice | undefined {
  const strategy = ctx.options.placementStrategy;
  let best: NodeChoice | undefined;
  for (const node of ctx.nodes) {
    const value = scores.get(node.name);
    if (value === undefined || value < 0 || !nodeUsable(node)) continue;
    if (exclude !== undefined && exclude(node)) continue;
    if (strategy !== "default" && !utilizationFits(node, members, ctx)) continue;
    if (best === undefined || better(node, value, best, currentNodes, ctx, prefer)) best = { node, score: value };
  }
  return best;
}

function better(node: SchedNode, value: Score, best: NodeChoice, currentNodes: NodeName[], ctx: PlacementContext, prefer: SchedNode | undefined): boolean {
  if (value !== best.score) return value > best.score;
  if (prefer !== undefined && (node === prefer || best.node === prefer)) return node === prefer;
  const here = currentNodes.includes(node.name), there = currentNodes.includes(best.node.name);
  if (here !== there) return here;
  const strategy = ctx.options.placementStrategy;
  if (strategy === "balanced") {
    const a = freeCapacity(node, ctx), b = freeCapacity(best.node, ctx);
    if (a !== b) return a > b;
  }
  if (strategy !== "minimal" && node.assignedCount !== best.node.assignedCount) return node.assignedCount < best.node.assignedCount;
  return node.name < best.node.name;
}
