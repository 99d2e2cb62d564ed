import type { Configuration } from "./config.js";
import { type XmlElement, childElements } from "./xml.js";

/** Attributes of constraints that name a resource, with the attribute holding its role/action. */
const SIMPLE_REFS: Record<string, [string, string][]> = {
  rsc_location: [["rsc", "role"]],
  rsc_colocation: [["rsc", "rsc-role"], ["with-rsc", "with-rsc-role"]],
  rsc_order: [["first", "first-action"], ["then", "then-action"]],
  rsc_ticket: [["rsc", "rsc-role"]],
};

/** Points every reference to `from` at `to` (rename, or a deleted clone replaced by its child). */
export function repointReferences(config: Configuration, from: string, to: string): void {
  for (const constraint of childElements(config.section("constraints") ?? config.configuration, undefined)) {
    for (const [attr] of SIMPLE_REFS[constraint.name] ?? []) if (constraint.attrs.get(attr) === from) constraint.attrs.set(attr, to);
    const refs = setRefs(constraint).filter((ref) => ref.attrs.get("id") === from);
    for (const ref of refs) ref.attrs.set("id", to);
    if (refs.length > 0) normalizeSets(constraint);
  }
  for (const tag of childElements(config.section("tags") ?? config.configuration, "tag")) {
    for (const ref of childElements(tag, "obj_ref")) if (ref.attrs.get("id") === from) ref.attrs.set("id", to);
  }
  for (const target of childElements(config.section("acls") ?? config.configuration, "acl_target")) {
    for (const role of childElements(target, "role")) if (role.attrs.get("id") === from) role.attrs.set("id", to);
  }
}

function setRefs(constraint: XmlElement): XmlElement[] {
  return childElements(constraint, "resource_set").flatMap((set) => childElements(set, "resource_ref"));
}

/** Drops references to a deleted object; constraints left with too few resources go, sets are simplified as crmsh does. */
export function dropReferences(config: Configuration, id: string): void {
  const constraints = config.section("constraints");
  if (constraints !== undefined) {
    constraints.children = constraints.children.filter((node) => node.kind !== "element" || keepConstraint(node, id));
  }
  const tags = config.section("tags");
  if (tags !== undefined) {
    for (const tag of childElements(tags, "tag")) tag.children = tag.children.filter((c) => c.kind !== "element" || c.attrs.get("id") !== id);
    tags.children = tags.children.filter((t) => t.kind !== "element" || childElements(t).length > 0);
  }
}

/** False when the constraint must go because of the deletion of `id`; otherwise edits it in place. */
function keepConstraint(constraint: XmlElement, id: string): boolean {
  for (const [attr] of SIMPLE_REFS[constraint.name] ?? []) if (constraint.attrs.get(attr) === id) return false;
  const sets = childElements(constraint, "resource_set");
  if (sets.length === 0) return true;
  if (!setRefs(constraint).some((ref) => ref.attrs.get("id") === id)) return true;
  for (const set of sets) set.children = set.children.filter((c) => c.kind !== "element" || c.attrs.get("id") !== id);
  const total = sets.reduce((n, set) => n + childElements(set).length, 0);
  const needed = constraint.name === "rsc_colocation" || constraint.name === "rsc_order" ? 2 : 1;
  if (total < needed) return false;
  normalizeSets(constraint);
  return true;
}

/**
 * What crmsh does to a constraint whose sets it touched (delete, rename): one
 * set of exactly two resources, or two sets of one each, become the simple
 * attribute form; otherwise emptied sets are dropped.
 */
export function normalizeSets(constraint: XmlElement): void {
  const sets = childElements(constraint, "resource_set");
  const refs = SIMPLE_REFS[constraint.name] ?? [];
  const suffixAttr = constraint.name === "rsc_order" ? "action" : "role";
  const members = (set: XmlElement) => childElements(set).map((ref) => ({ id: ref.attrs.get("id") ?? "", suffix: set.attrs.get(suffixAttr) }));
  let operands: { id: string; suffix: string | undefined }[] | undefined;
  if (refs.length === 2 && sets.length === 2 && sets.every((set) => childElements(set).length === 1)) {
    operands = sets.flatMap(members);
  } else if (refs.length === 2 && sets.length === 1 && childElements(sets[0] as XmlElement).length === 2) {
    const pair = members(sets[0] as XmlElement);
    operands = constraint.name === "rsc_colocation" ? pair.reverse() : pair;
  } else if (refs.length === 1 && sets.length === 1 && childElements(sets[0] as XmlElement).length === 1) {
    operands = members(sets[0] as XmlElement);
  }
  if (operands === undefined) {
    constraint.children = constraint.children.filter((c) => c.kind !== "element" || c.name !== "resource_set" || childElements(c).length > 0);
    return;
  }
  constraint.children = constraint.children.filter((c) => c.kind !== "element" || c.name !== "resource_set");
  operands.forEach((operand, i) => {
    const [attr, suffix] = refs[i] ?? ["", ""];
    constraint.attrs.set(attr, operand.id);
    if (operand.suffix !== undefined) constraint.attrs.set(suffix, operand.suffix);
  });
}
