import type { Token } from "../lexer.js";
import { CrmSyntaxError } from "./stream.js";

/** A parsed score: a number/INFINITY for `score`, or a node attribute name for `score-attribute`. */
export type ScoreSpec = { kind: "score"; value: string } | { kind: "attribute"; name: string };

const INFINITY_WORDS = new Set(["inf", "+inf", "infinity", "+infinity"]);

/** Normalises crm score words to CIB values: inf -> INFINITY, -inf -> -INFINITY, numbers unchanged. */
export function scoreValue(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (INFINITY_WORDS.has(lower)) return "INFINITY";
  if (lower === "-inf" || lower === "-infinity") return "-INFINITY";
  if (/^[-+]?[0-9]+$/.test(text)) return text.startsWith("+") ? text.slice(1) : text;
  return undefined;
}

/** Parses `<score>:` (the token must end with a colon). Non-numeric scores name an attribute. */
export function parseScoreToken(token: Token): ScoreSpec | undefined {
  if (token.quoted || !token.text.endsWith(":") || token.text.length < 2) return undefined;
  const body = token.text.slice(0, -1);
  const value = scoreValue(body);
  if (value !== undefined) return { kind: "score", value };
  if (/^[A-Za-z#_][-A-Za-z0-9_.#]*$/.test(body)) return { kind: "attribute", name: body };
  throw new CrmSyntaxError(`invalid score '${body}'`, token);
}

/** crm spelling of a CIB score for `show`. */
export function showScore(value: string): string {
  if (value === "INFINITY" || value === "+INFINITY") return "inf";
  if (value === "-INFINITY") return "-inf";
  return value;
}
