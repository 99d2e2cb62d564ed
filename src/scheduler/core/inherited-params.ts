import type { NvSet, PrimitiveConfig, ResourceConfig } from "../../cib/index.js";

/**
 * Instance attributes set on a group or clone are parameters of every primitive
 * inside it (the primitive's own win): they are part of the definition the
 * resource runs with, and of the digest recorded for its operations.
 */
export function withInheritedParameters(config: ResourceConfig, inherited: readonly NvSet[] = []): ResourceConfig {
  switch (config.kind) {
    case "primitive":
      return inherit(config, inherited);
    case "group": {
      const sets = [...(config.instance ?? []), ...inherited];
      return sets.length === 0 ? config : { ...config, children: config.children.map((c) => inherit(c, sets)) };
    }
    case "clone": {
      const sets = [...(config.instance ?? []), ...inherited];
      if (sets.length === 0) return config;
      const child = withInheritedParameters(config.child, sets);
      return { ...config, child: child as typeof config.child };
    }
    default:
      return config;
  }
}

function inherit(p: PrimitiveConfig, inherited: readonly NvSet[]): PrimitiveConfig {
  return inherited.length === 0 ? p : { ...p, instance: [...p.instance, ...inherited] };
}
