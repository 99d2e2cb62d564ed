import { type Configuration, detach, isResourceElement } from "./config.js";
import { CrmError } from "./errors.js";
import { LexError, splitStatements, tokenize } from "./lexer.js";
import type { NewObject } from "./parse/objects.js";
import { CrmSyntaxError, TokenStream } from "./parse/stream.js";
import { dropReferences } from "./references.js";
import { SHOW_ORDER, type ShowKind, listObjects } from "./show.js";
import { parseObject } from "./statements.js";
import { IdAllocator } from "./ids.js";
import { type XmlElement, type XmlNode, childElements, cloneElement, createComment, descendants, element } from "./xml.js";

const KIND_OF_COMMAND: Record<string, ShowKind> = {
  node: "node", rsc_template: "rsc_template", primitive: "primitive", bundle: "bundle", group: "group", ms: "ms", master: "ms",
  clone: "clone", tag: "tag", location: "constraint", colocation: "constraint", collocation: "constraint", order: "constraint",
  rsc_ticket: "ticket_or_topology", fencing_topology: "ticket_or_topology", property: "property", rsc_defaults: "rsc_defaults",
  op_defaults: "op_defaults", role: "role", acl_target: "acl_target", alert: "alert",
};

interface Slot {
  parent: XmlElement;
  node: XmlNode;
  /** The object as it was, for keeping the ids of its parts. */
  old: XmlElement;
}

/**
 * Replaces the objects `ids` (all objects when empty) by the definitions in
 * `text`, as crmsh's edit/filter do: an object defined again keeps its place
 * in the CIB, a new one is appended, one no longer defined is deleted.
 */
export function replaceObjects(config: Configuration, ids: readonly string[], text: string, retired: Set<string>): void {
  const selected = ids.length > 0 ? ids : listObjects(config.configuration).map((o) => o.id);
  const slots = new Map<string, Slot>();
  for (const id of selected) {
    const slot = vacate(config, id);
    if (slot !== undefined) slots.set(id, slot);
  }
  const oldIds = new Set([...slots.values()].flatMap((slot) => descendants(slot.old).map((el) => el.attrs.get("id") ?? "")));
  const objects = parseDefinitions(config, text, retired);
  for (const { object } of objects) {
    const id = objectId(object);
    const slot = slots.get(id);
    slots.delete(id);
    if (slot !== undefined) keepIds(slot.old, object.element, { text, config, retired, root: object.element });
    if (object.section === "fencing-topology" && slot !== undefined) slot.parent.children.splice(slot.parent.children.indexOf(slot.node), 1);
    config.add(object, slot);
  }
  for (const [id, slot] of slots) {
    slot.parent.children.splice(slot.parent.children.indexOf(slot.node), 1);
    dropReferences(config, id);
  }
  // crmsh does not hand out an id again before commit once an edit dropped it.
  const now = config.ids();
  for (const id of oldIds) if (id !== "" && !now.has(id)) retired.add(id);
}

/** What an element says apart from ids: matching parts by content first. */
function signature(el: XmlElement): string {
  const attrs = [...el.attrs].filter(([name]) => name !== "id").sort().map(([n, v]) => `${n}=${v}`).join(" ");
  return `<${el.name} ${attrs}>${childElements(el).map(signature).join("")}</${el.name}>`;
}

/**
 * crmsh's edit keeps the ids of an object's parts: a re-defined part takes the
 * id of the old part with the same content, else of the old part of the same
 * kind at the same rank. Parts without an old counterpart get an id derived
 * from their (possibly renamed) parent. Ids written in the text are kept.
 */
interface KeepContext {
  text: string;
  config: Configuration;
  retired: ReadonlySet<string>;
  /** The whole new object: its ids are in use too. */
  root: XmlElement;
}

function keepIds(old: XmlElement, fresh: XmlElement, ctx: KeepContext): void {
  const olds = childElements(old).filter((el) => el.attrs.has("id"));
  const news = childElements(fresh).filter((el) => el.attrs.has("id"));
  const pairs = new Map<XmlElement, XmlElement>();
  const taken = new Set<XmlElement>();
  for (const match of [(a: XmlElement, b: XmlElement) => signature(a) === signature(b), (a: XmlElement, b: XmlElement) => a.name === b.name]) {
    for (const el of news) {
      if (pairs.has(el)) continue;
      const found = olds.find((candidate) => !taken.has(candidate) && match(candidate, el));
      if (found === undefined) continue;
      pairs.set(el, found);
      taken.add(found);
    }
  }
  const freshId = fresh.attrs.get("id") ?? "";
  const named = (el: XmlElement) => ctx.text.includes(`=${el.attrs.get("id") ?? ""}`);
  for (const [el, counterpart] of pairs) if (!named(el)) el.attrs.set("id", counterpart.attrs.get("id") ?? "");
  for (const el of news) if (!pairs.has(el) && !named(el)) el.attrs.set("id", rebase(el, freshId, ctx));
  for (const el of news) keepIds(pairs.get(el) ?? element(el.name), el, ctx);
}

/** A generated id `<oldparent>-<part>[-n]` re-derived from the parent's current id. */
function rebase(el: XmlElement, parentId: string, ctx: KeepContext): string {
  const id = el.attrs.get("id") ?? "";
  const part = /-(expression|rule|instance_attributes|meta_attributes|utilization|date_spec|duration)(-\d+)?$/.exec(id)?.[1];
  if (part === undefined) return id;
  const inUse = ctx.config.ids();
  for (const other of descendants(ctx.root)) if (other !== el) inUse.add(other.attrs.get("id") ?? "");
  return new IdAllocator((candidate) => inUse.has(candidate) || ctx.retired.has(candidate)).take(`${parentId}-${part}`);
}

function objectId(object: NewObject): string {
  return object.section === "fencing-topology" ? "fencing_topology" : (object.element.attrs.get("id") ?? "");
}

/** Parses every statement of `text` into an object, sorted so that resources exist before what contains or refers to them. */
function parseDefinitions(config: Configuration, text: string, retired: ReadonlySet<string>): { kind: number; object: NewObject }[] {
  const parsed: { kind: number; object: NewObject }[] = [];
  const inUse = config.ids();
  const ctx = { ids: new IdAllocator((id) => inUse.has(id) || retired.has(id)), nodeNames: () => config.nodeNames() };
  for (const statement of splitStatements(text)) {
    try {
      const tokens = tokenize(statement.text);
      const command = tokens[0]?.text ?? "";
      const object = parseObject(command, new TokenStream(tokens.slice(1), command), ctx);
      if (object === undefined) throw new CrmError(`line ${statement.line}: ${command} does not define an object`);
      parsed.push({ kind: SHOW_ORDER.indexOf(KIND_OF_COMMAND[command] ?? "alert"), object });
    } catch (error) {
      if (error instanceof CrmSyntaxError || error instanceof LexError) {
        throw new CrmError(`line ${statement.line}: ${error.message} in '${statement.text}'`);
      }
      throw error;
    }
  }
  return parsed.sort((a, b) => a.kind - b.kind);
}

/** Takes object `id` out of the tree, leaving a placeholder; a container leaves its members in its place. */
function vacate(config: Configuration, id: string): Slot | undefined {
  if (id === "fencing_topology") {
    const topology = config.section("fencing-topology");
    return topology === undefined ? undefined : { parent: config.configuration, node: topology, old: topology };
  }
  const found = config.findObject(id);
  if (found === undefined) return undefined;
  const placeholder = createComment(`placeholder for ${id}`);
  const index = found.parent.children.indexOf(found.element);
  const members = isResourceElement(found.element) ? childElements(found.element).filter(isResourceElement) : [];
  detach(found);
  found.parent.children.splice(index, 0, placeholder, ...members);
  const old = cloneElement(found.element);
  old.children = old.children.filter((child) => child.kind !== "element" || !isResourceElement(child));
  return { parent: found.parent, node: placeholder, old };
}
