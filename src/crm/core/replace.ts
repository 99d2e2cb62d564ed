import { type Configuration, detach, isResourceElement } from "./config.js";
import { CrmError } from "./errors.js";
import { LexError, splitStatements, tokenize } from "./lexer.js";
import type { NewObject } from "./parse/objects.js";
import { CrmSyntaxError, TokenStream } from "./parse/stream.js";
import { dropReferences } from "./references.js";
import { SHOW_ORDER, type ShowKind, listObjects } from "./show.js";
import { parseObject } from "./statements.js";
import { type XmlElement, type XmlNode, childElements, createComment } from "./xml.js";

const KIND_OF_COMMAND: Record<string, ShowKind> = {
  node: "node", rsc_template: "rsc_template", primitive: "primitive", bundle: "bundle", group: "group", ms: "ms", master: "ms",
  clone: "clone", tag: "tag", location: "constraint", colocation: "constraint", collocation: "constraint", order: "constraint",
  rsc_ticket: "ticket_or_topology", fencing_topology: "ticket_or_topology", property: "property", rsc_defaults: "rsc_defaults",
  op_defaults: "op_defaults", role: "role", acl_target: "acl_target", alert: "alert",
};

interface Slot {
  parent: XmlElement;
  node: XmlNode;
}

/**
 * Replaces the objects `ids` (all objects when empty) by the definitions in
 * `text`, as crmsh's edit/filter do: an object defined again keeps its place
 * in the CIB, a new one is appended, one no longer defined is deleted.
 */
export function replaceObjects(config: Configuration, ids: readonly string[], text: string): void {
  const selected = ids.length > 0 ? ids : listObjects(config.configuration).map((o) => o.id);
  const slots = new Map<string, Slot>();
  for (const id of selected) {
    const slot = vacate(config, id);
    if (slot !== undefined) slots.set(id, slot);
  }
  const objects = parseDefinitions(config, text);
  for (const { object } of objects) {
    const id = objectId(object);
    const slot = slots.get(id);
    slots.delete(id);
    if (object.section === "fencing-topology" && slot !== undefined) slot.parent.children.splice(slot.parent.children.indexOf(slot.node), 1);
    config.add(object, slot);
  }
  for (const [id, slot] of slots) {
    slot.parent.children.splice(slot.parent.children.indexOf(slot.node), 1);
    dropReferences(config, id);
  }
}

function objectId(object: NewObject): string {
  return object.section === "fencing-topology" ? "fencing_topology" : (object.element.attrs.get("id") ?? "");
}

/** Parses every statement of `text` into an object, sorted so that resources exist before what contains or refers to them. */
function parseDefinitions(config: Configuration, text: string): { kind: number; object: NewObject }[] {
  const parsed: { kind: number; object: NewObject }[] = [];
  const ctx = { ids: config.idAllocator(), nodeNames: () => config.nodeNames() };
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
    return topology === undefined ? undefined : { parent: config.configuration, node: topology };
  }
  const found = config.findObject(id);
  if (found === undefined) return undefined;
  const placeholder = createComment(`placeholder for ${id}`);
  const index = found.parent.children.indexOf(found.element);
  const members = isResourceElement(found.element) ? childElements(found.element).filter(isResourceElement) : [];
  detach(found);
  found.parent.children.splice(index, 0, placeholder, ...members);
  return { parent: found.parent, node: placeholder };
}
