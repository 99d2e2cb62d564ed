import type { Configuration } from "./config.js";
import { addMonitor, deleteObjects, erase, modgroup, renameObject, setAttribute } from "./edits.js";
import { CrmError } from "./errors.js";
import type { BuildContext } from "./parse/context.js";
import { parseColocation, parseLocation, parseOrder, parseTicket } from "./parse/constraints.js";
import { parseAclTarget, parseAlert, parseDefaults, parseFencingTopology, parseNode, parseRole, parseTag } from "./parse/misc.js";
import type { NewObject, SectionName } from "./parse/objects.js";
import type { XmlElement } from "./xml.js";
import { parseBundle, parseContainer, parsePrimitive } from "./parse/resources.js";
import type { TokenStream } from "./parse/stream.js";

type Creator = (stream: TokenStream, ctx: BuildContext) => NewObject;

/** Statements that create one object, by crm command word. */
const CREATORS: Record<string, Creator> = {
  primitive: (s, c) => parsePrimitive(s, c, "primitive"),
  rsc_template: (s, c) => parsePrimitive(s, c, "template"),
  group: (s, c) => parseContainer(s, c, "group"),
  clone: (s, c) => parseContainer(s, c, "clone"),
  ms: (s, c) => parseContainer(s, c, "master"),
  master: (s, c) => parseContainer(s, c, "master"),
  bundle: parseBundle,
  location: parseLocation,
  colocation: parseColocation,
  collocation: parseColocation,
  order: parseOrder,
  rsc_ticket: parseTicket,
  fencing_topology: parseFencingTopology,
  role: parseRole,
  acl_target: parseAclTarget,
  alert: parseAlert,
  node: parseNode,
  tag: parseTag,
};

const DEFAULTS = new Set(["property", "rsc_defaults", "op_defaults"]);

type Editor = (stream: TokenStream, config: Configuration) => void;

const EDITORS: Record<string, Editor> = {
  delete: (s, config) => deleteObjects(config, rest(s)),
  rename: (s, config) => {
    const [from, to, ...extra] = rest(s);
    if (from === undefined || to === undefined || extra.length > 0) throw new CrmError("usage: rename OLD NEW");
    renameObject(config, from, to);
  },
  erase: (s, config) => {
    const args = rest(s);
    if (args.length > 1 || (args[0] !== undefined && args[0] !== "nodes")) throw new CrmError("usage: erase [nodes]");
    erase(config, args[0] === "nodes");
  },
  modgroup: (s, config) => {
    const [group, action, id, position, ref, ...extra] = rest(s);
    if (group === undefined || action === undefined || id === undefined || extra.length > 0) {
      throw new CrmError("usage: modgroup GROUP add|remove ID [before|after ID]");
    }
    if (position !== undefined && (ref === undefined || (position !== "before" && position !== "after"))) {
      throw new CrmError("usage: modgroup GROUP add ID [before|after ID]");
    }
    modgroup(config, group, action, id, position === undefined || ref === undefined ? undefined : { position, ref });
  },
  set: (s, config) => {
    const [path, value, ...extra] = rest(s);
    if (path === undefined || value === undefined || extra.length > 0) throw new CrmError("usage: set ID.NAME VALUE");
    setAttribute(config, path, value);
  },
  monitor: (s, config) => {
    const [target, spec, ...extra] = rest(s);
    if (target === undefined || spec === undefined || extra.length > 0) throw new CrmError("usage: monitor RSC[:ROLE] INTERVAL[:TIMEOUT]");
    addMonitor(config, target, spec);
  },
};

function rest(stream: TokenStream): string[] {
  const words: string[] = [];
  while (!stream.done) words.push(stream.next("an argument").text);
  return words;
}

/** Every configure-level command word that edits the configuration. */
export const EDIT_COMMANDS = [...Object.keys(CREATORS), ...DEFAULTS, ...Object.keys(EDITORS)].sort();

export function isEditCommand(word: string): boolean {
  return CREATORS[word] !== undefined || DEFAULTS.has(word) || EDITORS[word] !== undefined;
}

const XML_SECTIONS: Record<string, SectionName> = {
  primitive: "resources", template: "resources", group: "resources", clone: "resources", master: "resources", bundle: "resources",
  rsc_location: "constraints", rsc_colocation: "constraints", rsc_order: "constraints", rsc_ticket: "constraints",
  node: "nodes", tag: "tags", acl_role: "acls", acl_target: "acls", alert: "alerts", "fencing-topology": "fencing-topology",
  cluster_property_set: "crm_config",
};

/** `xml <element .../>`: an object given as CIB XML, placed in the section its element belongs to. */
export function xmlObject(el: XmlElement): NewObject {
  const section = XML_SECTIONS[el.name];
  if (section === undefined) throw new CrmError(`xml: <${el.name}> is not a configuration object`);
  return { section, element: el };
}

/** Parses a statement that defines one object (primitive, location, property, ...); undefined for other commands. */
export function parseObject(command: string, stream: TokenStream, ctx: BuildContext): NewObject | undefined {
  const creator = CREATORS[command];
  if (creator !== undefined) {
    const object = creator(stream, ctx);
    stream.end();
    return object;
  }
  if (DEFAULTS.has(command)) return parseDefaults(stream, ctx, command);
  return undefined;
}

/**
 * Runs one editing statement on a working copy. The statement parses fully
 * before anything changes; a CrmError or CrmSyntaxError leaves `config` as it was
 * except for what the edit itself validated first.
 */
export function applyStatement(config: Configuration, command: string, stream: TokenStream): void {
  const ctx: BuildContext = { ids: config.idAllocator(), nodeNames: () => config.nodeNames() };
  const creator = CREATORS[command];
  if (creator !== undefined) {
    const object = creator(stream, ctx);
    stream.end();
    config.add(object);
    return;
  }
  if (DEFAULTS.has(command)) {
    config.mergeSet(parseDefaults(stream, ctx, command));
    return;
  }
  const editor = EDITORS[command];
  if (editor === undefined) throw new CrmError(`configure.${command}: No such command`);
  editor(stream, config);
}
