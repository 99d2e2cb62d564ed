import type { DateSpec, Expression, NvSet, Rule } from "../../cib/index.js";
import { type Score, parseScore, ZERO } from "./score.js";

/** What a rule can look at (Pacemaker Explained, "Rules"). */
export interface RuleContext {
  /** Node attributes, including #uname, #id and #kind. */
  node: ReadonlyMap<string, string> | undefined;
  /** Seconds since the epoch. */
  now: number;
  resource?: { class: string; provider: string | undefined; type: string } | undefined;
  operation?: { name: string; intervalMs: number } | undefined;
  /** Resource meta-attributes for value-source="meta"; instance attributes for "param". */
  meta?: ReadonlyMap<string, string> | undefined;
  params?: ReadonlyMap<string, string> | undefined;
  role?: string | undefined;
}

export function ruleMatches(rule: Rule, ctx: RuleContext): boolean {
  if (rule.role !== undefined && ctx.role !== undefined && normaliseRole(rule.role) !== normaliseRole(ctx.role)) return false;
  if (rule.expressions.length === 0) return true;
  const results = rule.expressions.map((e) => expressionMatches(e, ctx));
  return rule.booleanOp === "or" ? results.some(Boolean) : results.every(Boolean);
}

/** A rule's score: its score, or the node attribute named by score-attribute. */
export function ruleScore(rule: Rule, ctx: RuleContext): Score {
  if (rule.scoreAttribute !== undefined) return parseScore(ctx.node?.get(rule.scoreAttribute)) ?? ZERO;
  return parseScore(rule.score) ?? ZERO;
}

export function normaliseRole(role: string): string {
  const r = role.toLowerCase();
  if (r === "master") return "promoted";
  if (r === "slave") return "unpromoted";
  return r;
}

function expressionMatches(e: Expression, ctx: RuleContext): boolean {
  switch (e.kind) {
    case "rule":
      return ruleMatches(e.rule, ctx);
    case "attribute":
      return attributeMatches(e, ctx);
    case "date":
      return dateMatches(e.operation, e.start, e.end, e.dateSpec, e.duration, ctx.now);
    case "resource":
      return ctx.resource === undefined ||
        ((e.class === undefined || e.class === ctx.resource.class) &&
          (e.provider === undefined || e.provider === ctx.resource.provider) &&
          (e.type === undefined || e.type === ctx.resource.type));
    case "operation":
      return ctx.operation === undefined ||
        ((e.name === undefined || e.name === ctx.operation.name) &&
          (e.interval === undefined || parseIntervalMs(e.interval) === ctx.operation.intervalMs));
  }
}

function attributeMatches(e: Extract<Expression, { kind: "attribute" }>, ctx: RuleContext): boolean {
  const actual = ctx.node?.get(e.attribute);
  if (e.operation === "defined") return actual !== undefined;
  if (e.operation === "not_defined") return actual === undefined;
  let expected = e.value;
  if (e.valueSource === "param") expected = expected === undefined ? undefined : ctx.params?.get(expected);
  if (e.valueSource === "meta") expected = expected === undefined ? undefined : ctx.meta?.get(expected);
  if (actual === undefined || expected === undefined) return e.operation === "ne" && actual !== expected;
  const cmp = compareTyped(actual, expected, e.type ?? inferType(expected));
  switch (e.operation) {
    case "eq": return cmp === 0;
    case "ne": return cmp !== 0;
    case "lt": return cmp < 0;
    case "lte": return cmp <= 0;
    case "gt": return cmp > 0;
    case "gte": return cmp >= 0;
    default: return false;
  }
}

/** Without a type: integers compare as integers, decimals ("3.4") as numbers, the rest as strings. */
function inferType(value: string): string {
  if (/^-?\d+$/.test(value)) return "integer";
  return /^-?(\d+\.\d*|\.\d+)$/.test(value) ? "number" : "string";
}

function compareTyped(a: string, b: string, type: string): number {
  if (type === "integer" || type === "number") {
    const x = Number(a), y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return a < b ? -1 : a > b ? 1 : 0;
    return x - y;
  }
  if (type === "version") return compareVersions(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number), pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The winning value of each name across sets: higher set scores first, then document order. */
export function resolveNvSets(sets: readonly NvSet[], ctx: RuleContext, into = new Map<string, string>()): Map<string, string> {
  const ordered = [...sets].sort((a, b) => b.score - a.score);
  for (const set of ordered) {
    if (set.rule !== undefined && !ruleMatches(set.rule, ctx)) continue;
    for (const [name, value] of set.pairs) if (!into.has(name)) into.set(name, value);
  }
  return into;
}

/** Durations like "10s", "5min", "1h", "PT1M" or plain seconds, in milliseconds. */
export function parseIntervalMs(text: string | undefined): number {
  if (text === undefined || text === "") return 0;
  const t = text.trim();
  // ISO 8601 durations; Pacemaker also takes the time part without its "T" (P30S).
  const iso = /^P(?:(\d+)D)?(?:T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(t);
  if (iso) return ((Number(iso[1] ?? 0) * 24 + Number(iso[2] ?? 0)) * 3600 + Number(iso[3] ?? 0) * 60 + Number(iso[4] ?? 0)) * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|msec|us|usec|s|sec|m|min|h|hr)?$/i.exec(t);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const factor: Record<string, number> = { ms: 1, msec: 1, us: 0.001, usec: 0.001, s: 1000, sec: 1000, m: 60000, min: 60000, h: 3600000, hr: 3600000 };
  return Math.round(n * (factor[unit] ?? 1000));
}

function dateMatches(op: string, start: string | undefined, end: string | undefined, spec: DateSpec | undefined, duration: DateSpec | undefined, now: number): boolean {
  const startS = start === undefined ? undefined : parseIsoDate(start);
  let endS = end === undefined ? undefined : parseIsoDate(end);
  if (endS === undefined && startS !== undefined && duration !== undefined) endS = addDuration(startS, duration);
  switch (op) {
    case "gt": return startS !== undefined && now > startS;
    case "lt": return endS !== undefined && now < endS;
    case "in_range": return (startS === undefined || now >= startS) && (endS === undefined || now <= endS);
    case "date_spec": return spec !== undefined && dateSpecMatches(spec, now);
    default: return false;
  }
}

function addDuration(startS: number, d: DateSpec): number {
  const n = (k: string): number => Number(d[k] ?? 0);
  const date = new Date(startS * 1000);
  date.setUTCFullYear(date.getUTCFullYear() + n("years"), date.getUTCMonth() + n("months"), date.getUTCDate() + n("days") + 7 * n("weeks"));
  return date.getTime() / 1000 + n("hours") * 3600 + n("minutes") * 60 + n("seconds");
}

/** ISO 8601 calendar, ordinal and week dates with optional time and offset, in epoch seconds. */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})-(\d{2})|-(\d{3})|-W(\d{2})-(\d))?(?:[T ](\d{2}):?(\d{2})?:?(\d{2})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  let days: number;
  if (m[4] !== undefined) days = Date.UTC(year, 0, Number(m[4]));
  else if (m[5] !== undefined) {
    const jan4 = new Date(Date.UTC(year, 0, 4));
    const week1Monday = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() + 6) % 7));
    days = week1Monday + ((Number(m[5]) - 1) * 7 + Number(m[6]) - 1) * 86400000;
  } else days = Date.UTC(year, Number(m[2] ?? 1) - 1, Number(m[3] ?? 1));
  let seconds = days / 1000 + Number(m[7] ?? 0) * 3600 + Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0);
  const zone = m[10];
  if (zone !== undefined && zone !== "Z") {
    const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!;
    seconds -= (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3]) * 60);
  }
  return seconds;
}

function dateSpecMatches(spec: DateSpec, now: number): boolean {
  const d = new Date(now * 1000);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const fields: Record<string, number> = {
    seconds: d.getUTCSeconds(), minutes: d.getUTCMinutes(), hours: d.getUTCHours(),
    monthdays: d.getUTCDate(), weekdays: ((d.getUTCDay() + 6) % 7) + 1, yeardays: Math.floor((now * 1000 - yearStart) / 86400000) + 1,
    months: d.getUTCMonth() + 1, years: d.getUTCFullYear(),
  };
  for (const [name, value] of Object.entries(fields)) {
    const range = spec[name];
    if (range !== undefined && !inRange(value, range)) return false;
  }
  return true;
}

function inRange(value: number, range: string): boolean {
  const [lo, hi] = range.split("-");
  const low = Number(lo);
  const high = hi === undefined ? low : hi === "" ? Infinity : Number(hi);
  return value >= low && value <= high;
}
