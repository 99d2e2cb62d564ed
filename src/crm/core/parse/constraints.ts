import type { Token } from "../lexer.js";
import { type XmlElement, element } from "../xml.js";
import type { BuildContext } from "./context.js";
import type { NewObject } from "./objects.js";
import { parseRule } from "./rules.js";
import { type ScoreSpec, parseScoreToken } from "./score.js";
import { CrmSyntaxError, type TokenStream, expectId, splitAssignment } from "./stream.js";

/** One operand of a constraint: `rsc[:role-or-action]`, or a bracketed set. */
interface Operand {
  refs: { id: string; suffix?: string }[];
  bracket?: "(" | "[";
  options: [string, string][];
}

const CLOSERS: Record<string, string> = { "(": ")", "[": "]" };

/** Reads operands until the end or an option word (`name=value`). */
function parseOperands(stream: TokenStream): Operand[] {
  const operands: Operand[] = [];
  while (!stream.done && splitAssignment(stream.peek() as Token) === undefined) {
    const token = stream.next("a resource");
    const closer = CLOSERS[token.text];
    if (closer === undefined) {
      operands.push({ refs: [splitSuffix(token.text)], options: [] });
      continue;
    }
    const operand: Operand = { refs: [], bracket: token.text as "(" | "[", options: [] };
    for (;;) {
      const inner = stream.peek();
      if (inner === undefined) throw new CrmSyntaxError("unmatched opening bracket", token);
      stream.next("a resource");
      if (inner.text === closer) break;
      const pair = splitAssignment(inner);
      if (pair !== undefined) operand.options.push([pair.name, pair.value]);
      else operand.refs.push(splitSuffix(inner.text));
    }
    operands.push(operand);
  }
  return operands;
}

function splitSuffix(text: string): { id: string; suffix?: string } {
  const colon = text.indexOf(":");
  return colon < 0 ? { id: text } : { id: text.slice(0, colon), suffix: text.slice(colon + 1) };
}

/** Resource sets for operands; plain neighbours with the same suffix share one set. */
function buildSets(operands: Operand[], ctx: BuildContext, id: string, suffixAttr: string): XmlElement[] {
  const sets: XmlElement[] = [];
  let plain: XmlElement | undefined;
  let plainSuffix: string | undefined;
  for (const operand of operands) {
    if (operand.bracket === undefined) {
      const ref = operand.refs[0] as { id: string; suffix?: string };
      if (plain === undefined || plainSuffix !== ref.suffix) {
        plain = element("resource_set", [["id", ctx.ids.take(`${id}-${sets.length}`)]]);
        if (ref.suffix !== undefined) plain.attrs.set(suffixAttr, ref.suffix);
        plainSuffix = ref.suffix;
        sets.push(plain);
      }
      plain.children.push(element("resource_ref", [["id", ref.id]]));
      continue;
    }
    plain = undefined;
    const set = element("resource_set", [["id", ctx.ids.take(`${id}-${sets.length}`)]]);
    const suffix = operand.refs.find((ref) => ref.suffix !== undefined)?.suffix;
    if (suffix !== undefined) set.attrs.set(suffixAttr, suffix);
    const options = new Map(operand.options);
    if (operand.bracket === "[") set.attrs.set("require-all", "false");
    if (!options.has("sequential")) set.attrs.set("sequential", "false");
    else if (options.get("sequential") !== "true") set.attrs.set("sequential", options.get("sequential") ?? "");
    for (const [name, value] of options) if (name !== "sequential") set.attrs.set(name, value);
    for (const ref of operand.refs) set.children.push(element("resource_ref", [["id", ref.id]]));
    sets.push(set);
  }
  return sets;
}

/** Values an option may take (Pacemaker's schema); absent: any text. */
const OPTION_VALUES: Record<string, string[]> = {
  symmetrical: ["true", "false"],
  "require-all": ["true", "false"],
  "loss-policy": ["stop", "demote", "fence", "freeze"],
};

function parseOptions(stream: TokenStream, el: XmlElement, allowed: string[]): void {
  while (!stream.done) {
    const token = stream.next("an option");
    const pair = splitAssignment(token);
    if (pair === undefined || !allowed.includes(pair.name)) {
      throw new CrmSyntaxError(`unexpected '${token.text}' (options here: ${allowed.join(", ")})`, token);
    }
    const values = OPTION_VALUES[pair.name];
    if (values !== undefined && !values.includes(pair.value)) {
      throw new CrmSyntaxError(`${pair.name} must be one of ${values.join(", ")}`, token);
    }
    el.attrs.set(pair.name, pair.value);
  }
}

function expectScore(stream: TokenStream, what: string): ScoreSpec {
  const token = stream.next(what);
  const score = parseScoreToken(token);
  if (score === undefined) throw new CrmSyntaxError(`expected ${what} (like inf: or 100:)`, token);
  return score;
}

function setScore(el: XmlElement, score: ScoreSpec): void {
  if (score.kind === "score") el.attrs.set("score", score.value);
  else el.attrs.set("score-attribute", score.name);
}

/** `colocation ID SCORE: RSC[:ROLE] WITH[:ROLE] [node-attribute=X]`, or with resource sets. */
export function parseColocation(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "constraint id");
  ctx.ids.claim(id);
  const el = element("rsc_colocation", [["id", id]]);
  setScore(el, expectScore(stream, "<score>:"));
  const operands = parseOperands(stream);
  requireOperands(stream, operands, 2);
  setPairOrSets(el, operands, ctx, id, { first: ["rsc", "rsc-role"], second: ["with-rsc", "with-rsc-role"], suffixAttr: "role" });
  parseOptions(stream, el, ["node-attribute"]);
  return { section: "constraints", element: el };
}

interface PairForm {
  /** Attribute names for the resource and its `:suffix` in the two-resource form. */
  first: [string, string];
  second: [string, string];
  /** The resource_set attribute a suffix becomes in the set form. */
  suffixAttr: string;
}

/** Two plain resources become attributes of the constraint; anything else becomes resource sets. */
function setPairOrSets(el: XmlElement, operands: Operand[], ctx: BuildContext, id: string, form: PairForm): void {
  if (operands.length !== 2 || operands.some((o) => o.bracket !== undefined)) {
    el.children.push(...buildSets(operands, ctx, id, form.suffixAttr));
    return;
  }
  operands.forEach((operand, index) => {
    const ref = operand.refs[0] as { id: string; suffix?: string } | undefined;
    const [idAttr, suffixAttr] = index === 0 ? form.first : form.second;
    el.attrs.set(idAttr, ref?.id ?? "");
    if (ref?.suffix !== undefined) el.attrs.set(suffixAttr, ref.suffix);
  });
}

function requireOperands(stream: TokenStream, operands: Operand[], count: number): void {
  const total = operands.reduce((n, o) => n + Math.max(1, o.refs.length), 0);
  if (total < count) throw new CrmSyntaxError(`${stream.command} needs at least ${count} resources`, stream.peek());
}

const ORDER_KINDS = new Set(["Mandatory", "Optional", "Serialize"]);

/** `order ID [KIND:|SCORE:] FIRST[:ACTION] THEN[:ACTION] [symmetrical=BOOL]`, or with sets. */
export function parseOrder(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "constraint id");
  ctx.ids.claim(id);
  const el = element("rsc_order", [["id", id]]);
  const head = stream.peek();
  if (head !== undefined && head.text.endsWith(":") && !head.quoted) {
    stream.next("kind");
    const kind = head.text.slice(0, -1);
    if (ORDER_KINDS.has(kind)) el.attrs.set("kind", kind);
    else {
      const score = parseScoreToken(head);
      if (score?.kind !== "score") throw new CrmSyntaxError(`invalid order kind '${kind}' (Mandatory, Optional, Serialize or a score)`, head);
      el.attrs.set("kind", score.value === "0" ? "Optional" : "Mandatory");
    }
  }
  const operands = parseOperands(stream);
  requireOperands(stream, operands, 2);
  setPairOrSets(el, operands, ctx, id, { first: ["first", "first-action"], second: ["then", "then-action"], suffixAttr: "action" });
  parseOptions(stream, el, ["symmetrical", "require-all"]);
  return { section: "constraints", element: el };
}

/** `rsc_ticket ID TICKET: RSC[:ROLE]... [loss-policy=POLICY]`. */
export function parseTicket(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "constraint id");
  ctx.ids.claim(id);
  const ticketToken = stream.next("<ticket>:");
  if (!ticketToken.text.endsWith(":")) throw new CrmSyntaxError("expected <ticket>:", ticketToken);
  const el = element("rsc_ticket", [["id", id], ["ticket", ticketToken.text.slice(0, -1)]]);
  const operands = parseOperands(stream);
  requireOperands(stream, operands, 1);
  if (operands.length === 1 && operands[0]?.bracket === undefined) {
    const ref = operands[0]?.refs[0] as { id: string; suffix?: string };
    el.attrs.set("rsc", ref.id);
    if (ref.suffix !== undefined) el.attrs.set("rsc-role", ref.suffix);
  } else {
    el.children.push(...buildSets(operands, ctx, id, "role"));
  }
  parseOptions(stream, el, ["loss-policy"]);
  return { section: "constraints", element: el };
}

/** `location ID RSC|{ RSC... }|~PATTERN [role=R] {SCORE: NODE | rule ...} [resource-discovery=X]`. */
export function parseLocation(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "constraint id");
  ctx.ids.claim(id);
  const el = element("rsc_location", [["id", id]]);
  const target = stream.next("a resource");
  let set: XmlElement | undefined;
  if (target.text === "{") {
    set = element("resource_set", [["id", ctx.ids.take(`${id}-0`)]]);
    for (let t = stream.next("a resource"); t.text !== "}"; t = stream.next("'}'")) {
      set.children.push(element("resource_ref", [["id", t.text]]));
    }
  } else if (target.text.startsWith("~")) el.attrs.set("rsc-pattern", target.text.slice(1));
  else el.attrs.set("rsc", target.text);
  for (let option = stream.peek(); option !== undefined && /^(\$?role|resource-discovery)=/.test(option.text); option = stream.peek()) {
    stream.next("option");
    const pair = splitAssignment(option);
    if (pair !== undefined) el.attrs.set(pair.name.replace(/^\$/, ""), pair.value);
  }
  if (stream.atKeyword("rule")) {
    while (stream.accept("rule")) el.children.push(parseRule(stream, ctx, id));
  } else {
    const scoreToken = stream.next("<score>: <node> or rule");
    const score = parseScoreToken(scoreToken);
    if (score?.kind !== "score") throw new CrmSyntaxError("expected <score>: <node> or rule", scoreToken);
    el.attrs.set("score", score.value);
    el.attrs.set("node", stream.next("a node name").text);
  }
  if (set !== undefined) el.children.unshift(set);
  stream.end();
  return { section: "constraints", element: el };
}
