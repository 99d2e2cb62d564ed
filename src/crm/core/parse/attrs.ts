import { type XmlElement, element } from "../xml.js";
import type { BuildContext } from "./context.js";
import { parseIdPrefix, parseRule } from "./rules.js";
import { parseScoreToken } from "./score.js";
import { CrmSyntaxError, type TokenStream, splitAssignment } from "./stream.js";

export interface AttrSetOptions {
  /** instance_attributes, meta_attributes, utilization or cluster_property_set. */
  setName: string;
  /** Base of the set id when none is given: `<base>` itself when `exactBase`, else `<base>-<setName>`. */
  idBase: string;
  exactBase?: boolean;
  /** Accept `[score:]` and `rule` before the pairs (params, meta, op_params, defaults). */
  allowRules?: boolean;
}

/**
 * Parses `[$id=ID|$id-ref=ID] [score:] [rule ...] name=value | @ref | $id:name=value ...`
 * into one attribute set element. Stops at the first word that is not a pair.
 */
export function parseAttrSet(stream: TokenStream, ctx: BuildContext, options: AttrSetOptions): XmlElement {
  const set = element(options.setName);
  const prefix = parseIdPrefix(stream, ctx, "set");
  if (prefix.ref !== undefined) {
    set.attrs.set("id-ref", prefix.ref);
    return set;
  }
  const id = prefix.id;
  set.attrs.set("id", id ?? ctx.ids.take(options.exactBase === true ? options.idBase : `${options.idBase}-${options.setName}`));
  if (options.allowRules === true) parseSetRules(stream, ctx, set);
  parsePairs(stream, ctx, set);
  return set;
}

function parseSetRules(stream: TokenStream, ctx: BuildContext, set: XmlElement): void {
  const token = stream.peek();
  const score = token === undefined ? undefined : parseScoreTokenQuietly(token.text) ? parseScoreToken(token) : undefined;
  if (score !== undefined) {
    stream.next("score");
    if (score.kind === "score") set.attrs.set("score", score.value);
  }
  const setId = set.attrs.get("id") ?? "";
  while (stream.atKeyword("rule")) {
    stream.next("rule");
    set.children.push(parseRule(stream, ctx, setId));
  }
}

function parseScoreTokenQuietly(text: string): boolean {
  return text.endsWith(":") && !text.includes("=");
}

/** Appends `name=value` pairs (and `@ref` references) to `set` until a non-pair word. */
export function parsePairs(stream: TokenStream, ctx: BuildContext, set: XmlElement): void {
  const setId = set.attrs.get("id") ?? "";
  for (let token = stream.peek(); token !== undefined; token = stream.peek()) {
    if (token.text.startsWith("@") && !token.quoted) {
      stream.next("reference");
      set.children.push(element("nvpair", [["id-ref", token.text.slice(1)]]));
      continue;
    }
    const pair = splitAssignment(token);
    if (pair === undefined || pair.name.startsWith("$id")) return;
    stream.next("name=value");
    let { name } = pair;
    let id: string;
    if (name.startsWith("$")) {
      const colon = name.indexOf(":");
      if (colon < 0) throw new CrmSyntaxError(`expected $id:name=value`, token);
      id = name.slice(1, colon);
      name = name.slice(colon + 1);
      ctx.ids.claim(id);
    } else {
      id = ctx.ids.take(`${setId}-${name}`);
    }
    set.children.push(element("nvpair", [["name", name], ["value", pair.value], ["id", id]]));
  }
}
