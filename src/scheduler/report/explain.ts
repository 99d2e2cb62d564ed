import type { Transition } from "../core/schedule.js";
import type { NodeName, PrimitiveRsc, Rsc } from "../core/model.js";
import { primitivesOf } from "../core/model.js";
import { unitOf, nodeUsable } from "../core/placement.js";
import { failCount } from "../core/status.js";
import { failureTimeoutS, isManaged, migrationThreshold, stickiness, targetRole } from "../core/meta.js";
import { formatScore, type Score } from "../core/score.js";

/** Plain-language reasons why a resource is (or is not) where it is. */
export function explainResource(t: Transition, id: string): string[] | undefined {
  const rsc = findResource(t.resources, id);
  if (rsc === undefined) return undefined;
  const unit = unitOf(rsc);
  const members = primitivesOf(rsc);
  const lines = [headline(rsc, members, t)];
  const scores = t.scores.get(unit.id);
  if (scores !== undefined) {
    lines.push("", `Allocation scores${unit !== rsc ? ` (decided for ${unit.id}, which ${rsc.id} belongs to)` : ""}:`);
    const chosen = new Set(members.map((p) => p.assigned).filter((n): n is string => n !== undefined));
    for (const [node, value] of [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      lines.push(`  ${node.padEnd(20)} ${formatScore(value).padStart(10)}${chosen.has(node) ? "   <- chosen" : ""}`);
    }
    lines.push("  (the highest score of at least 0 wins; a tie goes to the current node, then the less loaded node, then the name)");
  }
  lines.push("", "Why:", ...reasons(rsc, unit, members, t).map((r) => `  * ${r}`));
  return lines;
}

function findResource(resources: Rsc[], id: string): Rsc | undefined {
  for (const top of resources) {
    if (top.id === id || top.configId === id) return top;
    const inner: Rsc[] = top.kind === "group" ? top.children : top.kind === "clone" ? top.instances.flatMap((i) => (i.kind === "group" ? [i, ...i.children] : [i])) : [];
    const found = inner.find((r) => r.id === id);
    if (found !== undefined) return found;
  }
  return undefined;
}

function headline(rsc: Rsc, members: PrimitiveRsc[], t: Transition): string {
  const now = [...new Set(members.flatMap((p) => p.active.map((a) => `${a.role}${a.failed ? " (FAILED)" : ""} on ${a.node}`)))];
  const next = [...new Set(members.map((p) => (p.assigned === undefined ? "Stopped" : `${p.nextRole} on ${p.assigned}`)))];
  const change = t.changes.filter((c) => members.includes(c.rsc)).map((c) => `${c.verb} ${c.rsc.id}${c.reason ? ` (${c.reason})` : ""}`);
  return `${rsc.id} is ${now.length ? now.join(", ") : "Stopped"}; after this transition: ${next.join(", ")}.` +
    (change.length ? ` Planned: ${change.join("; ")}.` : " Nothing to do.");
}

function reasons(rsc: Rsc, unit: Rsc, members: PrimitiveRsc[], t: Transition): string[] {
  const out: string[] = [];
  if (!t.options.symmetric) out.push("symmetric-cluster=false: it may run only where a location constraint allows it");
  for (const r of [rsc, unit]) if (targetRole(r) === "Stopped") out.push(`${r.id} has target-role=Stopped`);
  if (!isManaged(rsc)) out.push(`${rsc.id} is not managed (is-managed=false or maintenance): the cluster leaves it as it is`);
  for (const loc of t.constraints.locations) {
    if (loc.rsc !== rsc && loc.rsc !== unit && !members.some((p) => p.configId === loc.rsc.configId)) continue;
    for (const [node, value] of loc.scores) out.push(`location constraint "${loc.id}"${loc.role ? ` (role ${loc.role})` : ""} gives ${node} ${signed(value)}`);
  }
  for (const c of t.constraints.colocations) {
    if (c.dependent === rsc || c.dependent === unit) out.push(`colocation "${c.id}" (${formatScore(c.score)}) places it with ${c.primary.id}${c.primaryRole ? ` in role ${c.primaryRole}` : ""}${where(c.primary)}`);
    else if (c.primary === rsc || c.primary === unit) out.push(`colocation "${c.id}" (${formatScore(c.score)}): ${c.dependent.id} wants to be with it, adding its preferences`);
  }
  for (const p of members) {
    const sticky = stickiness(p);
    for (const a of p.active) if (sticky !== 0 && !a.failed) out.push(`resource-stickiness ${formatScore(sticky)} favours ${a.node}, where ${p.id} runs`);
    for (const node of t.nodes) {
      const count = failCount(t.failures, p, node.name, failureTimeoutS(p), t.now);
      if (count > 0) out.push(`${p.id} has failed ${formatScore(count)} time(s) on ${node.name} (migration-threshold ${formatScore(migrationThreshold(p))})${count >= migrationThreshold(p) ? ": banned from " + node.name : ""}`);
    }
    for (const a of p.active) if (a.failed) out.push(`${p.id} failed on ${a.node}: it is recovered (stopped, then started)`);
  }
  for (const node of t.nodes) if (!nodeUsable(node)) out.push(`node ${node.name} cannot run resources (${nodeState(node)})`);
  for (const f of t.fences) out.push(`node ${f.node} will be fenced: ${f.reason}`);
  return out.length > 0 ? out : ["no constraint, stickiness or failure concerns it: it goes to the least loaded node"];
}

function signed(value: Score): string {
  return value > 0 ? `+${formatScore(value)}` : formatScore(value);
}

function where(primary: Rsc): string {
  const nodes = [...new Set(primitivesOf(primary).map((p) => p.assigned).filter((n): n is NodeName => n !== undefined))];
  return nodes.length ? ` (placed on ${nodes.join(", ")})` : " (which is not placed anywhere)";
}

function nodeState(node: Transition["nodes"][number]): string {
  if (node.unclean) return "unclean";
  if (!node.online) return "offline";
  if (node.standby) return "standby";
  if (node.maintenance) return "maintenance";
  return "shutting down";
}
