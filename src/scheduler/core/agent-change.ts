import type { LrmResource } from "../../cib/index.js";
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
