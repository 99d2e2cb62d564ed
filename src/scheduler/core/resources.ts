import type { CloneConfig, GroupConfig, NvSet, PrimitiveConfig, ResourceConfig, SchedulerInput } from "../../cib/index.js";
import type { CloneRsc, GroupRsc, PrimitiveRsc, Rsc } from "./model.js";
import { type RuleContext, resolveNvSets } from "./rules.js";
import { isTrueValue } from "./options.js";
import { withInheritedParameters } from "./inherited-params.js";

/**
 * Builds the resource tree: meta-attributes resolved (rsc_defaults, then the
 * parent's, then the resource's own), clones expanded into numbered instances.
 * Cluster-wide maintenance-mode puts every resource in maintenance (unmanaged).
 */
export function buildResources(input: SchedulerInput, nodeCount: number, now: number, maintenanceMode = false): Rsc[] {
  const builder = new ResourceBuilder(input.rscDefaults, nodeCount, now, maintenanceMode);
  return input.resources.flatMap((config) => builder.top(withInheritedParameters(config)));
}

class ResourceBuilder {
  constructor(
    private readonly defaults: NvSet[],
    private readonly nodeCount: number,
    private readonly now: number,
    private readonly maintenanceMode: boolean,
  ) {}

  private meta(sets: NvSet[], parent: Map<string, string>, config: PrimitiveConfig | undefined): Map<string, string> {
    const ctx: RuleContext = {
      node: undefined,
      now: this.now,
      resource: config ? { class: config.class, provider: config.provider, type: config.type } : undefined,
    };
    const merged = new Map([...parent, ...resolveNvSets(sets, ctx)]);
    if (this.maintenanceMode) merged.set("maintenance", "true");
    return merged;
  }

  private defaultsFor(config: PrimitiveConfig | undefined): Map<string, string> {
    return this.meta(this.defaults, new Map(), config);
  }

  top(config: ResourceConfig): Rsc[] {
    switch (config.kind) {
      case "primitive":
        return [this.primitive(config, this.defaultsFor(config), undefined, config.id)];
      case "group":
        return [this.group(config, this.defaultsFor(undefined), undefined, config.id, "")];
      case "clone":
        return [this.clone(config)];
      case "bundle":
        return [];
    }
  }

  primitive(config: PrimitiveConfig, inherited: Map<string, string>, parent: GroupRsc | CloneRsc | undefined, id: string): PrimitiveRsc {
    const withDefaults = new Map([...this.defaultsFor(config), ...inherited]);
    return {
      kind: "primitive",
      id,
      configId: config.id,
      config,
      parent,
      meta: this.meta(config.meta, withDefaults, config),
      ops: config.ops,
      active: [],
      stopFailedOn: [],
      failedOn: [],
      probedOn: new Set(),
      blocked: false,
      forceStop: false,
      definitionChange: "none",
      demoteOnly: false,
      scores: new Map(),
      assigned: undefined,
      nextRole: "Stopped",
      promotionScore: new Map(),
    };
  }

  group(config: GroupConfig, inherited: Map<string, string>, parent: CloneRsc | undefined, id: string, suffix: string): GroupRsc {
    const meta = this.meta(config.meta, inherited, undefined);
    const group: GroupRsc = { kind: "group", id, configId: config.id, parent, meta, children: [] };
    group.children = config.children.map((child) => this.primitive(child, meta, group, child.id + suffix));
    return group;
  }

  clone(config: CloneConfig): CloneRsc {
    const meta = this.meta(config.meta, this.defaultsFor(undefined), undefined);
    const int = (names: string[], fallback: number): number => {
      for (const name of names) {
        const value = meta.get(name);
        if (value !== undefined && /^-?\d+$/.test(value.trim())) return Number(value);
      }
      return fallback;
    };
    const cloneMax = int(["clone-max"], this.nodeCount);
    const clone: CloneRsc = {
      kind: "clone",
      id: config.id,
      configId: config.id,
      promotable: config.promotable,
      parent: undefined,
      meta,
      instances: [],
      cloneMax,
      cloneNodeMax: int(["clone-node-max"], 1),
      promotedMax: int(["promoted-max", "master-max"], 1),
      promotedNodeMax: int(["promoted-node-max", "master-node-max"], 1),
      globallyUnique: isTrueValue(meta.get("globally-unique")),
      interleave: isTrueValue(meta.get("interleave")),
      scores: new Map(),
    };
    // Instance meta: the clone's own settings except the ones that only make sense on the clone.
    const instanceMeta = new Map(meta);
    for (let i = 0; i < cloneMax; i++) clone.instances.push(this.instance(config, instanceMeta, clone, i));
    return clone;
  }

  instance(config: CloneConfig, meta: Map<string, string>, clone: CloneRsc, index: number): PrimitiveRsc | GroupRsc {
    const child = config.child;
    if (child.kind === "group") return this.group(child, meta, clone, `${child.id}:${index}`, `:${index}`);
    return this.primitive(child, meta, clone, `${child.id}:${index}`);
  }
}
