import { err, ok, type Result } from "../../lib/result.js";
import type { QuorumOptions, QuorumSettings } from "./types.js";

const LAST_MAN_STANDING_WINDOW_MS = 10_000;

/** Resolves the quorum {} section: defaults and the relations votequorum(5) states. */
export function quorumOptions(settings: QuorumSettings): Result<QuorumOptions, string[]> {
  const problems: string[] = [];
  const votes = settings.votes ?? 1;
  const nodelistVotes = settings.nodelist?.reduce((sum, node) => sum + node.votes, 0);
  const expectedVotes = settings.expected_votes ?? nodelistVotes;
  if (expectedVotes === undefined) problems.push("quorum: expected_votes is required without a nodelist");
  else if (!Number.isInteger(expectedVotes) || expectedVotes < 1) problems.push(`quorum.expected_votes must be a positive integer (got ${expectedVotes})`);
  if (!Number.isInteger(votes) || votes < 0) problems.push(`quorum votes must be a non-negative integer (got ${votes})`);
  const twoNode = settings.two_node ?? false;
  if (twoNode && expectedVotes !== undefined && expectedVotes !== 2) problems.push(`quorum.two_node needs exactly 2 expected votes (got ${expectedVotes})`);
  const lastManStanding = settings.last_man_standing ?? false;
  const window = settings.last_man_standing_window ?? LAST_MAN_STANDING_WINDOW_MS;
  if (!Number.isInteger(window) || window <= 0) problems.push("quorum.last_man_standing_window must be a positive integer (ms)");
  if (lastManStanding && votes !== 1) problems.push("quorum.last_man_standing needs one vote per node");
  // Both halves of a split must pick the same tie-breaker: only a nodelist guarantees they know the same nodes.
  if ((settings.auto_tie_breaker ?? false) && settings.nodelist === undefined) problems.push("quorum.auto_tie_breaker needs a nodelist");
  if (problems.length > 0 || expectedVotes === undefined) return err(problems);
  return ok({
    expectedVotes, votes, twoNode, waitForAll: settings.wait_for_all ?? twoNode, lastManStanding, lastManStandingWindowMs: window,
    autoTieBreaker: settings.auto_tie_breaker ?? false, tieBreaker: settings.auto_tie_breaker_node ?? "lowest",
    nodelistIds: settings.nodelist?.map((node) => node.nodeid) ?? [],
  });
}
