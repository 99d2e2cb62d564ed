import type { Ticket } from "../../cib/index.js";
import type { TicketDependency } from "./constraints.js";
import type { Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import type { NodeRequest } from "./onfail.js";

/** What ticket constraints mean for one resource (Pacemaker Explained, "Ticket Constraints"). */
export interface TicketEffect {
  /** It may not run at all. */
  banned: boolean;
  /** It may run but not be promoted. */
  noPromotion: boolean;
  /** loss-policy=freeze on a revoked ticket: what runs stays, nothing new starts. */
  frozen: boolean;
}

export interface TicketOutcome {
  effects: Map<Rsc, TicketEffect>;
  requests: NodeRequest[];
}

/** A ticket is usable when granted and not in standby; a revoked one triggers its loss-policy. */
export function evaluateTickets(dependencies: TicketDependency[], tickets: Ticket[], nodes: SchedNode[]): TicketOutcome {
  const state = new Map(tickets.map((t) => [t.id, t]));
  const outcome: TicketOutcome = { effects: new Map(), requests: [] };
  for (const dep of dependencies) {
    const ticket = state.get(dep.ticket);
    const granted = ticket?.granted === true;
    const usable = granted && ticket?.standby !== true;
    if (usable) continue;
    let effect = outcome.effects.get(dep.rsc);
    if (effect === undefined) outcome.effects.set(dep.rsc, (effect = { banned: false, noPromotion: false, frozen: false }));
    // For the promoted role, only loss-policy=stop takes the whole clone down; otherwise it is demoted.
    if (dep.role === "Promoted" && dep.lossPolicy !== "stop") effect.noPromotion = true;
    else if (!granted && dep.lossPolicy === "freeze") effect.frozen = true;
    else effect.banned = true;
    if (!granted && dep.lossPolicy === "fence") {
      for (const p of primitivesOf(dep.rsc)) {
        for (const active of p.active) {
          if (dep.role === "Promoted" && active.role !== "Promoted") continue;
          if (nodes.some((n) => n.name === active.node)) outcome.requests.push({ node: active.node, kind: "fence", reason: "deadman ticket was lost" });
        }
      }
    }
  }
  return outcome;
}
