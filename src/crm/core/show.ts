import { assertNever } from "../../lib/assert.js";
import { showScore } from "./parse/score.js";
import { pair, pairsText, quote, ruleText, setBody } from "./show-values.js";
import { type XmlElement, childElements, descendants, firstChild } from "./xml.js";

/** The kinds of object `crm configure show` prints, in the order it prints them. */
export const SHOW_ORDER = [
  "node", "rsc_template", "primitive", "bundle", "group", "ms", "clone", "tag", "constraint",
  "ticket_or_topology", "property", "rsc_defaults", "op_defaults", "role", "acl_target", "alert",
] as const;
export type ShowKind = (typeof SHOW_ORDER)[number];

/** One top-level configuration object as crmsh sees it. */
export interface ConfigObject {
  kind: ShowKind;
  id: string;
  element: XmlElement;
}

const RESOURCE_KINDS: Record<string, ShowKind> = {
  primitive: "primitive", template: "rsc_template", group: "group", clone: "clone", master: "ms", bundle: "bundle",
};
const CONSTRAINT_KINDS: Record<string, ShowKind> = {
  rsc_location: "constraint", rsc_colocation: "constraint", rsc_order: "constraint", rsc_ticket: "ticket_or_topology",
};
const SET_SECTIONS: Record<string, ShowKind> = { crm_config: "property", rsc_defaults: "rsc_defaults", op_defaults: "op_defaults" };

/** Every object of a <configuration>, resources nested in containers included. */
export function listObjects(configuration: XmlElement): ConfigObject[] {
  const objects: ConfigObject[] = [];
  const add = (kind: ShowKind | undefined, element: XmlElement, id = element.attrs.get("id") ?? "") => {
    if (kind !== undefined) objects.push({ kind, id, element });
  };
  for (const section of childElements(configuration)) {
    switch (section.name) {
      case "nodes":
        for (const node of childElements(section, "node")) add("node", node);
        break;
      case "resources":
        for (const el of descendants(section)) if (el !== section && isResource(el)) add(RESOURCE_KINDS[el.name], el);
        break;
      case "constraints":
        for (const el of childElements(section)) add(CONSTRAINT_KINDS[el.name], el);
        break;
      case "fencing-topology":
        add("ticket_or_topology", section, "fencing_topology");
        break;
      case "tags":
        for (const el of childElements(section, "tag")) add("tag", el);
        break;
      case "acls":
        for (const el of childElements(section)) add(el.name === "acl_role" ? "role" : el.name === "acl_target" ? "acl_target" : undefined, el);
        break;
      case "alerts":
        for (const el of childElements(section, "alert")) add("alert", el);
        break;
      default:
        for (const set of childElements(section)) add(SET_SECTIONS[section.name], set);
    }
  }
  return objects;
}

function isResource(el: XmlElement): boolean {
  return RESOURCE_KINDS[el.name] !== undefined;
}

/** Objects in show order: by kind, then by id (property and defaults sets keep document order). */
export function sortForShow(objects: ConfigObject[]): ConfigObject[] {
  const rank = (o: ConfigObject) => SHOW_ORDER.indexOf(o.kind);
  const keepOrder = new Set<ShowKind>(["property", "rsc_defaults", "op_defaults"]);
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => {
      const byKind = rank(a.object) - rank(b.object);
      if (byKind !== 0) return byKind;
      if (keepOrder.has(a.object.kind)) return a.index - b.index;
      return a.object.id < b.object.id ? -1 : a.object.id > b.object.id ? 1 : a.index - b.index;
    })
    .map(({ object }) => object);
}

/** Ids that something refers to with id-ref (crmsh then prints `$id=` on the target). */
export function referencedIds(configuration: XmlElement): Set<string> {
  const ids = new Set<string>();
  for (const el of descendants(configuration)) {
    const ref = el.attrs.get("id-ref");
    if (ref !== undefined) ids.add(ref);
  }
  return ids;
}

/** The whole `crm configure show` text (no trailing newline), or only the objects named. */
export function showConfiguration(configuration: XmlElement, only?: ReadonlySet<string>, oneLine = false): string {
  const referenced = referencedIds(configuration);
  const nodeNames = childElements(firstChild(configuration, "nodes") ?? configuration, "node").map((n) => n.attrs.get("uname") ?? "");
  const objects = sortForShow(listObjects(configuration))
    .filter((object) => only === undefined || only.has(object.id))
    .map((object) => showObject(object, { referenced, nodeNames }));
  // crmsh hands `filter` one line per object.
  return (oneLine ? objects.map((text) => text.replace(/ \\\n\t?/g, " ")) : objects).join("\n");
}

interface ShowContext {
  referenced: ReadonlySet<string>;
  nodeNames: string[];
}

/** Head line plus continuation parts, joined the crmsh way: ` \` newline TAB. */
export function layout(head: string, parts: string[]): string {
  return [head, ...parts].join(" \\\n\t");
}

export function showObject(object: ConfigObject, ctx: ShowContext): string {
  const el = object.element;
  switch (object.kind) {
    case "node": return showNode(el, ctx.referenced);
    case "primitive":
    case "rsc_template": return showPrimitive(el, ctx);
    case "group":
    case "clone":
    case "ms": return showContainer(object.kind, el, ctx);
    case "bundle": return showBundle(el, ctx);
    case "tag": return ["tag", el.attrs.get("id") ?? "", ...childElements(el, "obj_ref").map((r) => r.attrs.get("id") ?? "")].join(" ");
    case "constraint":
    case "ticket_or_topology": return showConstraint(el, ctx);
    case "property":
    case "rsc_defaults":
    case "op_defaults": return showDefaults(object.kind, el, ctx);
    case "role": return layout(`role ${object.id}`, childElements(el, "acl_permission").map(permissionText));
    case "acl_target": return layout(`acl_target ${object.id}`, childElements(el, "role").map((r) => r.attrs.get("id") ?? ""));
    case "alert": return showAlert(el, ctx);
    default: return assertNever(object.kind, "object kind");
  }
}

function showNode(node: XmlElement, referenced: ReadonlySet<string>): string {
  const id = node.attrs.get("id") ?? "";
  const uname = node.attrs.get("uname") ?? id;
  const type = node.attrs.get("type");
  const head = `node ${id === uname ? "" : `${id}: `}${uname}${type === undefined || type === "member" || type === "normal" ? "" : `:${type}`}`;
  const description = node.attrs.get("description");
  const parts = description === undefined ? [] : [pair("description", description)];
  parts.push(...childElements(node)
    .filter((set) => set.name === "instance_attributes" || set.name === "utilization")
    .map((set) => [set.name === "utilization" ? "utilization" : "attributes", ...setBody(set, referenced)].join(" ")));
  return layout(head, parts);
}

function agentText(el: XmlElement): string {
  const template = el.attrs.get("template");
  if (template !== undefined) return `@${template}`;
  const cls = el.attrs.get("class") ?? "";
  const provider = el.attrs.get("provider");
  const type = el.attrs.get("type") ?? "";
  if (cls === "ocf" && provider === "heartbeat") return type;
  return provider === undefined ? `${cls}:${type}` : `${cls}:${provider}:${type}`;
}

const SET_WORDS: Record<string, string> = { instance_attributes: "params", meta_attributes: "meta", utilization: "utilization" };

function setParts(el: XmlElement, ctx: ShowContext): string[] {
  const parts: string[] = [];
  for (const child of childElements(el)) {
    const word = SET_WORDS[child.name];
    if (word !== undefined) parts.push([word, ...setBody(child, ctx.referenced)].join(" "));
  }
  return parts;
}

function showPrimitive(el: XmlElement, ctx: ShowContext): string {
  const word = el.name === "template" ? "rsc_template" : "primitive";
  const parts: string[] = [];
  const description = el.attrs.get("description");
  if (description !== undefined) parts.push(pair("description", description));
  for (const child of childElements(el)) {
    const setWord = SET_WORDS[child.name];
    if (setWord !== undefined) parts.push([setWord, ...setBody(child, ctx.referenced)].join(" "));
    else if (child.name === "operations") parts.push(...operationsParts(child, ctx));
  }
  return layout(`${word} ${el.attrs.get("id") ?? ""} ${agentText(el)}`, parts);
}

function operationsParts(operations: XmlElement, ctx: ShowContext): string[] {
  const parts: string[] = [];
  const ref = operations.attrs.get("id-ref");
  const id = operations.attrs.get("id");
  if (ref !== undefined) parts.push(`operations  $id-ref=${ref}`);
  else if (id !== undefined) parts.push(`operations $id=${id}`);
  for (const op of childElements(operations, "op")) {
    const words = ["op", op.attrs.get("name") ?? ""];
    for (const [name, value] of op.attrs) if (name !== "name" && name !== "id") words.push(pair(name, value));
    parts.push(words.join(" "));
    for (const set of childElements(op)) {
      const word = set.name === "instance_attributes" ? "op_params" : set.name === "meta_attributes" ? "op_meta" : undefined;
      if (word !== undefined) parts.push([word, ...setBody(set, ctx.referenced)].join(" "));
    }
  }
  return parts;
}

function showContainer(kind: "group" | "clone" | "ms", el: XmlElement, ctx: ShowContext): string {
  const members = childElements(el).filter(isResource).map((child) => child.attrs.get("id") ?? "");
  const parts: string[] = [];
  const description = el.attrs.get("description");
  if (description !== undefined) parts.push(pair("description", description));
  parts.push(...setParts(el, ctx));
  return layout([kind, el.attrs.get("id") ?? "", ...members].join(" "), parts);
}

function showBundle(el: XmlElement, ctx: ShowContext): string {
  const parts: string[] = [];
  let primitive: string | undefined;
  for (const child of childElements(el)) {
    if (child.name === "primitive") primitive = `primitive ${child.attrs.get("id") ?? ""}`;
    else if (SET_WORDS[child.name] !== undefined) parts.push([SET_WORDS[child.name] ?? "", ...setBody(child, ctx.referenced)].join(" "));
    else {
      const words = [child.name, ...[...child.attrs].map(([name, value]) => pair(name, value))];
      for (const mapping of childElements(child)) {
        words.push(mapping.name, ...[...mapping.attrs].map(([name, value]) => pair(name, value)));
      }
      parts.push(words.join(" "));
    }
  }
  if (primitive !== undefined) parts.push(primitive);
  return layout(`bundle ${el.attrs.get("id") ?? ""}`, parts);
}

function showDefaults(kind: "property" | "rsc_defaults" | "op_defaults", set: XmlElement, ctx: ShowContext): string {
  const parts: string[] = [];
  for (const rule of childElements(set, "rule")) parts.push(ruleText(rule, ctx.referenced));
  parts.push(...pairsText(set));
  return layout(`${kind} ${set.attrs.get("id") ?? ""}:`, parts);
}

function showAlert(el: XmlElement, ctx: ShowContext): string {
  const parts: string[] = [];
  for (const child of childElements(el)) {
    if (child.name === "instance_attributes") parts.push(["attributes", ...pairsText(child)].join(" "));
    else if (child.name === "meta_attributes") parts.push(["meta", ...pairsText(child)].join(" "));
    else if (child.name === "select") parts.push(["select", ...childElements(child).map(selectText)].join(" "));
    else if (child.name === "recipient") parts.push(recipientText(child, ctx));
  }
  return layout(`alert ${el.attrs.get("id") ?? ""} ${quote(el.attrs.get("path") ?? "")}`, parts);
}

function selectText(select: XmlElement): string {
  const kind = select.name.replace(/^select_/, "");
  const names = childElements(select, "attribute").map((a) => a.attrs.get("name") ?? "");
  return names.length === 0 ? kind : `${kind} { ${names.join(" ")} }`;
}

function recipientText(recipient: XmlElement, ctx: ShowContext): string {
  const value = quote(recipient.attrs.get("value") ?? "");
  const sets = childElements(recipient).map((set) => [set.name === "meta_attributes" ? "meta" : "attributes", ...setBody(set, ctx.referenced)].join(" "));
  return ["to", value, ...sets].join(" ");
}

const XPATH_SHORTCUTS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^\/cib$/, () => "cib"],
  [/^\/cib\/status$/, () => "status"],
  [/^\/\/crm_config\/cluster_property_set$/, () => "property"],
  [/^\/\/crm_config\/cluster_property_set\/nvpair\[@name='([^']*)'\]$/, (m) => `property:${m[1]}`],
  [/^\/\/nodes\/node$/, () => "node"],
  [/^\/\/nodes\/node\[@uname='([^']*)'\]$/, (m) => `node:${m[1]}`],
  [/^\/\/nodes\/node\/instance_attributes$/, () => "nodeattr"],
  [/^\/\/nodes\/node\/instance_attributes\/nvpair\[@name='([^']*)'\]$/, (m) => `nodeattr:${m[1]}`],
  [/^\/\/nodes\/node\/utilization$/, () => "nodeutil"],
  [/^\/\/nodes\/node\/utilization\[@uname='([^']*)'\]$/, (m) => `nodeutil:${m[1]}`],
  [/^\/\/primitive\[@id='([^']*)'\]\/meta_attributes\/nvpair\[@name='([^']*)'\]$/, (m) => `meta:${m[1]}:${m[2]}`],
  [/^\/\/primitive\[@id='([^']*)'\]\/instance_attributes\/nvpair\[@name='([^']*)'\]$/, (m) => `params:${m[1]}:${m[2]}`],
  [/^\/\/primitive\[@id='([^']*)'\]\/utilization$/, (m) => `utilization:${m[1]}`],
];

function permissionText(permission: XmlElement): string {
  const words = [permission.attrs.get("kind") ?? ""];
  const xpath = permission.attrs.get("xpath");
  if (xpath !== undefined) {
    const shortcut = XPATH_SHORTCUTS.map(([re, show]) => {
      const m = re.exec(xpath);
      return m === null ? undefined : show(m);
    }).find((s) => s !== undefined);
    words.push(shortcut ?? `xpath:${quote(xpath)}`);
  }
  const reference = permission.attrs.get("reference");
  if (reference !== undefined) words.push(`ref:${reference}`);
  const attribute = permission.attrs.get("attribute");
  if (attribute !== undefined) words.push(`attr:${attribute}`);
  const type = permission.attrs.get("object-type");
  if (type !== undefined) words.push(`type:${type}`);
  return words.join(" ");
}

function setText(set: XmlElement, suffixAttr: string): string {
  const suffix = set.attrs.get(suffixAttr);
  const refs = childElements(set, "resource_ref").map((r) => `${r.attrs.get("id") ?? ""}${suffix === undefined ? "" : `:${suffix}`}`);
  const sequential = set.attrs.get("sequential");
  const requireAll = set.attrs.get("require-all");
  if (requireAll === "false") {
    const extra = sequential === "false" ? [] : [`sequential=${sequential ?? "true"}`];
    return ["[", ...refs, ...extra, "]"].join(" ");
  }
  if (sequential === "false") return ["(", ...refs, ")"].join(" ");
  return refs.join(" ");
}

function operands(el: XmlElement, simple: [string, string][], suffixAttr: string): string {
  const sets = childElements(el, "resource_set");
  if (sets.length > 0) return sets.map((set) => setText(set, suffixAttr)).join(" ");
  return simple
    .filter(([name]) => el.attrs.has(name))
    .map(([name, suffix]) => {
      const value = el.attrs.get(suffix);
      return `${el.attrs.get(name) ?? ""}${value === undefined ? "" : `:${value}`}`;
    })
    .join(" ");
}

function options(el: XmlElement, names: string[]): string[] {
  return names.filter((name) => el.attrs.has(name)).map((name) => pair(name, el.attrs.get(name) ?? ""));
}

function scoreWord(el: XmlElement): string {
  const attribute = el.attrs.get("score-attribute");
  if (attribute !== undefined) return `${attribute}:`;
  return `${showScore(el.attrs.get("score") ?? "INFINITY")}:`;
}

function showConstraint(el: XmlElement, ctx: ShowContext): string {
  const id = el.attrs.get("id") ?? "";
  switch (el.name) {
    case "rsc_location": return showLocation(el, ctx);
    case "rsc_colocation": {
      const ops = operands(el, [["rsc", "rsc-role"], ["with-rsc", "with-rsc-role"]], "role");
      return [`colocation ${id} ${scoreWord(el)}`, ops, ...options(el, ["node-attribute"])].join(" ");
    }
    case "rsc_order": {
      const kind = el.attrs.get("kind");
      const head = kind !== undefined ? `${kind}:` : el.attrs.has("score") ? scoreWord(el) : undefined;
      const ops = operands(el, [["first", "first-action"], ["then", "then-action"]], "action");
      return ["order", id, ...(head === undefined ? [] : [head]), ops, ...options(el, ["symmetrical", "require-all"])].join(" ");
    }
    case "rsc_ticket": {
      const ops = operands(el, [["rsc", "rsc-role"]], "role");
      return [`rsc_ticket ${id} ${el.attrs.get("ticket") ?? ""}:`, ops, ...options(el, ["loss-policy"])].join(" ");
    }
    case "fencing-topology": return showTopology(el, ctx);
    default: return `# unsupported constraint ${el.name} ${id}`;
  }
}

function showLocation(el: XmlElement, ctx: ShowContext): string {
  const set = firstChild(el, "resource_set");
  const pattern = el.attrs.get("rsc-pattern");
  const target = set !== undefined
    ? `{ ${childElements(set, "resource_ref").map((r) => r.attrs.get("id") ?? "").join(" ")} }`
    : pattern !== undefined ? `~${quote(pattern)}` : (el.attrs.get("rsc") ?? "");
  const words = ["location", el.attrs.get("id") ?? "", target];
  for (const [name, value] of el.attrs) if (name === "role" || name === "resource-discovery") words.push(pair(name, value));
  const node = el.attrs.get("node");
  if (node !== undefined) words.push(scoreWord(el), node);
  const rules = childElements(el, "rule").map((rule) => ruleText(rule, ctx.referenced));
  return rules.length === 0 ? words.join(" ") : layout(words.join(" "), rules);
}

function showTopology(topology: XmlElement, ctx: ShowContext): string {
  const levels = childElements(topology, "fencing-level");
  if (levels.some((level) => !level.attrs.has("target"))) return xmlFallback(topology);
  const byTarget = new Map<string, string[]>();
  for (const level of levels) {
    const target = level.attrs.get("target") ?? "";
    byTarget.set(target, [...(byTarget.get(target) ?? []), level.attrs.get("devices") ?? ""]);
  }
  const lists = [...byTarget.values()].map((devices) => devices.join(" "));
  const targets = [...byTarget.keys()];
  const sameForAllNodes = ctx.nodeNames.length > 0 && targets.length === ctx.nodeNames.length
    && ctx.nodeNames.every((node) => byTarget.has(node)) && lists.every((list) => list === lists[0]);
  if (sameForAllNodes) return `fencing_topology ${lists[0] ?? ""}`;
  return layout("fencing_topology", targets.map((target, i) => `${target}: ${lists[i] ?? ""}`));
}

/** crmsh prints what it cannot express in its language as raw XML. */
function xmlFallback(el: XmlElement): string {
  const attrs = (e: XmlElement) => [...e.attrs].map(([name, value]) => ` ${name}="${value}"`).join("");
  const lines = [`xml <${el.name}${attrs(el)}>`, ...childElements(el).map((child) => `  <${child.name}${attrs(child)}/>`), `</${el.name}>`];
  return lines.join(" \\\n");
}
