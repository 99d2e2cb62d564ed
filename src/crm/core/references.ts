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
    for (const ref of setRefs(constraint)) if (ref.attrs.get("id") === from) ref.attrs.set("id", to);
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
  constraint.children = constraint.children.filter((c) => c.kind !== "element" || c.name !== "resource_set" || childElements(c).length > 0);
  const remaining = childElements(constraint, "resource_set");
  const total = remaining.reduce((n, set) => n + childElements(set).length, 0);
  const needed = constraint.name === "rsc_colocation" || constraint.name === "rsc_order" ? 2 : 1;
  if (total < needed) return false;
  simplifySets(constraint, remaining);
  return true;
}

/** Two single-resource sets, or one plain set of two, become the simple attribute form. */
function simplifySets(constraint: XmlElement, sets: XmlElement[]): void {
  const refs = [SIMPLE_REFS[constraint.name] ?? []][0] ?? [];
  const idOf = (set: XmlElement, i: number) => childElements(set)[i]?.attrs.get("id") ?? "";
  const suffixAttr = constraint.name === "rsc_order" ? "action" : "role";
  let operands: { id: string; suffix: string | undefined }[] | undefined;
  const onlyBasic = (set: XmlElement) => [...set.attrs.keys()].every((k) => k === "id" || k === suffixAttr || k === "sequential");
  const plain = (set: XmlElement) => [...set.attrs.keys()].every((k) => k === "id" || k === suffixAttr);
  if (sets.length === refs.length && sets.every((s) => childElements(s).length === 1 && onlyBasic(s))) {
    operands = sets.map((s) => ({ id: idOf(s, 0), suffix: s.attrs.get(suffixAttr) }));
  } else if (sets.length === 1 && refs.length === 2 && childElements(sets[0] as XmlElement).length === 2 && plain(sets[0] as XmlElement)) {
    const set = sets[0] as XmlElement;
    const pair = [{ id: idOf(set, 0), suffix: set.attrs.get(suffixAttr) }, { id: idOf(set, 1), suffix: set.attrs.get(suffixAttr) }];
    operands = constraint.name === "rsc_colocation" ? pair.reverse() : pair;
  } else if (sets.length === 1 && refs.length === 1 && childElements(sets[0] as XmlElement).length === 1 && plain(sets[0] as XmlElement)) {
    const set = sets[0] as XmlElement;
    operands = [{ id: idOf(set, 0), suffix: set.attrs.get(suffixAttr) }];
  }
  if (operands === undefined) return;
  constraint.children = constraint.children.filter((c) => c.kind !== "element" || c.name !== "resource_set");
  operands.forEach((operand, i) => {
    const [attr, suffix] = refs[i] ?? ["", ""];
    constraint.attrs.set(attr, operand.id);
    if (operand.suffix !== undefined) constraint.attrs.set(suffix, operand.suffix);
  });
}
