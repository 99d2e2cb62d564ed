import { assertNever } from "../../../lib/assert.js";
import { scoreOrLenient, type Score } from "../score.js";
import { addDuration, civilFromSeconds, type CivilTime } from "./iso8601.js";
import type {
  AttributeExpression, ComparisonType, DateExpression, DateSpec, DateSpecField, Expression, OperationExpression,
  ResourceExpression, Role, Rule,
} from "./types.js";

/**
 * What a rule is evaluated against. Everything is passed in, so evaluation is
 * a pure function; an expression whose inputs are absent from the context is
 * false (e.g. a node attribute test where no node is in question).
 */
export interface RuleContext {
  /** Unix seconds: "now" (the CIB's execution-date when present). */
  nowSeconds: number;
  /** The node's attributes, including the built-ins #uname, #id, #kind, #is_dc, #cluster-name … */
  nodeAttributes?: ReadonlyMap<string, string>;
  /** The resource's current role, for rules with a role. */
  role?: Role;
  /** For rsc_expression (rsc_defaults / op_defaults). */
  resource?: { class: string; provider?: string; type: string };
  /** For op_expression (op_defaults). */
  operation?: { name: string; intervalMs: number };
  /** For value-source="param" / "meta" (location rules). */
  resourceParams?: ReadonlyMap<string, string>;
  resourceMeta?: ReadonlyMap<string, string>;
}

/** A rule is true when its role (if any) matches and its expressions combine to true. An empty rule is true. */
export function evaluateRule(rule: Rule, context: RuleContext): boolean {
  if (rule.role !== undefined && context.role !== undefined && !roleMatches(rule.role, context.role)) return false;
  if (rule.booleanOp === "or") {
    return rule.expressions.length === 0 || rule.expressions.some((expression) => evaluateExpression(expression, context));
  }
  return rule.expressions.every((expression) => evaluateExpression(expression, context));
}

/** "Started" covers any active role; the others must match exactly. */
function roleMatches(wanted: Role, actual: Role): boolean {
  if (wanted === "Started") return actual !== "Stopped";
  return wanted === actual;
}

export function evaluateExpression(expression: Expression, context: RuleContext): boolean {
  switch (expression.kind) {
    case "rule": return evaluateRule(expression, context);
    case "attribute": return evaluateAttribute(expression, context);
    case "date": return evaluateDate(expression, context.nowSeconds);
    case "resource": return evaluateResource(expression, context);
    case "operation": return evaluateOperation(expression, context);
    default: return assertNever(expression, "expression");
  }
}

/**
 * The score a matching location rule gives a node: its literal score, or the
 * value of its score-attribute on that node (undefined when the node lacks it).
 */
export function ruleScore(rule: Rule, nodeAttributes: ReadonlyMap<string, string>): Score | undefined {
  if (rule.scoreAttribute !== undefined) {
    const value = nodeAttributes.get(rule.scoreAttribute);
    return value === undefined ? undefined : scoreOrLenient(value);
  }
  return rule.score;
}

function evaluateAttribute(expression: AttributeExpression, context: RuleContext): boolean {
  if (!context.nodeAttributes) return false;
  const actual = context.nodeAttributes.get(expression.attribute);
  if (expression.operation === "defined") return actual !== undefined;
  if (expression.operation === "not_defined") return actual === undefined;
  const expected = expectedValue(expression, context);
  if (actual === undefined || expected === undefined) {
    if (expression.operation === "eq") return actual === expected;
    return expression.operation === "ne" && actual !== expected;
  }
  const order = compareValues(actual, expected, expression.type ?? defaultType(expression.operation, actual, expected));
  switch (expression.operation) {
    case "lt": return order < 0;
    case "gt": return order > 0;
    case "lte": return order <= 0;
    case "gte": return order >= 0;
    case "eq": return order === 0;
    case "ne": return order !== 0;
  }
}

function expectedValue(expression: AttributeExpression, context: RuleContext): string | undefined {
  if (expression.value === undefined) return undefined;
  if (expression.valueSource === "param") return context.resourceParams?.get(expression.value);
  if (expression.valueSource === "meta") return context.resourceMeta?.get(expression.value);
  return expression.value;
}

/** Pacemaker Explained: lt/gt/lte/gte compare as numbers (number if either has a '.', else integer); others as strings. */
function defaultType(operation: AttributeExpression["operation"], a: string, b: string): ComparisonType {
  if (operation === "eq" || operation === "ne") return "string";
  return a.includes(".") || b.includes(".") ? "number" : "integer";
}

/** Negative, zero or positive. Numbers that do not parse fall back to a string comparison. */
export function compareValues(a: string, b: string, type: ComparisonType): number {
  if (type === "integer" || type === "number") {
    const [x, y] = [parseNumeric(a, type), parseNumeric(b, type)];
    if (x !== undefined && y !== undefined) return Math.sign(x - y);
  }
  if (type === "version") return compareVersions(a, b);
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]; // Pacemaker compares strings case-insensitively
  return x < y ? -1 : x > y ? 1 : 0;
}

function parseNumeric(text: string, type: "integer" | "number"): number | undefined {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  return type === "integer" ? Math.trunc(value) : value;
}

/** Dotted versions compare field by field as integers; a missing field counts as 0. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split("."), b.split(".")];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (parseInt(x[i] ?? "0", 10) || 0) - (parseInt(y[i] ?? "0", 10) || 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** in_range is inclusive at both ends; gt and lt are strict. */
export function evaluateDate(expression: DateExpression, nowSeconds: number): boolean {
  switch (expression.operation) {
    case "gt": return expression.start !== undefined && nowSeconds > expression.start;
    case "lt": return expression.end !== undefined && nowSeconds < expression.end;
    case "date_spec": return expression.dateSpec !== undefined && dateSpecMatches(expression.dateSpec, nowSeconds);
    case "in_range": {
      const { start, duration } = expression;
      const end = expression.end ?? (start !== undefined && duration ? addDuration(start, duration) : undefined);
      if (start === undefined && end === undefined) return false;
      return (start === undefined || nowSeconds >= start) && (end === undefined || nowSeconds <= end);
    }
  }
}

const SPEC_VALUE: Record<DateSpecField, (civil: CivilTime) => number> = {
  seconds: (c) => c.second, minutes: (c) => c.minute, hours: (c) => c.hour, monthdays: (c) => c.day,
  weekdays: (c) => c.weekday, yeardays: (c) => c.yearday, months: (c) => c.month, weeks: (c) => c.week,
  years: (c) => c.year, weekyears: (c) => c.weekYear, moon: moonPhase,
};

/** Every field present in the spec must contain the current value (UTC). */
export function dateSpecMatches(spec: DateSpec, nowSeconds: number): boolean {
  const civil = civilFromSeconds(nowSeconds);
  for (const [field, range] of Object.entries(spec) as Array<[DateSpecField, DateSpec[DateSpecField]]>) {
    if (!range) continue;
    const value = SPEC_VALUE[field](civil);
    if (value < range.low || value > range.high) return false;
  }
  return true;
}

/** The deprecated `moon` field: the classic phase-of-the-moon approximation (0 new … 4 full … 7). */
function moonPhase(civil: CivilTime): number {
  const golden = (civil.year % 19) + 1;
  let epact = (11 * golden + 18) % 30;
  if ((epact === 25 && golden > 11) || epact === 24) epact++;
  return (Math.floor((((civil.yearday - 1 + epact) * 6 + 11) % 177) / 22)) & 7;
}

function evaluateResource(expression: ResourceExpression, context: RuleContext): boolean {
  const resource = context.resource;
  if (!resource) return false;
  if (expression.class !== undefined && expression.class !== resource.class) return false;
  if (expression.provider !== undefined && expression.provider !== resource.provider) return false;
  return expression.type === undefined || expression.type === resource.type;
}

function evaluateOperation(expression: OperationExpression, context: RuleContext): boolean {
  const operation = context.operation;
  if (!operation || operation.name !== expression.name) return false;
  return expression.intervalMs === undefined || expression.intervalMs === operation.intervalMs;
}
