import { err, ok, type Result } from "../../../lib/result.js";
import { cibError, type CibError } from "../errors.js";
import { firstChild, walk, type XmlDocument, type XmlElement } from "../xml/tree.js";
import { readNvSets } from "./read-rules.js";
import { readResources } from "./read-resources.js";
import { readConstraints } from "./read-constraints.js";
import { readStatus } from "./read-status.js";
import { readAcls, readAlerts, readFencingTopology, readNodes, readTags } from "./read-configuration.js";
import { isTrue, Reader } from "./reader.js";
import { flattenResources } from "./query.js";
import type { Cib, CibHeader, Configuration, Resource } from "./types.js";

/**
 * Turns a parsed CIB into the typed model. Fails only when the document is
 * not a CIB at all; anything Pacemaker would ignore with a complaint becomes
 * an entry in `warnings` and a default. Accepts every schema from
 * pacemaker-1.0 to 3.x (legacy `<master>`, Master/Slave roles, node type
 * "normal", acl_user, score-based orders).
 */
export function loadCib(input: XmlDocument | XmlElement, file = "<cib>"): Result<Cib, CibError[]> {
  const root = "root" in input ? input.root : input;
  const source = "root" in input ? input.file : file;
  if (root.name !== "cib") return err([cibError(source, root.pos, `the root element is <${root.name}>, not <cib>`)]);
  const configurationElement = firstChild(root, "configuration");
  if (!configurationElement) return err([cibError(source, root.pos, "<cib> has no <configuration>")]);
  const { byId, duplicates } = indexDefinitions(configurationElement);
  const reader = new Reader(source, byId);
  for (const duplicate of duplicates) reader.warn(duplicate, "reuses an id already used in the configuration");
  const configuration = readConfiguration(reader, configurationElement);
  const status = readStatus(reader, firstChild(root, "status"));
  return ok({ header: readHeader(reader, root), configuration, status, warnings: reader.warnings });
}

/** Elements whose `id` points at another element instead of defining one. */
const REFERENCE_ELEMENTS = new Set(["resource_ref", "obj_ref", "role", "role_ref"]);

/**
 * Ids that define an object, for id-ref and duplicate checks. References do
 * not define ids, and node ids live apart (a remote node shares its resource's id).
 */
function indexDefinitions(configuration: XmlElement): { byId: Map<string, XmlElement>; duplicates: XmlElement[] } {
  const byId = new Map<string, XmlElement>();
  const duplicates: XmlElement[] = [];
  walk(configuration, (element) => {
    const id = element.attrs.get("id");
    if (id === undefined || element.name === "node" || REFERENCE_ELEMENTS.has(element.name) || element.attrs.has("id-ref")) return;
    if (byId.has(id)) duplicates.push(element);
    else byId.set(id, element);
  });
  return { byId, duplicates };
}

function readConfiguration(reader: Reader, element: XmlElement): Configuration {
  const section = (name: string): XmlElement | undefined => firstChild(element, name);
  const { resources, templates } = readResources(reader, section("resources"));
  const tags = readTags(reader, section("tags"));
  const expand = referenceExpander(resources, tags);
  const known = new Set<string>([...flattenResources(resources).map((r) => r.id), ...templates.map((t) => t.id), ...tags.keys()]);
  return {
    crmConfig: section("crm_config") ? readNvSets(reader, section("crm_config")!, "cluster_property_set") : [],
    nodes: readNodes(reader, section("nodes")),
    resources, templates,
    constraints: readConstraints(reader, section("constraints"), expand, known),
    rscDefaults: section("rsc_defaults") ? readNvSets(reader, section("rsc_defaults")!, "meta_attributes") : [],
    opDefaults: section("op_defaults") ? readNvSets(reader, section("op_defaults")!, "meta_attributes") : [],
    fencingTopology: readFencingTopology(reader, section("fencing-topology")),
    tags, acls: readAcls(reader, section("acls")), alerts: readAlerts(reader, section("alerts")),
  };
}

/** A tag stands for its members, a template (also as a tag member) for the primitives built from it; anything else for itself. */
function referenceExpander(resources: Resource[], tags: ReadonlyMap<string, string[]>): (id: string) => string[] {
  const byTemplate = new Map<string, string[]>();
  for (const resource of flattenResources(resources)) {
    if (resource.kind !== "primitive" || resource.template === undefined) continue;
    const list = byTemplate.get(resource.template) ?? [];
    list.push(resource.id);
    byTemplate.set(resource.template, list);
  }
  return (id) => (tags.get(id) ?? [id]).flatMap((member) => byTemplate.get(member) ?? [member]);
}

function readHeader(reader: Reader, root: XmlElement): CibHeader {
  const attrs = root.attrs;
  const counter = (name: string): number => {
    const text = attrs.get(name);
    if (text === undefined) return 0;
    if (/^\d+$/.test(text)) return Number(text);
    reader.warn(root, `${name}="${text}" is not a non-negative integer`);
    return 0;
  };
  const header: CibHeader = {
    adminEpoch: counter("admin_epoch"), epoch: counter("epoch"), numUpdates: counter("num_updates"),
    validateWith: attrs.get("validate-with") ?? "none", haveQuorum: isTrue(attrs.get("have-quorum") ?? "false"), attrs: new Map(attrs),
  };
  const dcUuid = attrs.get("dc-uuid");
  if (dcUuid !== undefined) header.dcUuid = dcUuid;
  const crmFeatureSet = attrs.get("crm_feature_set");
  if (crmFeatureSet !== undefined) header.crmFeatureSet = crmFeatureSet;
  const executionDate = attrs.get("execution-date");
  if (executionDate !== undefined && /^\d+$/.test(executionDate)) header.executionDate = Number(executionDate);
  else if (executionDate !== undefined) reader.warn(root, `execution-date="${executionDate}" is not Unix seconds`);
  return header;
}

