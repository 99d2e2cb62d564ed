import { type XmlElement, element } from "../xml.js";
import type { BuildContext } from "./context.js";
import { parseScoreToken } from "./score.js";
import { CrmSyntaxError, type TokenStream, splitAssignment } from "./stream.js";

const BINARY_OPS = new Set(["lt", "gt", "lte", "gte", "eq", "ne"]);
const VALUE_TYPES = new Set(["string", "integer", "number", "version"]);
const DURATION_FIELDS = new Set(["years", "months", "weeks", "days", "hours", "minutes", "seconds"]);
const DATE_SPEC_FIELDS = new Set([...DURATION_FIELDS, "monthdays", "weekdays", "yeardays", "weekyears", "moon"]);

/**
 * Parses a rule after the `rule` keyword: `[$id=ID|$id-ref=ID] [$role=R] [score:] expr {and|or expr}`.
 * The rule id is `<parentId>-rule` when not given.
 */
/**
 * The optional `$id-ref=REF` or `$id=ID` that may open an attribute set or a rule.
 * A given id is claimed at once, so a later generated id never collides with it.
 */
export function parseIdPrefix(stream: TokenStream, ctx: BuildContext, what: string): { ref?: string; id?: string } {
  const given = stream.peekText();
  if (given?.startsWith("$id-ref=")) {
    stream.next(`${what} reference`);
    return { ref: given.slice("$id-ref=".length) };
  }
  if (given?.startsWith("$id=")) {
    stream.next(`${what} id`);
    const id = given.slice("$id=".length);
    ctx.ids.claim(id);
    return { id };
  }
  return {};
}

export function parseRule(stream: TokenStream, ctx: BuildContext, parentId: string): XmlElement {
  const rule = element("rule");
  const prefix = parseIdPrefix(stream, ctx, "rule");
  if (prefix.ref !== undefined) {
    rule.attrs.set("id-ref", prefix.ref);
    return rule;
  }
  const id = prefix.id;
  const role = stream.peekText();
  if (role !== undefined && /^\$?role=/.test(role)) {
    stream.next("role");
    rule.attrs.set("role", role.slice(role.indexOf("=") + 1));
  }
  const scoreToken = stream.peek();
  const score = scoreToken === undefined ? undefined : parseScoreToken(scoreToken);
  if (score !== undefined) stream.next("score");
  rule.attrs.set("id", id ?? ctx.ids.take(`${parentId}-rule`));
  if (score?.kind === "attribute") rule.attrs.set("score-attribute", score.name);
  else rule.attrs.set("score", score?.value ?? "INFINITY");
  parseExpressions(stream, ctx, rule);
  return rule;
}

function parseExpressions(stream: TokenStream, ctx: BuildContext, rule: XmlElement): void {
  const ruleId = rule.attrs.get("id") ?? "";
  for (;;) {
    rule.children.push(parseExpression(stream, ctx, ruleId));
    if (stream.atKeyword("and", "or")) {
      const op = stream.next("boolean operator").text;
      if (op === "or") rule.attrs.set("boolean-op", "or");
      continue;
    }
    return;
  }
}

function parseExpression(stream: TokenStream, ctx: BuildContext, ruleId: string): XmlElement {
  const first = stream.next("an expression");
  if (first.text === "date" && !first.quoted) return parseDateExpression(stream, ctx, ruleId);
  if (first.text === "defined" || first.text === "not_defined") {
    const attribute = stream.next("an attribute name").text;
    const id = ctx.ids.take(`${ruleId}-expression`);
    return element("expression", [["attribute", attribute], ["operation", first.text], ["id", id]]);
  }
  const opToken = stream.next("an operator (lt gt lte gte eq ne)");
  const colon = opToken.text.indexOf(":");
  const type = colon >= 0 ? opToken.text.slice(0, colon) : undefined;
  const op = colon >= 0 ? opToken.text.slice(colon + 1) : opToken.text;
  if (!BINARY_OPS.has(op) || (type !== undefined && !VALUE_TYPES.has(type))) {
    throw new CrmSyntaxError(`expected an operator (lt gt lte gte eq ne) after '${first.text}'`, opToken);
  }
  const value = stream.next("a value").text;
  const id = ctx.ids.take(`${ruleId}-expression`);
  const expr = element("expression", [["attribute", first.text], ["operation", op], ["value", value]]);
  if (type !== undefined) expr.attrs.set("type", type);
  expr.attrs.set("id", id);
  return expr;
}

const DATE_OPS: Record<string, string> = { lt: "lt", gt: "gt", in: "in_range", in_range: "in_range", spec: "date_spec", date_spec: "date_spec" };

function parseDateExpression(stream: TokenStream, ctx: BuildContext, ruleId: string): XmlElement {
  const opToken = stream.next("a date operator (in_range gt lt date_spec spec in)");
  const operation = DATE_OPS[opToken.text];
  if (operation === undefined) throw new CrmSyntaxError("expected a date operator (in_range gt lt date_spec spec in)", opToken);
  const id = ctx.ids.take(`${ruleId}-expression`);
  const expr = element("date_expression", [["operation", operation]]);
  if (operation === "lt" || operation === "gt") {
    expr.attrs.set(operation === "lt" ? "end" : "start", stream.next("a date").text);
    expr.attrs.set("id", id);
    return expr;
  }
  expr.attrs.set("id", id);
  const fields = operation === "date_spec" ? DATE_SPEC_FIELDS : new Set([...DURATION_FIELDS, "start", "end"]);
  const child = element(operation === "date_spec" ? "date_spec" : "duration");
  for (let token = stream.peek(); token !== undefined; token = stream.peek()) {
    const pair = splitAssignment(token);
    if (pair === undefined || !fields.has(pair.name)) break;
    stream.next("a date field");
    if (pair.name === "start" || pair.name === "end") expr.attrs.set(pair.name, pair.value);
    else child.attrs.set(pair.name, pair.value);
  }
  if (child.attrs.size > 0 || operation === "date_spec") {
    child.attrs.set("id", ctx.ids.take(`${id}-${child.name}`));
    expr.children.push(child);
  }
  if (operation === "in_range" && expr.attrs.get("start") === undefined && expr.attrs.get("end") === undefined) {
    throw new CrmSyntaxError("date in needs start= or end=", opToken);
  }
  return expr;
}
