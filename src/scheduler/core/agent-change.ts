import type { LrmResource } from "../../cib/index.js";
import type { GraphBuilder } from "./graph.js";
import type { NodeName, PrimitiveRsc } from "./model.js";

/**
 * A history recorded under another agent (class, provider or type) than the one
 * configured now: what runs there was started by the old agent. It restarts with
 * the new one (crm_simulate gives no reason), its old history deleted.
 */
export function agentChanged(p: PrimitiveRsc, lrm: LrmResource): boolean {
  if (p.config.implicit === true) return false;
  const differs = (recorded: string | undefined, configured: string | undefined): boolean => recorded !== undefined && recorded !== (configured ?? "");
  return differs(lrm.class, p.config.class) || differs(lrm.type, p.config.type) || (lrm.class === "ocf" && differs(lrm.provider, p.config.provider));
}

/** Resources running somewhere under an agent that changed since. */
export function agentRestarts(changedOn: Map<PrimitiveRsc, Set<NodeName>>): Set<PrimitiveRsc> {
  const restarting = new Set<PrimitiveRsc>();
  for (const [p, nodes] of changedOn) if (p.active.some((a) => nodes.has(a.node))) restarting.add(p);
  return restarting;
}

/**
 * The old agent's history is deleted on every node that has one, after the
 * resource stops and before it starts again under the new agent.
 */
export function addAgentHistoryDeletes(g: GraphBuilder, changedOn: ReadonlyMap<PrimitiveRsc, ReadonlySet<NodeName>>): void {
  for (const [p, nodes] of changedOn) {
    const stop = g.find(p.id, "stop"), start = g.find(p.id, "start");
    for (const node of nodes) {
      const deletion = g.add(p.id, "delete", node);
      g.edge(stop, deletion);
      g.edge(deletion, start);
    }
  }
}
