import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isFencingDevice, type FencingPolicy } from "./fencing.js";
import { isTrueValue } from "./options.js";
import type { ParameterDigest } from "./definition.js";
import { resolveNvSets } from "./rules.js";

/** The summary's reason for unfencing a node whose device's parameters changed. */
export const DEVICE_CHANGED = "Device parameters changed";
/** Unfencing that the summary does not list (the graph has it). */
export const SILENT = "";
/** The restart reason of what runs on a node that is unfenced under it. */
export const REQUIRED_STONITH = "due to required stonith";

/**
 * Unfencing (Pacemaker Explained, "Unfencing"): before a node may run what needs
 * fencing (when a device provides=unfencing or a resource requires=unfencing), the
 * node is fenced "on" once; the node attribute #node-unfenced records that it was.
 * A fencing device whose parameters changed unfences its node again.
 */
export interface UnfencingPlan {
  /**
   * Nodes that need unfencing if anything that needs it is probed or started there,
   * with the reason when it is already known (a device's parameters changed).
   */
  candidates: Map<NodeName, string | undefined>;
  /** What runs on a node to be unfenced restarts behind the unfencing. */
  restarts: Map<PrimitiveRsc, string>;
  /**
   * The unfencing devices' parameter digests ("id:type:md5," each), all parameters and
   * without the fencer's own pcmk_* ones: the node records them once unfenced, so a
   * later change of a device shows.
   */
  digests: { all: string; secure: string } | undefined;
}

export function planUnfencing(resources: Rsc[], nodes: SchedNode[], policy: FencingPolicy, fenced: ReadonlySet<NodeName>, now: number, digest?: ParameterDigest): UnfencingPlan {
  const candidates = new Map<NodeName, string | undefined>();
  const restarts = new Map<PrimitiveRsc, string>();
  if (!policy.unfencingEnabled) return { candidates, restarts, digests: undefined };
  const eligible = nodes.filter((n) => n.online && !n.unclean && !n.shutdown && !fenced.has(n.name) && n.attributes.get("#kind") === "cluster");
  const all = resources.flatMap(primitivesOf);
  for (const node of eligible) {
    const devicesHere = all.filter((p) => isFencingDevice(p) && p.active.some((a) => a.node === node.name));
    if (devicesHere.some((p) => p.definitionChange !== "none")) candidates.set(node.name, DEVICE_CHANGED);
    else if (!unfenced(node)) candidates.set(node.name, undefined);
    else if (digest !== undefined && devicesHere.some((p) => recordedOtherwise(node, p, now, digest))) candidates.set(node.name, SILENT);
  }
  for (const p of all) {
    if (!policy.needsUnfencing(p) || p.active.length !== 1 || p.blocked) continue;
    const here = p.active[0]!;
    if (candidates.has(here.node) && p.assigned === here.node && !here.failed) restarts.set(p, REQUIRED_STONITH);
  }
  return { candidates, restarts, digests: digest === undefined ? undefined : deviceDigests(all, now, digest) };
}

function deviceDigests(all: PrimitiveRsc[], now: number, digest: ParameterDigest): { all: string; secure: string } {
  let full = "", secure = "";
  for (const p of all) {
    if (!isFencingDevice(p) || p.meta.get("provides") !== "unfencing") continue;
    full += digestEntry(p, now, digest, false);
    secure += digestEntry(p, now, digest, true);
  }
  return { all: full, secure };
}

/** "id:type:md5," of a device's parameters (without the fencer's own pcmk_* ones: secure). */
function digestEntry(p: PrimitiveRsc, now: number, digest: ParameterDigest, secure: boolean): string {
  const params = Object.fromEntries([...resolveNvSets(p.config.instance, { node: undefined, now })].filter(([name]) => !secure || !name.startsWith("pcmk_")));
  return `${p.configId}:${p.config.type}:${digest(params)},`;
}

/** The node was unfenced under other parameters of this device than it has now (#digests-all). */
function recordedOtherwise(node: SchedNode, p: PrimitiveRsc, now: number, digest: ParameterDigest): boolean {
  const recorded = node.attributes.get("#digests-all");
  return recorded !== undefined && !recorded.split(",").map((e) => `${e},`).includes(digestEntry(p, now, digest, false));
}

/** #node-unfenced holds when the node was last unfenced (absent or 0: never). */
function unfenced(node: SchedNode): boolean {
  const value = node.attributes.get("#node-unfenced");
  return value !== undefined && value !== "0" && (/^\d+$/.test(value) || isTrueValue(value));
}
