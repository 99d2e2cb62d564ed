import type { NodeId } from "../../totem/index.js";
import type { TieBreaker } from "./types.js";

export interface QuorumInput {
  readonly expectedVotes: number;
  readonly totalVotes: number;
  readonly memberCount: number;
  readonly twoNode: boolean;
  readonly waitingForAll: boolean;
  readonly autoTieBreaker: boolean;
  /** Whether this partition holds the tie-breaker node (only used on an exact half). */
  readonly holdsTieBreaker: boolean;
}

export interface QuorumResult {
  readonly quorum: number;
  readonly quorate: boolean;
}

/**
 * votequorum's arithmetic (votequorum(5), protocol brief §7): a majority of
 * expected votes; two_node makes 1 vote enough while at most two nodes are
 * present; auto_tie_breaker decides an exact half; wait_for_all holds
 * quorum back until all votes have been seen together.
 */
export function calculateQuorum(input: QuorumInput): QuorumResult {
  const expected = Math.max(input.expectedVotes, input.totalVotes);
  const twoNodeActive = input.twoNode && input.memberCount <= 2 && expected <= 2;
  const quorum = twoNodeActive ? 1 : Math.floor(expected / 2) + 1;
  let quorate = input.totalVotes >= quorum;
  if (!quorate && input.autoTieBreaker && input.totalVotes * 2 === expected && input.holdsTieBreaker) quorate = true;
  if (input.waitingForAll) quorate = false;
  return { quorum, quorate };
}

/**
 * auto_tie_breaker_node: lowest or highest of the cluster's nodes, or the first
 * listed node that belongs to the cluster (votequorum(5)). The cluster is the
 * nodelist plus every node seen as a member; with a nodelist both halves of a
 * split therefore pick the same node.
 */
export function holdsTieBreaker(tieBreaker: TieBreaker, known: readonly NodeId[], members: readonly NodeId[]): boolean {
  if (known.length === 0) return false;
  let decider: NodeId | undefined;
  if (tieBreaker === "lowest") decider = known.reduce((a, b) => (b < a ? b : a));
  else if (tieBreaker === "highest") decider = known.reduce((a, b) => (b > a ? b : a));
  else decider = tieBreaker.find((node) => known.includes(node));
  return decider !== undefined && members.includes(decider);
}
