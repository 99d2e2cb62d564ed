import type { Result } from "../../lib/result.js";
import { quorumOptions, type QuorumOptions } from "../../quorum/index.js";
import type { NodeId as TotemNodeId } from "../../totem/index.js";
import type { ClusterConfig, NodeId } from "./model.js";

/**
 * The votequorum core's options from the quorum section and the nodelist;
 * null without a quorum provider. `self` picks this node's quorum_votes.
 */
export function votequorumOptions(config: Pick<ClusterConfig, "quorum" | "nodes">, self: NodeId | undefined): Result<QuorumOptions, string[]> | null {
  const q = config.quorum;
  if (q.provider === "none") return null;
  const asTotem = (id: NodeId) => id as number as TotemNodeId;
  const votes = config.nodes.find((n) => n.nodeid === self)?.votes;
  return quorumOptions({
    ...(q.expectedVotes === undefined ? {} : { expected_votes: q.expectedVotes }),
    ...(config.nodes.length === 0 ? {} : { nodelist: config.nodes.map((n) => ({ nodeid: asTotem(n.nodeid), votes: n.votes })) }),
    ...(votes === undefined ? {} : { votes }),
    two_node: q.twoNode, wait_for_all: q.waitForAll, last_man_standing: q.lastManStanding,
    last_man_standing_window: q.lastManStandingWindowMs, auto_tie_breaker: q.autoTieBreaker,
    auto_tie_breaker_node: Array.isArray(q.autoTieBreakerNode) ? q.autoTieBreakerNode.map(asTotem) : q.autoTieBreakerNode,
  });
}
