import type { XmlElement } from "../xml/tree.js";
import { ZERO_SCORE } from "../score.js";
import { parseIntervalMs, parseIsoDateTime, emptyDuration } from "../rules/iso8601.js";
import type {
  AttributeExpression, AttributeOperation, ComparisonType, DateExpression, DateSpec, DateSpecField, Duration,
  Expression, Rule,
} from "../rules/types.js";
import type { NvPair, NvSet, NvSetKind } from "./types.js";
import type { Reader } from "./reader.js";

/** Reads every set of one kind under `parent` (e.g. all meta_attributes of a primitive). */
export function readNvSets(reader: Reader, parent: XmlElement, kind: NvSetKind): NvSet[] {
  return reader.children(parent, kind).map((element) => readNvSet(reader, element, kind));
}

function readNvSet(reader: Reader, element: XmlElement, kind: NvSetKind): NvSet {
  const set: NvSet = { id: reader.id(element), kind, score: reader.score(element, "score") ?? ZERO_SCORE, pairs: [] };
  if (element.pos) set.pos = element.pos;
  const rules = reader.children(element, "rule");
  if (rules.length > 1) reader.warn(element, "has more than one rule; only the first is used");
  if (rules[0]) set.rule = readRule(reader, rules[0]);
  for (const pair of reader.children(element, "nvpair")) {
    const name = pair.attrs.get("name");
    if (name === undefined) {
      reader.warn(pair, "has no name");
      continue;
    }
    const nv: NvPair = { name };
    const id = pair.attrs.get("id");
    const value = pair.attrs.get("value");
    if (id !== undefined) nv.id = id;
    if (value !== undefined) nv.value = value;
    set.pairs.push(nv);
  }
  return set;
}

export function readRule(reader: Reader, element: XmlElement): Rule {
  const rule: Rule = { kind: "rule", id: reader.id(element), booleanOp: "and", expressions: [] };
  if (element.pos) rule.pos = element.pos;
  const op = element.attrs.get("boolean-op");
  if (op === "or") rule.booleanOp = "or";
  else if (op !== undefined && op !== "and") reader.warn(element, `boolean-op="${op}" is neither and nor or; using and`);
  const score = reader.score(element, "score");
  if (score !== undefined) rule.score = score;
  const scoreAttribute = element.attrs.get("score-attribute");
  if (scoreAttribute !== undefined) rule.scoreAttribute = scoreAttribute;
  const role = reader.role(element, "role");
  if (role !== undefined) rule.role = role;
  for (const child of element.children) {
    if (child.kind !== "element") continue;
    const target = reader.dereference(child);
    const expression = target && readExpression(reader, target);
    if (expression) rule.expressions.push(expression);
  }
  return rule;
}

function readExpression(reader: Reader, element: XmlElement): Expression | undefined {
  switch (element.name) {
    case "rule": return readRule(reader, element);
    case "expression": return readAttributeExpression(reader, element);
    case "date_expression": return readDateExpression(reader, element);
    case "rsc_expression": return withOptional({ kind: "resource" as const, id: reader.id(element) }, element, { class: "class", provider: "provider", type: "type" });
    case "op_expression": return readOperationExpression(reader, element);
    default:
      reader.warn(element, "is not a rule expression; ignored");
      return undefined;
  }
}

const OPERATIONS: readonly AttributeOperation[] = ["lt", "gt", "lte", "gte", "eq", "ne", "defined", "not_defined"];
const TYPES: Record<string, ComparisonType> = { string: "string", integer: "integer", int: "integer", number: "number", version: "version" };

function readAttributeExpression(reader: Reader, element: XmlElement): AttributeExpression | undefined {
  const attribute = element.attrs.get("attribute");
  const operation = element.attrs.get("operation") as AttributeOperation | undefined;
  if (attribute === undefined || operation === undefined || !OPERATIONS.includes(operation)) {
    reader.warn(element, "needs an attribute and an operation (lt gt lte gte eq ne defined not_defined)");
    return undefined;
  }
  const source = element.attrs.get("value-source") ?? "literal";
  const expression: AttributeExpression = {
    kind: "attribute", id: reader.id(element), attribute, operation,
    valueSource: source === "param" || source === "meta" ? source : "literal",
  };
  const value = element.attrs.get("value");
  if (value !== undefined) expression.value = value;
  const typeText = element.attrs.get("type");
  if (typeText !== undefined) {
    const type = TYPES[typeText.toLowerCase()];
    if (type) expression.type = type;
    else reader.warn(element, `type="${typeText}" is not string, integer, number or version`);
  }
  return expression;
}

function readDateExpression(reader: Reader, element: XmlElement): DateExpression | undefined {
  const operation = element.attrs.get("operation") ?? "in_range";
  if (operation !== "in_range" && operation !== "gt" && operation !== "lt" && operation !== "date_spec") {
    reader.warn(element, `operation="${operation}" is not in_range, gt, lt or date_spec`);
    return undefined;
  }
  const expression: DateExpression = { kind: "date", id: reader.id(element), operation };
  for (const name of ["start", "end"] as const) {
    const text = element.attrs.get(name);
    if (text === undefined) continue;
    const seconds = parseIsoDateTime(text);
    if (seconds === undefined) reader.warn(element, `${name}="${text}" is not an ISO 8601 date`);
    else expression[name] = seconds;
  }
  const spec = reader.children(element, "date_spec")[0];
  if (spec) expression.dateSpec = readDateSpec(reader, spec);
  const duration = reader.children(element, "duration")[0];
  if (duration) expression.duration = readDuration(reader, duration);
  return expression;
}

const SPEC_FIELDS: readonly DateSpecField[] = [
  "seconds", "minutes", "hours", "monthdays", "weekdays", "yeardays", "months", "weeks", "years", "weekyears", "moon",
];

function readDateSpec(reader: Reader, element: XmlElement): DateSpec {
  const spec: DateSpec = {};
  for (const field of SPEC_FIELDS) {
    const text = element.attrs.get(field);
    if (text === undefined) continue;
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
    if (!range) {
      reader.warn(element, `${field}="${text}" is not a number or a range such as 9-17`);
      continue;
    }
    spec[field] = { low: Number(range[1]), high: Number(range[2] ?? range[1]) };
  }
  return spec;
}

const DURATION_FIELDS: ReadonlyArray<keyof Duration> = ["years", "months", "weeks", "days", "hours", "minutes", "seconds"];

/** A `<duration>` element: whole numbers of years, months, weeks, days, hours, minutes, seconds. */
function readDuration(reader: Reader, element: XmlElement): Duration {
  const duration = emptyDuration();
  for (const field of DURATION_FIELDS) {
    const text = element.attrs.get(field);
    if (text === undefined) continue;
    if (/^\s*\d+\s*$/.test(text)) duration[field] = Number(text);
    else reader.warn(element, `${field}="${text}" is not a whole number`);
  }
  return duration;
}

function readOperationExpression(reader: Reader, element: XmlElement): Expression | undefined {
  const name = element.attrs.get("name");
  if (name === undefined) {
    reader.warn(element, "has no name");
    return undefined;
  }
  const expression: Expression = { kind: "operation", id: reader.id(element), name };
  const interval = element.attrs.get("interval");
  if (interval !== undefined) {
    const intervalMs = parseIntervalMs(interval);
    if (intervalMs === undefined) reader.warn(element, `interval="${interval}" is not an interval`);
    else expression.intervalMs = intervalMs;
  }
  return expression;
}

/** Copies the named XML attributes that are present onto `target` under the given keys. */
export function withOptional<T extends object, K extends string>(
  target: T, element: XmlElement, names: Record<K, string>,
): T & Partial<Record<K, string>> {
  const result = target as T & Partial<Record<K, string>>;
  for (const [key, attribute] of Object.entries(names) as Array<[K, string]>) {
    const value = element.attrs.get(attribute);
    if (value !== undefined) (result as Record<K, string>)[key] = value;
  }
  return result;
}
