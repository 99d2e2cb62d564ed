import { showScore } from "./parse/score.js";
import { type XmlElement, childElements } from "./xml.js";

/** crmsh quotes a value unless it is made only of letters, digits, '.', '_' and '-'. */
export function quote(value: string): string {
  if (/^[A-Za-z0-9._-]+$/.test(value)) return value;
  return `"${value.replace(/"/g, '\\"')}"`;
}

export function pair(name: string, value: string): string {
  return `${name}=${quote(value)}`;
}

/** crmsh hides passwords in `show` (its default obscure pattern is "passwd"). */
const OBSCURED = /passwd/;

/** `name=value ...` of an attribute set's nvpairs (`@ref` for references). */
export function pairsText(set: XmlElement): string[] {
  return childElements(set, "nvpair").map((nv) => {
    const ref = nv.attrs.get("id-ref");
    if (ref !== undefined) return `@${ref}`;
    const name = nv.attrs.get("name") ?? "";
    return OBSCURED.test(name) ? `${name}="******"` : pair(name, nv.attrs.get("value") ?? "");
  });
}

/** Body of an attribute set: `[$id-ref=X] [score:] [rule ...] name=value ...`. */
export function setBody(set: XmlElement, referenced: ReadonlySet<string>): string[] {
  const ref = set.attrs.get("id-ref");
  if (ref !== undefined) return [`$id-ref=${ref}`];
  const words: string[] = [];
  const score = set.attrs.get("score");
  if (score !== undefined) words.push(`${showScore(score)}:`);
  for (const rule of childElements(set, "rule")) words.push(ruleText(rule, referenced));
  words.push(...pairsText(set));
  return words;
}

/** `rule [$id=X] [$role=R] [score:] expression {and|or expression}`; INFINITY is implied. */
export function ruleText(rule: XmlElement, referenced: ReadonlySet<string>): string {
  const ref = rule.attrs.get("id-ref");
  if (ref !== undefined) return `rule $id-ref=${ref}`;
  const words = ["rule"];
  const id = rule.attrs.get("id") ?? "";
  if (referenced.has(id)) words.push(`$id=${id}`);
  const role = rule.attrs.get("role");
  if (role !== undefined) words.push(`$role=${role}`);
  const score = rule.attrs.get("score");
  const scoreAttribute = rule.attrs.get("score-attribute");
  if (scoreAttribute !== undefined) words.push(`${scoreAttribute}:`);
  else if (score !== undefined && score !== "INFINITY" && score !== "+INFINITY") words.push(`${showScore(score)}:`);
  const joiner = ` ${rule.attrs.get("boolean-op") ?? "and"} `;
  words.push(childElements(rule).map(expressionText).join(joiner));
  return words.join(" ");
}

function expressionText(expr: XmlElement): string {
  const a = (name: string) => expr.attrs.get(name);
  if (expr.name === "date_expression") return dateText(expr);
  const operation = a("operation") ?? "";
  const attribute = a("attribute") ?? "";
  if (operation === "defined" || operation === "not_defined") return `${operation} ${attribute}`;
  const type = a("type");
  return `${attribute} ${type === undefined ? "" : `${type}:`}${operation} ${quote(a("value") ?? "")}`;
}

function dateText(expr: XmlElement): string {
  const operation = expr.attrs.get("operation") ?? "";
  if (operation === "lt") return `date lt ${quote(expr.attrs.get("end") ?? "")}`;
  if (operation === "gt") return `date gt ${quote(expr.attrs.get("start") ?? "")}`;
  const words = [operation === "date_spec" ? "date spec" : "date in"];
  for (const name of ["start", "end"]) {
    const value = expr.attrs.get(name);
    if (value !== undefined) words.push(pair(name, value));
  }
  for (const child of childElements(expr)) {
    for (const [name, value] of child.attrs) if (name !== "id") words.push(pair(name, value));
  }
  return words.join(" ");
}
