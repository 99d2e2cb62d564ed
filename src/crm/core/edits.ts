import { type Configuration, type Located, detach, isResourceElement } from "./config.js";
import { CrmError } from "./errors.js";
import { parseOp } from "./parse/resources.js";
import { TokenStream } from "./parse/stream.js";
import { dropReferences, repointReferences } from "./references.js";
import { type XmlElement, childElements, element } from "./xml.js";

/** `delete ID...`: all ids must exist; containers release their members in place; references are cleaned up. */
export function deleteObjects(config: Configuration, ids: string[]): void {
  if (ids.length === 0) throw new CrmError("delete needs at least one id");
  for (const id of ids) if (config.findObject(id) === undefined) throw new CrmError(`object ${id} does not exist`);
  for (const id of ids) {
    const found = config.findObject(id);
    if (found === undefined) continue;
    if (isResourceElement(found.element)) deleteResource(config, found);
    else {
      detach(found);
      dropReferences(config, id);
    }
  }
}

/**
 * crmsh's delete of a resource: a container's members take its place and its
 * references move to its first member; a group member's references move to the
 * group; other references go (and constraints left without resources with them).
 */
function deleteResource(config: Configuration, found: Located): void {
  const id = found.element.attrs.get("id") ?? "";
  const members = childElements(found.element).filter(isResourceElement);
  if (members.length > 0) {
    const outer = found.parent.name === "resources" ? found : config.findTopLevel(id);
    const index = outer.parent.children.indexOf(outer.element);
    detach(found);
    outer.parent.children.splice(outer === found ? index : index + 1, 0, ...members);
    const successor = members[0]?.attrs.get("id") ?? "";
    repointReferences(config, id, successor);
    removeIfEmpty(config, found.parent, successor);
    return;
  }
  detach(found);
  if (found.parent.name === "group") repointReferences(config, id, found.parent.attrs.get("id") ?? "");
  else dropReferences(config, id);
  removeIfEmpty(config, found.parent);
}

/** A container whose last resource went away goes too (and so on upwards); its references move to `successor` if any. */
function removeIfEmpty(config: Configuration, container: XmlElement, successor?: string): void {
  if (!isResourceElement(container) || container.name === "bundle") return;
  if (childElements(container).some(isResourceElement)) return;
  const found = config.findResource(container.attrs.get("id") ?? "");
  if (found === undefined) return;
  detach(found);
  const id = container.attrs.get("id") ?? "";
  if (successor !== undefined) repointReferences(config, id, successor);
  else dropReferences(config, id);
  removeIfEmpty(config, found.parent, successor);
}

/** `rename OLD NEW`: the object and every reference to it. */
export function renameObject(config: Configuration, from: string, to: string): void {
  const found = config.findObject(from);
  if (found === undefined) throw new CrmError(`object ${from} does not exist`);
  if (config.ids().has(to)) throw new CrmError(`${to}: id is already in use`);
  found.element.attrs.set("id", to);
  repointReferences(config, from, to);
}

/** `modgroup GROUP add ID [before|after ID]` and `modgroup GROUP remove ID`. */
export function modgroup(config: Configuration, groupId: string, action: string, id: string, where?: { position: string; ref: string }): void {
  const group = config.findResource(groupId);
  if (group === undefined || group.element.name !== "group") throw new CrmError(`${groupId} is not a group`);
  const member = config.findResource(id);
  if (member === undefined) throw new CrmError(`${id}: no such resource`);
  if (action === "remove") {
    if (member.parent !== group.element) throw new CrmError(`${id} is not a member of group ${groupId}`);
    if (childElements(group.element).filter(isResourceElement).length === 1) throw new CrmError(`cannot remove the last member of group ${groupId}`);
    // The removed primitive becomes a top-level resource right after the group's outermost container.
    const outer = config.findTopLevel(groupId);
    detach(member);
    outer.parent.children.splice(outer.parent.children.indexOf(outer.element) + 1, 0, member.element);
    return;
  }
  if (action !== "add") throw new CrmError(`modgroup: expected add or remove, got ${action}`);
  if (member.element.name !== "primitive") throw new CrmError(`${id} is a ${member.element.name}; only primitives can be added to a group`);
  if (member.parent.name !== "resources") throw new CrmError(`${id} is already in ${member.parent.name} ${member.parent.attrs.get("id") ?? ""}`);
  let at = group.element.children.length;
  if (where !== undefined) {
    const anchor = childElements(group.element).find((c) => c.attrs.get("id") === where.ref);
    if (anchor === undefined) throw new CrmError(`${where.ref} is not a member of group ${groupId}`);
    at = group.element.children.indexOf(anchor) + (where.position === "after" ? 1 : 0);
  }
  detach(member);
  group.element.children.splice(at, 0, member.element);
}

const META_NAMES = new Set([
  "target-role", "is-managed", "maintenance", "priority", "resource-stickiness", "migration-threshold", "failure-timeout",
  "multiple-active", "allow-migrate", "requires", "description", "interleave", "clone-max", "clone-node-max", "promotable",
  "promoted-max", "promoted-node-max", "notify", "globally-unique", "ordered", "collocated", "critical", "allow-unhealthy-nodes",
]);

/** `set ID.NAME VALUE`: updates the attribute where it is, or adds it to meta (known meta names) or params. */
export function setAttribute(config: Configuration, path: string, value: string): void {
  const dot = path.indexOf(".");
  if (dot <= 0) throw new CrmError(`set: expected ID.NAME, got ${path}`);
  const id = path.slice(0, dot);
  const name = path.slice(dot + 1);
  const found = config.findObject(id);
  if (found === undefined) throw new CrmError(`object ${id} does not exist`);
  for (const set of childElements(found.element)) {
    const nv = childElements(set, "nvpair").find((p) => p.attrs.get("name") === name);
    if (nv !== undefined) {
      nv.attrs.set("value", value);
      return;
    }
  }
  const setName = META_NAMES.has(name) ? "meta_attributes" : "instance_attributes";
  const ids = config.idAllocator();
  let set = childElements(found.element, setName)[0];
  if (set === undefined) {
    set = element(setName, [["id", ids.take(`${id}-${setName}`)]]);
    const firstOps = found.element.children.findIndex((c) => c.kind === "element" && c.name === "operations");
    found.element.children.splice(firstOps < 0 ? found.element.children.length : firstOps, 0, set);
  }
  set.children.push(element("nvpair", [["name", name], ["value", value], ["id", ids.take(`${set.attrs.get("id") ?? ""}-${name}`)]]));
}

/** `monitor RSC[:ROLE] INTERVAL[:TIMEOUT]`: adds a monitor op. */
export function addMonitor(config: Configuration, target: string, spec: string): void {
  const [id = "", role] = target.split(":");
  const [interval = "", timeout] = spec.split(":");
  const found = config.findResource(id);
  if (found === undefined || found.element.name !== "primitive") throw new CrmError(`${id}: no such primitive`);
  let operations = childElements(found.element, "operations")[0];
  if (operations === undefined) {
    operations = element("operations");
    found.element.children.push(operations);
  }
  const words = [`monitor`, ...(role === undefined ? [] : [`role=${role}`]), `interval=${interval}`, ...(timeout === undefined ? [] : [`timeout=${timeout}`])];
  const stream = new TokenStream(words.map((text, offset) => ({ text, offset, quoted: false })), "monitor");
  operations.children.push(parseOp(stream, { ids: config.idAllocator(), nodeNames: () => [] }, id));
}

/** `erase` removes every object but the nodes; `erase nodes` removes the nodes too. */
export function erase(config: Configuration, nodes: boolean): void {
  for (const section of childElements(config.configuration)) {
    if (section.name === "nodes" && !nodes) continue;
    section.children = [];
  }
  config.configuration.children = config.configuration.children.filter(
    (c) => c.kind !== "element" || ["crm_config", "nodes", "resources", "constraints"].includes(c.name),
  );
}
