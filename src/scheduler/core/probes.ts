import type { Location } from "./constraints.js";
import type { CloneRsc, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import type { GraphBuilder, GraphInputs } from "./graph.js";
import { beforeMigration } from "./migration-graph.js";
import { isRemoteConnection } from "./remote.js";

/**
 * Probes (Pacemaker Explained, "Resource Discovery"): a one-time monitor (interval 0)
 * of each resource on every online node where its state is not known yet, before the
 * resource starts anywhere. resource-discovery=never skips the nodes its location
 * names; exclusive limits probing to the nodes exclusive locations name. An anonymous
 * clone is probed once per node. Nothing is probed in maintenance mode or on a node
 * in maintenance. Remote nodes are probed once their connection is up; guest nodes
 * are not probed here.
 */
export function addProbes(g: GraphBuilder, inputs: GraphInputs): ProbeIndex {
  const probes: ProbeIndex = new Map();
  if (inputs.maintenance) return probes;
  const usable = (n: SchedNode): boolean => n.online && !n.unclean && !n.maintenance;
  const nodes = inputs.nodes.filter((n) => usable(n) && n.attributes.get("#kind") === "cluster");
  const remotes = remoteNodesUp(inputs).filter(usable);
  if (nodes.length === 0) return probes;
  const locations = locationsByResource(inputs.constraints.locations);
  const probeOn = (rsc: string, node: SchedNode, timeoutMs: number): number => {
    const probe = g.probe(rsc, node.name, timeoutMs);
    // A probe on a remote node waits for its connection to start.
    if (node.attributes.get("#kind") === "remote") g.edge(g.find(node.name, "start"), probe);
    const own = probes.get(rsc);
    if (own === undefined) probes.set(rsc, [probe]);
    else own.push(probe);
    return probe;
  };
  for (const top of inputs.resources) {
    const where = remotes.length === 0 || !probedOnRemotes(top) ? nodes : [...nodes, ...remotes];
    if (top.kind === "clone" && !top.globallyUnique) probeAnonymousClone(g, probeOn, top, where, locations);
    else for (const p of primitivesOf(top)) probeEverywhere(g, probeOn, p, top, where, locations);
  }
  return probes;
}

/** Probe action ids by resource instance id. */
export type ProbeIndex = Map<string, number[]>;
type ProbeOn = (rsc: string, node: SchedNode, timeoutMs: number) => number;

/**
 * Remote nodes whose connection runs or starts (Pacemaker Remote): their resources are
 * probed there too, once the connection is up (it is named after the node).
 */
function remoteNodesUp(inputs: GraphInputs): SchedNode[] {
  const connections = new Map(inputs.resources.flatMap((r) => (r.kind === "primitive" && isRemoteConnection(r.config) ? [[r.id, r] as const] : [])));
  return inputs.nodes.filter((n) => n.attributes.get("#kind") === "remote" && connections.get(n.name)?.assigned !== undefined);
}

/** Fencing devices and connections run on cluster nodes only: never probed on remote nodes. */
function probedOnRemotes(top: Rsc): boolean {
  return primitivesOf(top).every((p) => p.config.class !== "stonith" && !isRemoteConnection(p.config));
}

function locationsByResource(all: readonly Location[]): Map<Rsc, Location[]> {
  const locations = new Map<Rsc, Location[]>();
  for (const l of all) {
    const own = locations.get(l.rsc);
    if (own === undefined) locations.set(l.rsc, [l]);
    else own.push(l);
  }
  return locations;
}

/** A primitive (alone, in a group or a unique clone) on each node that has no history of it. */
function probeEverywhere(g: GraphBuilder, probeOn: ProbeOn, p: PrimitiveRsc, top: Rsc, nodes: readonly SchedNode[], locations: Map<Rsc, Location[]>): void {
  const allowed = discoveryFilter(p, top, locations);
  const timeoutMs = g.timeoutOf(p, "monitor");
  const start = g.find(p.id, "start");
  for (const node of nodes) {
    const name = node.name;
    if (p.probedOn.has(name) || (allowed !== undefined && !allowed.admits(name))) continue;
    const probe = probeOn(p.id, node, timeoutMs);
    g.edge(probe, start);
    beforeMigration(g, p.id, probe);
  }
}

/**
 * An anonymous clone, once per node for each member of its first instance: any
 * instance's history on the node tells the state of the clone there. The probe is
 * named after the instance placed there, else the first free one, and comes before
 * the clone starts anything.
 */
function probeAnonymousClone(g: GraphBuilder, probeOn: ProbeOn, clone: CloneRsc, nodes: readonly SchedNode[], locations: Map<Rsc, Location[]>): void {
  const first = clone.instances[0];
  if (first === undefined) return;
  const cloneStart = g.find(clone.id, "start");
  for (const member of primitivesOf(first)) {
    const start = cloneStart ?? g.find(member.id, "start");
    const allowed = discoveryFilter(member, clone, locations);
    const timeoutMs = g.timeoutOf(member, "monitor");
    const siblings = clone.instances.map((i) => primitivesOf(i).find((m) => m.configId === member.configId) ?? member);
    const placed = new Map<NodeName, PrimitiveRsc>();
    for (const s of siblings) if (s.assigned !== undefined && !placed.has(s.assigned)) placed.set(s.assigned, s);
    const free = siblings.find((s) => s.assigned === undefined && s.active.length === 0) ?? member;
    const known = new Set(siblings.flatMap((s) => [...s.probedOn]));
    for (const node of nodes) {
      const name = node.name;
      if (known.has(name) || (allowed !== undefined && !allowed.admits(name))) continue;
      g.edge(probeOn((placed.get(name) ?? free).id, node, timeoutMs), start);
    }
  }
}

/** The nodes resource-discovery lets a resource be probed on. */
class DiscoveryFilter {
  constructor(private readonly never: ReadonlySet<NodeName>, private readonly only: ReadonlySet<NodeName> | undefined) {}

  admits(node: NodeName): boolean {
    return !this.never.has(node) && (this.only === undefined || this.only.has(node));
  }
}

function discoveryFilter(p: PrimitiveRsc, top: Rsc, locations: Map<Rsc, Location[]>): DiscoveryFilter | undefined {
  if (!locations.has(p) && (p.parent === undefined || !locations.has(p.parent)) && !locations.has(top)) return undefined;
  const own = [p, p.parent, top].flatMap((r) => (r === undefined ? [] : locations.get(r) ?? []));
  if (!own.some((l) => l.discovery !== "always")) return undefined;
  const never = new Set(own.filter((l) => l.discovery === "never").flatMap((l) => [...l.scores.keys()]));
  const exclusive = own.filter((l) => l.discovery === "exclusive");
  const only = exclusive.length === 0 ? undefined : new Set(exclusive.flatMap((l) => [...l.scores.keys()]));
  return new DiscoveryFilter(never, only);
}
