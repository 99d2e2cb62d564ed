import type { Brand } from "../../lib/brand.js";

/** A Pacemaker score: an integer saturated at ±INFINITY (1,000,000). */
export type Score = Brand<number, "Score">;

export const INFINITY_SCORE = 1_000_000 as Score;
export const MINUS_INFINITY_SCORE = -1_000_000 as Score;
export const ZERO_SCORE = 0 as Score;

/** Clamps any finite number to a Score (integers, saturated). */
export function toScore(value: number): Score {
  if (Number.isNaN(value)) return ZERO_SCORE;
  if (value >= INFINITY_SCORE) return INFINITY_SCORE;
  if (value <= MINUS_INFINITY_SCORE) return MINUS_INFINITY_SCORE;
  return Math.trunc(value) as Score;
}

/**
 * Pacemaker's score addition: -INFINITY wins over everything (a ban is never
 * outvoted), then +INFINITY, otherwise a sum saturated at ±INFINITY.
 */
export function addScores(a: Score, b: Score): Score {
  if (a <= MINUS_INFINITY_SCORE || b <= MINUS_INFINITY_SCORE) return MINUS_INFINITY_SCORE;
  if (a >= INFINITY_SCORE || b >= INFINITY_SCORE) return INFINITY_SCORE;
  return toScore(a + b);
}

export function isInfinite(score: Score): boolean {
  return score >= INFINITY_SCORE || score <= MINUS_INFINITY_SCORE;
}

/**
 * Strict parse of a score as the schema allows it: an integer, or exactly
 * INFINITY, +INFINITY or -INFINITY (upper case: Pacemaker 2.1 reads "inf" and
 * "Infinity" as 0). Integers beyond ±1,000,000 saturate. Returns undefined
 * for anything else, so that `verify` can object.
 */
export function parseScore(text: string): Score | undefined {
  const trimmed = text.trim();
  if (trimmed === "INFINITY" || trimmed === "+INFINITY") return INFINITY_SCORE;
  if (trimmed === "-INFINITY") return MINUS_INFINITY_SCORE;
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  return toScore(Number(trimmed));
}

/**
 * The score Pacemaker uses for any text (checked against crm_simulate): the
 * strict forms, else a leading integer as strtol reads it ("10abc" is 10,
 * "1.5" is 1), else 0 ("inf", "Infinity", "abc", "").
 */
export function scoreOrLenient(text: string): Score {
  const strict = parseScore(text);
  if (strict !== undefined) return strict;
  const leading = /^\s*([+-]?\d+)/.exec(text);
  return leading ? toScore(Number(leading[1])) : ZERO_SCORE;
}

/** How Pacemaker prints a score: INFINITY, -INFINITY or the integer. */
export function formatScore(score: Score): string {
  if (score >= INFINITY_SCORE) return "INFINITY";
  if (score <= MINUS_INFINITY_SCORE) return "-INFINITY";
  return String(score);
}
