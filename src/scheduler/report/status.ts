import type { Transition } from "../core/schedule.js";
import type { PrimitiveRsc } from "../core/model.js";
import { primitivesOf } from "../core/model.js";

/** A crm_mon-style view of the input state (best effort; not scored). */
export function formatStatus(t: Transition): string[] {
  const online = t.nodes.filter((n) => n.online && !n.standby).map((n) => n.name);
  const standby = t.nodes.filter((n) => n.online && n.standby).map((n) => n.name);
  const offline = t.nodes.filter((n) => !n.online && !n.unclean).map((n) => n.name);
  const unclean = t.nodes.filter((n) => n.unclean);
  const lines = ["  * Node List:"];
  for (const n of unclean) lines.push(`    * Node ${n.name}: UNCLEAN (offline)`);
  for (const n of standby) lines.push(`    * Node ${n}: standby`);
  if (online.length > 0) lines.push(`    * Online: [ ${online.join(" ")} ]`);
  if (offline.length > 0) lines.push(`    * OFFLINE: [ ${offline.join(" ")} ]`);
  lines.push("", "  * Full List of Resources:");
  for (const top of t.resources) for (const p of primitivesOf(top)) lines.push(`    * ${p.id}\t(${agentOf(p)}):\t ${stateOf(p)}`);
  return lines;
}

function agentOf(p: PrimitiveRsc): string {
  const c = p.config;
  return c.provider === undefined ? `${c.class}:${c.type}` : `${c.class}:${c.provider}:${c.type}`;
}

function stateOf(p: PrimitiveRsc): string {
  if (p.active.length === 0) return "Stopped";
  return p.active.map((a) => `${a.failed ? "FAILED " : ""}${a.role} ${a.node}`).join(", ");
}
