import { resolveNvSets } from "./nvsets.js";
import type { Cib, Configuration, Primitive, Resource } from "./types.js";

/** Every resource, parents before children, in document order. */
export function flattenResources(resources: readonly Resource[]): Resource[] {
  const result: Resource[] = [];
  const visit = (resource: Resource): void => {
    result.push(resource);
    if (resource.kind === "group") resource.children.forEach(visit);
    else if (resource.kind === "clone") visit(resource.child);
    else if (resource.kind === "bundle" && resource.child) visit(resource.child);
  };
  resources.forEach(visit);
  return result;
}

/** Every resource (nested ones too) by id. */
export function resourcesById(configuration: Configuration): Map<string, Resource> {
  return new Map(flattenResources(configuration.resources).map((resource) => [resource.id, resource]));
}

export function primitives(configuration: Configuration): Primitive[] {
  return flattenResources(configuration.resources).filter((resource): resource is Primitive => resource.kind === "primitive");
}

/**
 * A node's attributes as rules see them: the built-ins (#uname, #id, #kind,
 * #is_dc, #cluster-name, #site-name when known), then its permanent attributes
 * (configuration), overridden by its transient ones (status).
 */
export function nodeAttributes(cib: Cib, uname: string, context: { nowSeconds: number }): Map<string, string> {
  const node = cib.configuration.nodes.find((n) => n.uname === uname);
  const state = cib.status.nodes.find((s) => s.uname === uname || (node !== undefined && s.id === node.id));
  const attributes = new Map<string, string>();
  const options = { context: { nowSeconds: context.nowSeconds } };
  for (const [name, value] of resolveNvSets(node?.attributes ?? [], options)) attributes.set(name, value);
  for (const [name, value] of resolveNvSets(state?.transientAttributes ?? [], options)) attributes.set(name, value);
  const id = node?.id ?? state?.id;
  attributes.set("#uname", uname);
  if (id !== undefined) attributes.set("#id", id);
  attributes.set("#kind", node?.type === "remote" ? "remote" : "cluster");
  attributes.set("#is_dc", String(id !== undefined && id === cib.header.dcUuid));
  const clusterName = resolveNvSets(cib.configuration.crmConfig, { ...options, firstId: "cib-bootstrap-options" }).get("cluster-name");
  if (clusterName !== undefined) attributes.set("#cluster-name", clusterName);
  const site = attributes.get("site-name") ?? clusterName;
  if (site !== undefined) attributes.set("#site-name", site);
  return attributes;
}
