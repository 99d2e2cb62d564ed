import type { Brand } from "../../lib/brand.js";

/**
 * A placement score. Pacemaker Explained ("Infinity Math"): INFINITY is 1,000,000;
 * any sum saturates at ±INFINITY, and -INFINITY wins over +INFINITY.
 * Only the functions here do arithmetic on scores.
 */
export type Score = Brand<number, "Score">;

export const INFINITY = 1_000_000 as Score;
export const MINUS_INFINITY = -1_000_000 as Score;
export const ZERO = 0 as Score;

export function score(value: number): Score {
  if (value >= INFINITY) return INFINITY;
  if (value <= MINUS_INFINITY) return MINUS_INFINITY;
  return Math.trunc(value) as Score;
}

/** Adds two scores: -INFINITY + anything = -INFINITY, then +INFINITY + anything = +INFINITY. */
export function addScores(a: Score, b: Score): Score {
  if (a <= MINUS_INFINITY || b <= MINUS_INFINITY) return MINUS_INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return score(a + b);
}

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

export function formatScore(value: Score): string {
  if (value >= INFINITY) return "INFINITY";
  if (value <= MINUS_INFINITY) return "-INFINITY";
  return String(value);
}
