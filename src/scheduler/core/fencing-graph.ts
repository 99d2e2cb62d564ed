import type { GraphAction, GraphBuilder } from "./graph.js";
import type { NodeName, PrimitiveRsc, Rsc } from "./model.js";
import { cloneOf, primitivesOf } from "./model.js";
import type { FenceLine } from "./summary.js";
import { isFencingDevice, type FencingPolicy } from "./fencing.js";
import type { UnfencingPlan } from "./unfencing.js";

/** What the graph needs to order fencing and unfencing. */
export interface FencingGraphInputs {
  policy: FencingPolicy;
  /** The designated controller: fenced last. */
  dc: NodeName | undefined;
  /** concurrent-fencing: otherwise fencing actions form one chain. */
  concurrent: boolean;
  unfencing: UnfencingPlan;
}

/**
 * Fencing in the transition graph (Pacemaker Explained, "Fencing"): fencing actions
 * one after another unless concurrent-fencing, the controller's own node last; a
 * start waits for every fencing when its resource requires fencing, or requires quorum
 * and its state on the fenced node is unknown. Then unfencing: a node is fenced "on"
 * before the probes and starts there of what needs unfencing; the first of them is
 * the summary's reason. Returns the unfencing lines.
 */
export function addFencingOrder(g: GraphBuilder, fences: FenceLine[], resources: Rsc[], inputs: FencingGraphInputs): FenceLine[] {
  const byId = new Map<string, PrimitiveRsc>();
  for (const p of resources.flatMap(primitivesOf)) byId.set(p.id, p);
  const hostFences = fences.filter((f) => f.resource === undefined && f.action !== "on");
  const fenceIds = hostFences.map((f) => g.find(f.node, `stonith-${f.action}`));
  serialise(g, hostFences, fenceIds, inputs);
  hostFences.forEach((f, i) => stopCollectivesAfter(g, f.node, fenceIds[i], byId, inputs.policy));
  if (hostFences.length > 0) {
    for (const a of [...g.actions]) {
      const p = a.operation === "start" && !a.pseudo ? byId.get(a.resource) : undefined;
      if (p === undefined || inputs.policy.requirement(p) === "nothing") continue;
      const always = inputs.policy.needsFencing(p);
      hostFences.forEach((f, i) => {
        if (always || !knownOn(p, f.node)) g.edge(fenceIds[i], a.id);
      });
    }
  }
  return addUnfencing(g, byId, inputs);
}

/** The chain follows node names in natural order ("node2" before "node10"), the DC's last. */
/** A group's or clone's stop phase on a fenced node opens once the fencing is done. */
function stopCollectivesAfter(g: GraphBuilder, node: NodeName, fence: number | undefined, byId: Map<string, PrimitiveRsc>, policy: FencingPolicy): void {
  const stops = new Set<number>();
  for (const a of g.actions) {
    const p = a.pseudo && a.operation === "stop" && a.node === node ? byId.get(a.resource) : undefined;
    if (p === undefined || !policy.needsFencing(p)) continue;
    for (const collective of [p.parent, p.parent?.parent]) {
      const stop = collective === undefined ? undefined : g.find(collective.id, "stop");
      if (stop !== undefined) stops.add(stop);
    }
  }
  for (const stop of stops) g.edge(fence, stop);
}

function serialise(g: GraphBuilder, fences: FenceLine[], ids: Array<number | undefined>, inputs: FencingGraphInputs): void {
  const order = fences.map((f, i) => ({ node: f.node, id: ids[i] })).sort((a, b) => naturalCompare(a.node, b.node));
  const others = order.filter((f) => f.node !== inputs.dc).map((f) => f.id);
  const dc = order.find((f) => f.node === inputs.dc)?.id;
  if (!inputs.concurrent) for (let i = 1; i < others.length; i++) g.edge(others[i - 1], others[i]);
  const beforeDc = inputs.concurrent ? others : others.slice(-1);
  for (const id of beforeDc) g.edge(id, dc);
}

/** Case-insensitive, with runs of digits compared as numbers. */
export function naturalCompare(a: string, b: string): number {
  const split = (s: string): string[] => s.toLowerCase().match(/\d+|\D+/g) ?? [];
  const x = split(a), y = split(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!, q = y[i]!;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    const d = numeric ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The history tells the resource's state on the node (any instance, for an anonymous clone). */
function knownOn(p: PrimitiveRsc, node: NodeName): boolean {
  const clone = cloneOf(p);
  if (clone === undefined || clone.globallyUnique) return p.probedOn.has(node);
  return clone.instances.some((i) => primitivesOf(i).some((m) => m.configId === p.configId && m.probedOn.has(node)));
}

function addUnfencing(g: GraphBuilder, byId: Map<string, PrimitiveRsc>, inputs: FencingGraphInputs): FenceLine[] {
  const { candidates, restarts } = inputs.unfencing;
  if (candidates.size === 0) return [];
  const probes = new Map<NodeName, GraphAction[]>();
  const starts = new Map<NodeName, GraphAction[]>();
  const stops = new Map<NodeName, GraphAction[]>();
  for (const a of g.actions) {
    const p = a.pseudo || !candidates.has(a.node) ? undefined : byId.get(a.resource);
    if (p === undefined) continue;
    const needs = inputs.policy.needsUnfencing(p);
    if (needs && a.operation === "monitor" && a.intervalMs === 0) push(probes, a.node, a);
    else if (needs && a.operation === "start") push(starts, a.node, a);
    else if (a.operation === "stop" && restarts.has(p) && !isFencingDevice(p)) push(stops, a.node, a);
  }
  const lines: FenceLine[] = [];
  for (const [node, known] of candidates) {
    const nodeProbes = probes.get(node) ?? [], nodeStarts = starts.get(node) ?? [];
    const first = nodeProbes[0] ?? nodeStarts[0];
    const reason = known ?? (first === undefined ? undefined : `required by ${first.resource} ${first.operation}`);
    if (reason === undefined) continue;
    const on = g.add(node, "stonith-on", node);
    for (const a of [...nodeProbes, ...nodeStarts]) g.edge(on, a.id);
    for (const a of stops.get(node) ?? []) g.edge(a.id, on);
    lines.push({ node, action: "on", reason, digests: inputs.unfencing.digests });
  }
  return lines;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
