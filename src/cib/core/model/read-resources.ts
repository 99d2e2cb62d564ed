import { childElements, type XmlElement } from "../xml/tree.js";
import { parseIntervalMs } from "../rules/iso8601.js";
import { readNvSets, withOptional } from "./read-rules.js";
import { isTrue, type Reader } from "./reader.js";
import { staticValue } from "./nvsets.js";
import type { AgentSpec, Bundle, Clone, Group, Operation, Primitive, Resource, ResourceTemplate } from "./types.js";

/** Reads `<resources>`; templates are read first so primitives can inherit from them. */
export function readResources(reader: Reader, section: XmlElement | undefined): { resources: Resource[]; templates: ResourceTemplate[] } {
  if (!section) return { resources: [], templates: [] };
  const templates = childElements(section, "template").concat(childElements(section, "rsc_template")).map((element) => readTemplate(reader, element));
  const byId = new Map(templates.map((template) => [template.id, template]));
  const resources: Resource[] = [];
  for (const element of childElements(section)) {
    const resource = readResource(reader, element, byId);
    if (resource) resources.push(resource);
  }
  return { resources, templates };
}

type Templates = ReadonlyMap<string, ResourceTemplate>;

function readResource(reader: Reader, element: XmlElement, templates: Templates): Resource | undefined {
  switch (element.name) {
    case "primitive": return readPrimitive(reader, element, templates);
    case "group": return readGroup(reader, element, templates);
    case "clone": case "master": return readClone(reader, element, templates);
    case "bundle": return readBundle(reader, element, templates);
    case "template": case "rsc_template": return undefined;
    default:
      reader.warn(element, "is not a resource; ignored");
      return undefined;
  }
}

/** Adds what every resource kind takes from its element: description and source position. */
function common<T extends { id: string; meta: unknown }>(element: XmlElement, base: T): T {
  const description = element.attrs.get("description");
  const result = base as T & { description?: string; pos?: XmlElement["pos"] };
  if (description !== undefined) result.description = description;
  if (element.pos) result.pos = element.pos;
  return result;
}

function readAgent(reader: Reader, element: XmlElement): AgentSpec {
  const agentClass = element.attrs.get("class");
  const type = element.attrs.get("type");
  if (agentClass === undefined || type === undefined) reader.warn(element, "needs class and type (or a template)");
  return withOptional({ class: agentClass ?? "", type: type ?? "" }, element, { provider: "provider" });
}

function readTemplate(reader: Reader, element: XmlElement): ResourceTemplate {
  const template: ResourceTemplate = {
    id: reader.id(element), agent: readAgent(reader, element), meta: readNvSets(reader, element, "meta_attributes"),
    instance: readNvSets(reader, element, "instance_attributes"), utilization: readNvSets(reader, element, "utilization"),
    operations: readOperations(reader, element),
  };
  if (element.pos) template.pos = element.pos;
  return template;
}

/** A primitive built from a template gets the template's agent, and its sets and operations after its own. */
function readPrimitive(reader: Reader, element: XmlElement, templates: Templates): Primitive {
  const templateId = element.attrs.get("template");
  const template = templateId === undefined ? undefined : templates.get(templateId);
  if (templateId !== undefined && !template) reader.warn(element, `template "${templateId}" does not exist`);
  const primitive: Primitive = common(element, {
    kind: "primitive" as const, id: reader.id(element),
    agent: template && !element.attrs.has("type") ? template.agent : readAgent(reader, element),
    meta: readNvSets(reader, element, "meta_attributes"), instance: readNvSets(reader, element, "instance_attributes"),
    utilization: readNvSets(reader, element, "utilization"), operations: readOperations(reader, element),
  });
  if (template) {
    primitive.template = template.id;
    primitive.meta.push(...template.meta);
    primitive.instance.push(...template.instance);
    primitive.utilization.push(...template.utilization);
    const own = new Set(primitive.operations.map(operationKey));
    primitive.operations.push(...template.operations.filter((op) => !own.has(operationKey(op))));
  }
  return primitive;
}

function operationKey(op: Operation): string {
  return `${op.name}:${op.intervalMs}:${op.role ?? ""}`;
}

const OP_FIELDS = new Set(["id", "name", "interval", "role"]);

function readOperations(reader: Reader, parent: XmlElement): Operation[] {
  const operations: Operation[] = [];
  for (const list of reader.children(parent, "operations")) {
    for (const element of reader.children(list, "op")) operations.push(readOperation(reader, element));
  }
  return operations;
}

function readOperation(reader: Reader, element: XmlElement): Operation {
  const interval = element.attrs.get("interval") ?? "0";
  let intervalMs = parseIntervalMs(interval);
  if (intervalMs === undefined) {
    reader.warn(element, `interval="${interval}" is not an interval`);
    intervalMs = 0;
  }
  const op: Operation = {
    id: reader.id(element), name: element.attrs.get("name") ?? "", interval, intervalMs,
    attrs: new Map([...element.attrs].filter(([name]) => !OP_FIELDS.has(name))),
    meta: readNvSets(reader, element, "meta_attributes"), instance: readNvSets(reader, element, "instance_attributes"),
  };
  if (op.name === "") reader.warn(element, "has no name");
  const role = reader.role(element, "role");
  if (role !== undefined) op.role = role;
  const timeout = element.attrs.get("timeout");
  const timeoutMs = timeout === undefined ? undefined : parseIntervalMs(timeout);
  if (timeout !== undefined && timeoutMs === undefined) reader.warn(element, `timeout="${timeout}" is not a duration`);
  if (timeoutMs !== undefined) op.timeoutMs = timeoutMs;
  if (element.pos) op.pos = element.pos;
  return op;
}

function readGroup(reader: Reader, element: XmlElement, templates: Templates): Group {
  const id = reader.id(element);
  const children = childElements(element, "primitive").map((child) => ({ ...readPrimitive(reader, child, templates), parent: id }));
  if (children.length === 0) reader.warn(element, "has no primitives");
  return common(element, {
    kind: "group" as const, id, meta: readNvSets(reader, element, "meta_attributes"),
    instance: readNvSets(reader, element, "instance_attributes"), children,
  });
}

function readClone(reader: Reader, element: XmlElement, templates: Templates): Clone | undefined {
  const id = reader.id(element);
  const inner = childElements(element).find((child) => child.name === "primitive" || child.name === "group");
  if (!inner) {
    reader.warn(element, "contains no primitive or group; ignored");
    return undefined;
  }
  const child = inner.name === "group" ? readGroup(reader, inner, templates) : readPrimitive(reader, inner, templates);
  child.parent = id;
  const meta = readNvSets(reader, element, "meta_attributes");
  const legacyMaster = element.name === "master";
  const promotable = staticValue(meta, "promotable");
  return common(element, {
    kind: "clone" as const, id, meta, instance: readNvSets(reader, element, "instance_attributes"), child, legacyMaster,
    promotable: legacyMaster || (promotable !== undefined && isTrue(promotable)),
  });
}

const TECHNOLOGIES = ["docker", "rkt", "podman"] as const;

function readBundle(reader: Reader, element: XmlElement, templates: Templates): Bundle {
  const id = reader.id(element);
  const containerElement = childElements(element).find((child) => (TECHNOLOGIES as readonly string[]).includes(child.name));
  if (!containerElement) reader.warn(element, "has no docker, rkt or podman element");
  const bundle: Bundle = common(element, {
    kind: "bundle" as const, id, meta: readNvSets(reader, element, "meta_attributes"),
    container: { technology: (containerElement?.name ?? "podman") as Bundle["container"]["technology"], attrs: new Map(containerElement?.attrs) },
    storage: childElements(element, "storage").flatMap((storage) => childElements(storage, "storage-mapping").map((m) => new Map(m.attrs))),
  });
  const network = childElements(element, "network")[0];
  if (network) bundle.network = { attrs: new Map(network.attrs), portMappings: childElements(network, "port-mapping").map((m) => new Map(m.attrs)) };
  const primitive = childElements(element, "primitive")[0];
  if (primitive) bundle.child = { ...readPrimitive(reader, primitive, templates), parent: id };
  return bundle;
}
