import { assert } from "../../lib/assert.js";
import { CrmError } from "./errors.js";
import { IdAllocator, collectIds } from "./ids.js";
import type { NewObject, SectionName } from "./parse/objects.js";
import { type XmlElement, type XmlNode, childElements, descendants, element, firstChild } from "./xml.js";

/** Where each section goes when created: Pacemaker's schema order for the first four, then creation order. */
const FIXED_SECTIONS: SectionName[] = ["crm_config", "nodes", "resources", "constraints"];
const RESOURCE_NAMES = new Set(["primitive", "template", "group", "clone", "master", "bundle"]);
const CONTAINERS = new Set(["group", "clone", "master", "bundle"]);

export interface Located {
  element: XmlElement;
  parent: XmlElement;
}

/**
 * The working copy of a CIB that crm statements edit. Every edit either
 * completes or throws a CrmError before touching the tree.
 */
export class Configuration {
  constructor(readonly cib: XmlElement) {}

  get configuration(): XmlElement {
    let configuration = firstChild(this.cib, "configuration");
    if (configuration === undefined) {
      configuration = element("configuration");
      this.cib.children.unshift(configuration);
    }
    return configuration;
  }

  section(name: SectionName): XmlElement | undefined {
    return firstChild(this.configuration, name);
  }

  ensureSection(name: SectionName): XmlElement {
    const existing = this.section(name);
    if (existing !== undefined) return existing;
    const created = element(name);
    const configuration = this.configuration;
    const fixed = FIXED_SECTIONS.indexOf(name);
    if (fixed >= 0) {
      const after = childElements(configuration).filter((s) => FIXED_SECTIONS.indexOf(s.name as SectionName) >= 0 && FIXED_SECTIONS.indexOf(s.name as SectionName) < fixed).at(-1);
      configuration.children.splice(after === undefined ? 0 : configuration.children.indexOf(after) + 1, 0, created);
    } else {
      configuration.children.push(created);
    }
    return created;
  }

  idAllocator(): IdAllocator {
    return IdAllocator.forDocument(this.configuration);
  }

  ids(): Set<string> {
    return collectIds(this.configuration);
  }

  nodeNames(): string[] {
    return childElements(this.section("nodes") ?? element("nodes"), "node").map((n) => n.attrs.get("uname") ?? n.attrs.get("id") ?? "");
  }

  /** A resource (at any depth) by id. */
  findResource(id: string): Located | undefined {
    const resources = this.section("resources");
    if (resources === undefined) return undefined;
    return findIn(resources, (el) => RESOURCE_NAMES.has(el.name) && el.attrs.get("id") === id);
  }

  /** The top-level resource that is or contains resource `id` (which must exist). */
  findTopLevel(id: string): Located {
    let found = this.findResource(id);
    assert(found !== undefined, `findTopLevel: ${id} exists`);
    while (found.parent.name !== "resources") {
      const parent: Located | undefined = this.findResource(found.parent.attrs.get("id") ?? "");
      assert(parent !== undefined, "a container of a resource is itself a resource");
      found = parent;
    }
    return found;
  }

  /** Any top-level object (resource, constraint, node, tag, acl, alert, attribute set) by id; nodes last. */
  findObject(id: string, nodes = true): Located | undefined {
    const resource = this.findResource(id);
    if (resource !== undefined) return resource;
    const sections = childElements(this.configuration).sort((a, b) => Number(a.name === "nodes") - Number(b.name === "nodes"));
    for (const section of sections) {
      if (section.name === "resources" || (section.name === "nodes" && !nodes)) continue;
      for (const child of childElements(section)) if (child.attrs.get("id") === id) return { element: child, parent: section };
    }
    return undefined;
  }

  /**
   * Adds a parsed object at the end of its section, or in place of `slot` (a
   * node of the tree that the object replaces). Containers take their members
   * out of where they were.
   */
  add(object: NewObject, slot?: { parent: XmlElement; node: XmlNode }): void {
    const id = object.element.attrs.get("id") ?? "";
    if (object.section === "fencing-topology") return this.replaceTopology(object.element);
    const existingNode = object.section === "nodes" && slot === undefined ? this.findNode(id) : undefined;
    if (existingNode !== undefined) {
      // crmsh takes `node NAME ...` for a node that exists as its new definition.
      const nodes = this.ensureSection("nodes");
      nodes.children.splice(nodes.children.indexOf(existingNode), 1, object.element);
      return;
    }
    const clash = object.section === "nodes" ? this.findNode(id) !== undefined : this.findObject(id, false) !== undefined || this.ids().has(id);
    if (clash) throw new CrmError(`${id}: id is already in use`);
    this.resolveReferences(object.element);
    const members = (object.members ?? []).map((member) => this.checkMember(object.element, member));
    this.checkTemplate(object.element);
    if (slot !== undefined) slot.parent.children.splice(slot.parent.children.indexOf(slot.node), 1, object.element);
    else this.ensureSection(object.section).children.push(object.element);
    const at = object.membersAt ?? object.element.children.length;
    object.element.children.splice(at, 0, ...members.map((m) => detach(m)));
  }

  findNode(id: string): XmlElement | undefined {
    return childElements(this.section("nodes") ?? element("nodes"), "node").find((n) => n.attrs.get("id") === id);
  }

  /**
   * crmsh lets `$id-ref=` name the object that holds the referenced element
   * (`operations $id-ref=d1`, `rule $id-ref=l2`); point such references at that element.
   */
  private resolveReferences(root: XmlElement): void {
    for (const el of descendants(root)) {
      const ref = el.attrs.get("id-ref");
      if (ref === undefined) continue;
      const target = descendants(this.configuration).find((t) => t.attrs.get("id") === ref);
      if (target === undefined || target.name === el.name) continue;
      const inner = descendants(target).find((t) => t.name === el.name && t.attrs.has("id"));
      if (inner !== undefined) el.attrs.set("id-ref", inner.attrs.get("id") ?? ref);
    }
  }

  private checkMember(container: XmlElement, memberId: string): Located {
    const member = this.findResource(memberId);
    const what = `${container.name}:${container.attrs.get("id") ?? ""}`;
    if (member === undefined) throw new CrmError(`${container.attrs.get("id") ?? ""} refers to missing object ${memberId}`);
    if (member.parent.name !== "resources") {
      throw new CrmError(`Cannot create ${what}: Child ${member.element.name}:${memberId} already in ${member.parent.name}:${member.parent.attrs.get("id") ?? ""}`);
    }
    if (container.name === "group" && member.element.name !== "primitive") {
      throw new CrmError(`Cannot create ${what}: ${memberId} is a ${member.element.name}; a group holds only primitives`);
    }
    if (container.name !== "group" && (member.element.name === "clone" || member.element.name === "master" || member.element.name === "template")) {
      throw new CrmError(`Cannot create ${what}: ${memberId} is a ${member.element.name}`);
    }
    return member;
  }

  private checkTemplate(el: XmlElement): void {
    const template = el.attrs.get("template");
    if (template === undefined) return;
    const found = this.findResource(template);
    if (found === undefined || found.element.name !== "template") throw new CrmError(`${template}: no such resource template`);
  }

  private replaceTopology(topology: XmlElement): void {
    const existing = this.section("fencing-topology");
    if (existing !== undefined) existing.children = topology.children;
    else this.configuration.children.push(topology);
  }

  /** `property`/`rsc_defaults`/`op_defaults`: merges name=value pairs into the named set, creating it if needed. */
  mergeSet(object: NewObject): void {
    const section = this.ensureSection(object.section);
    const id = object.element.attrs.get("id") ?? "";
    const existing = childElements(section).find((set) => set.attrs.get("id") === id);
    if (existing === undefined) {
      section.children.push(object.element);
      return;
    }
    for (const child of childElements(object.element)) {
      if (child.name !== "nvpair") {
        existing.children.push(child);
        continue;
      }
      const name = child.attrs.get("name");
      const current = childElements(existing, "nvpair").find((nv) => nv.attrs.get("name") === name);
      if (current !== undefined) current.attrs.set("value", child.attrs.get("value") ?? "");
      else existing.children.push(child);
    }
  }
}

function findIn(root: XmlElement, match: (el: XmlElement) => boolean): Located | undefined {
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop() as XmlElement;
    for (const child of childElements(parent)) {
      if (match(child)) return { element: child, parent };
      if (CONTAINERS.has(child.name)) stack.push(child);
    }
  }
  return undefined;
}

/** Removes a located element from its parent and returns it. */
export function detach(located: Located): XmlElement {
  const index = located.parent.children.indexOf(located.element);
  if (index >= 0) located.parent.children.splice(index, 1);
  return located.element;
}

export function isResourceElement(el: XmlElement): boolean {
  return RESOURCE_NAMES.has(el.name);
}

export function allElements(root: XmlElement): XmlElement[] {
  return descendants(root);
}
