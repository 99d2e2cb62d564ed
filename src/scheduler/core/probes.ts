import type { Location } from "./constraints.js";
import type { CloneRsc, NodeName, PrimitiveRsc, Rsc } from "./model.js";
import { primitivesOf } from "./model.js";
import type { GraphBuilder, GraphInputs } from "./graph.js";

/**
 * Probes (Pacemaker Explained, "Resource Discovery"): a one-time monitor (interval 0)
 * of each resource on every online node where its state is not known yet, before the
 * resource starts anywhere. resource-discovery=never skips the nodes its location
 * names; exclusive limits probing to the nodes exclusive locations name. An anonymous
 * clone is probed once per node. Nothing is probed in maintenance mode or on a node
 * in maintenance; remote nodes are probed by their connection host later (not here).
 */
export function addProbes(g: GraphBuilder, inputs: GraphInputs): void {
  if (inputs.maintenance) return;
  const nodes = inputs.nodes.filter((n) => n.online && !n.unclean && !n.maintenance && n.attributes.get("#kind") === "cluster");
  if (nodes.length === 0) return;
  const locations = new Map<Rsc, Location[]>();
  for (const l of inputs.constraints.locations) locations.set(l.rsc, [...(locations.get(l.rsc) ?? []), l]);
  for (const top of inputs.resources) {
    // An anonymous clone's probes come before the clone starts anything.
    const cloneStart = top.kind === "clone" && !top.globallyUnique ? g.find(top.id, "start") : undefined;
    for (const p of probeSubjects(top)) {
      const allowed = discoveryFilter(p, top, locations);
      const timeoutMs = g.timeoutOf(p, "monitor");
      const start = cloneStart ?? g.find(p.id, "start");
      for (const node of nodes) {
        if (!needsProbe(p, top, node.name) || (allowed !== undefined && !allowed(node.name))) continue;
        const subject = top.kind === "clone" && !top.globallyUnique ? instanceFor(top, p, node.name) : p;
        g.edge(g.probe(subject.id, node.name, timeoutMs), start);
      }
    }
  }
}

/** Every primitive, but one instance per anonymous clone (the instances share their history). */
function probeSubjects(top: Rsc): PrimitiveRsc[] {
  if (top.kind !== "clone" || top.globallyUnique) return primitivesOf(top);
  const first = top.instances[0];
  return first === undefined ? [] : primitivesOf(first);
}

/** The anonymous instance a node's probe is named after: the one placed there, else the first free one. */
function instanceFor(clone: CloneRsc, member: PrimitiveRsc, node: NodeName): PrimitiveRsc {
  const members = clone.instances.map((i) => primitivesOf(i).find((m) => m.configId === member.configId) ?? member);
  return members.find((m) => m.assigned === node) ?? members.find((m) => m.assigned === undefined && m.active.length === 0) ?? member;
}

function needsProbe(p: PrimitiveRsc, top: Rsc, node: NodeName): boolean {
  if (top.kind !== "clone" || top.globallyUnique) return !p.probedOn.has(node);
  // Any instance's history on the node tells the state of the clone there.
  return !top.instances.some((i) => primitivesOf(i).some((m) => m.configId === p.configId && m.probedOn.has(node)));
}

function discoveryFilter(p: PrimitiveRsc, top: Rsc, locations: Map<Rsc, Location[]>): ((node: NodeName) => boolean) | undefined {
  const own = [p, p.parent, top].flatMap((r) => (r === undefined ? [] : locations.get(r) ?? []));
  if (!own.some((l) => l.discovery !== "always")) return undefined;
  const never = new Set(own.filter((l) => l.discovery === "never").flatMap((l) => [...l.scores.keys()]));
  const exclusive = own.filter((l) => l.discovery === "exclusive");
  const only = exclusive.length === 0 ? undefined : new Set(exclusive.flatMap((l) => [...l.scores.keys()]));
  return (node) => !never.has(node) && (only === undefined || only.has(node));
}

