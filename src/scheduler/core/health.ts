import type { ClusterOptions } from "./options.js";
import { addScores, MINUS_INFINITY, parseScore, type Score, ZERO } from "./score.js";

/**
 * A node's health score (Pacemaker Explained, "Tracking Node Health"): the sum over
 * its #health-* attributes of what each value is worth under node-health-strategy.
 * migrate-on-red bans red nodes, only-green bans red and yellow ones; progressive and
 * custom use node-health-red/-yellow/-green (numbers count as they are), progressive
 * starting from node-health-base. Every resource gets it on that node.
 */
export function nodeHealth(attributes: Map<string, string>, options: ClusterOptions): Score {
  const strategy = options.nodeHealthStrategy;
  if (strategy !== "migrate-on-red" && strategy !== "only-green" && strategy !== "progressive" && strategy !== "custom") return ZERO;
  let total = strategy === "progressive" ? (parseScore(options.all.get("node-health-base")) ?? ZERO) : ZERO;
  for (const [name, value] of attributes) {
    if (!name.startsWith("#health")) continue;
    total = addScores(total, valueScore(value.trim().toLowerCase(), strategy, options));
  }
  return total;
}

function valueScore(value: string, strategy: string, options: ClusterOptions): Score {
  const colour = value === "red" || value === "yellow" || value === "green" ? value : undefined;
  if (strategy === "migrate-on-red") return colour === "red" ? MINUS_INFINITY : ZERO;
  if (strategy === "only-green") return colour === "red" || colour === "yellow" ? MINUS_INFINITY : ZERO;
  if (colour === undefined) return parseScore(value) ?? ZERO;
  const fallback = colour === "red" ? MINUS_INFINITY : ZERO;
  return parseScore(options.all.get(`node-health-${colour}`)) ?? fallback;
}
