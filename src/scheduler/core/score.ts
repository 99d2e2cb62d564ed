/**
 * Placement scores: the one Score type of the project (src/cib), plus what only
 * the scheduler needs. Pacemaker Explained ("Infinity Math"): INFINITY is
 * 1,000,000; sums saturate at ±INFINITY, and -INFINITY wins over +INFINITY.
 */
import {
  INFINITY_SCORE as INFINITY,
  MINUS_INFINITY_SCORE as MINUS_INFINITY,
  ZERO_SCORE as ZERO,
  addScores,
  formatScore,
  toScore as score,
  type Score,
} from "../../cib/index.js";

export { INFINITY, MINUS_INFINITY, ZERO, addScores, formatScore, score, type Score };

/** Parses "INFINITY", "+INFINITY", "-INFINITY", "inf" or an integer; undefined when unparsable. */
export function parseScore(text: string | undefined): Score | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === "infinity" || t === "+infinity" || t === "inf" || t === "+inf") return INFINITY;
  if (t === "-infinity" || t === "-inf") return MINUS_INFINITY;
  if (t === "red") return MINUS_INFINITY;
  if (t === "green" || t === "yellow") return ZERO;
  if (!/^[+-]?\d+/.test(t)) return undefined;
  return score(parseInt(t, 10));
}

/** Scales a score by a colocation factor (colocation score / INFINITY). */
export function scaleScore(value: Score, factor: number): Score {
  return score(value * factor);
}
