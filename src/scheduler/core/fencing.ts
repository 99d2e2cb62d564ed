import type { ClusterOptions } from "./options.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { cloneOf, instanceNumber, primitivesOf } from "./model.js";
import { isTrueValue } from "./options.js";
import type { FenceLine } from "./summary.js";

/**
 * What a resource needs before it may start (Pacemaker Explained, resource
 * meta-attribute "requires"): nothing; quorum; quorum and every unclean node fenced;
 * all that and its node unfenced.
 */
export type Requirement = "nothing" | "quorum" | "fencing" | "unfencing";

const REQUIREMENTS: ReadonlySet<string> = new Set(["nothing", "quorum", "fencing", "unfencing"]);

/** The reason crm_simulate gives when no-quorum-policy=suicide fences a node. */
export const SUICIDE_REASON = "cluster does not have quorum";

/**
 * The cluster-wide fencing facts every later stage asks about: which resources need
 * what, and whether unfencing is in use (a fencing device with provides=unfencing,
 * or a resource with requires=unfencing, while fencing is enabled).
 */
export class FencingPolicy {
  readonly unfencingEnabled: boolean;
  private readonly unfencingByDevice: boolean;
  private readonly cache = new Map<PrimitiveRsc, Requirement>();

  constructor(resources: Rsc[], private readonly options: ClusterOptions) {
    const all = resources.flatMap(primitivesOf);
    this.unfencingByDevice = options.stonithEnabled && all.some((p) => isFencingDevice(p) && p.meta.get("provides") === "unfencing");
    this.unfencingEnabled = this.unfencingByDevice || (options.stonithEnabled && all.some((p) => !isFencingDevice(p) && p.meta.get("requires") === "unfencing"));
  }

  /**
   * The resource's requirement: its own "requires" when valid, else quorum for fencing
   * devices and when fencing is disabled (nothing can be fenced then), unfencing when a
   * device provides it, fencing otherwise.
   */
  requirement(p: PrimitiveRsc): Requirement {
    let r = this.cache.get(p);
    if (r === undefined) {
      r = this.compute(p);
      this.cache.set(p, r);
    }
    return r;
  }

  /** Its start waits for every fencing action (and its node's unfencing). */
  needsFencing(p: PrimitiveRsc): boolean {
    const r = this.requirement(p);
    return r === "fencing" || r === "unfencing";
  }

  /**
   * Its probes and starts on a node wait for that node's unfencing: fencing devices and
   * whatever needs fencing, once unfencing is in use at all.
   */
  needsUnfencing(p: PrimitiveRsc): boolean {
    return this.unfencingEnabled && (isFencingDevice(p) || this.needsFencing(p));
  }

  private compute(p: PrimitiveRsc): Requirement {
    const own = p.meta.get("requires");
    const device = isFencingDevice(p);
    if (own !== undefined && REQUIREMENTS.has(own)) {
      const fencing = own === "fencing" || own === "unfencing";
      return fencing && (device || !this.options.stonithEnabled) ? "quorum" : (own as Requirement);
    }
    if (device || !this.options.stonithEnabled) return "quorum";
    return this.unfencingByDevice ? "unfencing" : "fencing";
  }
}

export function isFencingDevice(p: PrimitiveRsc): boolean {
  return p.config.class === "stonith";
}

/**
 * no-quorum-policy=suicide (Pacemaker Explained, "Cluster Options"): a partition
 * without quorum fences every node in it, itself included. Those nodes become
 * unclean before placement, so nothing is placed on them.
 */
export function applySuicide(nodes: SchedNode[], options: ClusterOptions, haveQuorum: boolean): void {
  if (haveQuorum || options.noQuorumPolicy !== "suicide") return;
  for (const node of nodes) {
    if (!node.online || node.unclean || node.attributes.get("#kind") !== "cluster") continue;
    node.unclean = true;
    node.fenceReason = SUICIDE_REASON;
  }
}

/**
 * The nodes fenced this transition: unclean nodes with a reason, when fencing is
 * enabled and the partition may fence them: any node with quorum (or
 * no-quorum-policy=ignore), else only nodes in its own membership (a lost node may
 * belong to the partition that has quorum).
 */
export function fenceLines(nodes: SchedNode[], options: ClusterOptions, haveQuorum: boolean): FenceLine[] {
  if (!options.stonithEnabled) return [];
  const lines: FenceLine[] = [];
  for (const node of nodes) {
    if (!node.unclean || node.fenceReason === undefined) continue;
    const allowed = haveQuorum || options.noQuorumPolicy === "ignore" || node.fenceReason === SUICIDE_REASON || node.inPartition === true;
    if (allowed) lines.push({ node: node.name, action: options.stonithAction, reason: node.fenceReason });
  }
  return lines;
}

/** The designated controller's node name (from dc-uuid), fenced after every other node. */
export function dcNode(nodes: SchedNode[], dcUuid: string | undefined): NodeName | undefined {
  return dcUuid === undefined ? undefined : nodes.find((n) => n.id === dcUuid)?.name;
}

/**
 * With fencing enabled but no way to fence (no fencing device configured and no
 * watchdog: have-watchdog), the cluster refuses to act at all: no fencing, no starts,
 * no stops; it only probes (it reports "Resource start-up disabled").
 */
export function cannotFence(resources: Rsc[], options: ClusterOptions): boolean {
  if (!options.stonithEnabled || isTrueValue(options.all.get("have-watchdog"))) return false;
  return !resources.some((r) => primitivesOf(r).some(isFencingDevice));
}

/**
 * An anonymous clone instance whose failure gets its node fenced stays with that node
 * (it stops by the fencing); the node placement chose for it goes to a free instance.
 */
export function handOverFailedInstances(failureFenced: ReadonlySet<PrimitiveRsc>): void {
  for (const p of failureFenced) {
    const clone = cloneOf(p);
    const from = p.active[0]?.node;
    if (clone === undefined || clone.globallyUnique || p.parent !== clone || p.assigned === undefined || p.assigned === from) continue;
    const free = clone.instances
      .filter((i): i is PrimitiveRsc => i.kind === "primitive" && i.active.length === 0 && i.assigned === undefined)
      .sort((a, b) => instanceNumber(a) - instanceNumber(b))[0];
    if (free === undefined) continue;
    free.assigned = p.assigned;
    free.nextRole = p.nextRole;
    p.assigned = undefined;
  }
}
