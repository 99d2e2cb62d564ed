import type { Configuration, Primitive, Resource } from "./types.js";

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
