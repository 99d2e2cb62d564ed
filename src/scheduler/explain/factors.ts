import type { SchedulerInput } from "../../cib/index.js";
import type { Transition } from "../core/schedule.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "../core/model.js";
import { primitivesOf } from "../core/model.js";
import { unitOf } from "../core/placement.js";
import { failureTimeoutS, isManaged, migrationThreshold, stickiness, targetRole } from "../core/meta.js";
import { formatScore, INFINITY, MINUS_INFINITY, type Score, ZERO } from "../core/score.js";
import type { Factor } from "./explain.js";

/** What moved one node's score for a placement unit, in the order the scheduler applies it. */
export function nodeFactors(input: SchedulerInput, t: Transition, unit: Rsc, members: PrimitiveRsc[], node: SchedNode): Factor[] {
  const factors: Factor[] = [];
  const ban = (text: string): void => void factors.push({ score: MINUS_INFINITY, text });
  factors.push(t.options.symmetric
    ? { score: ZERO, text: "default (symmetric cluster: every node is allowed unless banned)" }
    : { score: undefined, text: "opt-in cluster (symmetric-cluster=false): only nodes a location constraint names are allowed" });
  // An unusable node keeps its score (as crm_simulate prints it); it is just never chosen.
  const unusable = (text: string): void => void factors.push({ score: undefined, text: `${text}: it can run nothing now, whatever its score` });
  if (!node.online) unusable(node.unclean ? `${node.name} is unclean (lost without a clean shutdown; it must be fenced)` : `${node.name} is offline`);
  if (node.standby) unusable(`${node.name} is in standby`);
  if (node.maintenance) unusable(`${node.name} is in maintenance mode`);
  if (node.shutdown) unusable(`${node.name} is shutting down`);
  factors.push(...locationFactors(input, t, unit, node.name));
  for (const p of uniqueConfigs(unitMembers(unit))) factors.push(...primitiveFactors(p, node));
  factors.push(...colocationFactors(t, unit, node.name));
  if (targetRole(unit) === "Stopped" || members.some((p) => targetRole(p) === "Stopped")) ban("target-role=Stopped");
  return factors;
}

function locationFactors(input: SchedulerInput, t: Transition, unit: Rsc, node: NodeName): Factor[] {
  const subjects = new Set(unitMembers(unit).flatMap((r) => [r.configId, r.id]).concat(unit.id, unit.configId));
  const factors: Factor[] = [];
  for (const loc of t.constraints.locations) {
    if (!subjects.has(loc.rsc.configId)) continue;
    const value = loc.scores.get(node);
    if (value === undefined) continue;
    const raw = input.constraints.find((c) => c.id === loc.id);
    const rules = raw?.kind === "location" && raw.rules.length > 0 ? ` (rule ${raw.rules.map((r) => r.id).join(", ")} matched)` : "";
    const role = loc.role === undefined ? "" : ` for the ${loc.role} role`;
    const target = loc.rsc.configId === unit.configId ? "" : ` on ${loc.rsc.configId}`;
    factors.push({ score: loc.role === "Promoted" || loc.role === "Unpromoted" ? undefined : value, text: `location constraint ${loc.id}${target}${rules}${role}: ${formatScore(value)}` });
  }
  return factors;
}

/** Stickiness where it runs and the failure history on this node. */
function primitiveFactors(p: PrimitiveRsc, node: SchedNode): Factor[] {
  const factors: Factor[] = [];
  const active = p.active.find((a) => a.node === node.name);
  if (active !== undefined && !active.failed && stickiness(p) !== ZERO) {
    factors.push({ score: stickiness(p), text: `resource-stickiness of ${p.configId}: it already runs here` });
  }
  if (active?.failed === true) factors.push({ score: undefined, text: `${p.configId} failed here (its last operation returned an unexpected result)` });
  const failures = failureCount(p, node);
  if (failures.count === 0) return factors;
  const threshold = migrationThreshold(p);
  const timeout = failureTimeoutS(p);
  const expiry = timeout > 0 && failures.lastAt > 0 ? `, failures expire ${timeout}s after the last one` : "";
  const text = `fail-count of ${p.configId} here is ${formatScore(failures.count as Score)}, migration-threshold ${formatScore(threshold)}${expiry}`;
  const banned = threshold > 0 && failures.count >= threshold;
  factors.push(banned ? { score: MINUS_INFINITY, text: `${text}: banned from this node until the failures are cleaned up or expire` } : { score: undefined, text });
  return factors;
}

function failureCount(p: PrimitiveRsc, node: SchedNode): { count: number; lastAt: number } {
  let count = 0, lastAt = 0;
  for (const [name, value] of node.attributes) {
    const m = /^(fail-count|last-failure)-(.+?)(?:#.*)?$/.exec(name);
    if (m === null || (m[2] !== p.configId && m[2] !== p.id)) continue;
    if (m[1] === "last-failure") lastAt = Math.max(lastAt, Number(value) || 0);
    else count = value === "INFINITY" ? INFINITY : Math.min(INFINITY, count + (Number.parseInt(value, 10) || 0));
  }
  return { count, lastAt };
}

function colocationFactors(t: Transition, unit: Rsc, node: NodeName): Factor[] {
  const factors: Factor[] = [];
  for (const c of t.constraints.colocations) {
    if (unitOf(c.dependent) !== unit || unitOf(c.primary) === unit) continue;
    const where = new Set(primitivesOf(c.primary).flatMap((p) => (p.assigned === undefined ? [] : [p.assigned])));
    const role = c.primaryRole === undefined ? "" : ` (its ${c.primaryRole} role)`;
    const name = `colocation ${c.id} with ${c.primary.configId}${role}, score ${formatScore(c.score)}`;
    if (where.has(node)) factors.push({ score: c.score >= INFINITY ? undefined : c.score, text: `${name}: ${c.primary.configId} is placed here` });
    else if (c.score >= INFINITY) factors.push({ score: MINUS_INFINITY, text: `${name}: ${c.primary.configId} is ${where.size === 0 ? "not placed anywhere" : "placed elsewhere"}` });
    else if (c.score <= MINUS_INFINITY && where.size > 0) factors.push({ score: undefined, text: `${name}: must stay away from ${[...where].join(", ")}` });
  }
  return factors;
}

/** Resource-wide facts: management, quorum, blocked starts, resources that follow it. */
export function resourceNotes(input: SchedulerInput, t: Transition, rsc: Rsc, unit: Rsc): string[] {
  const notes: string[] = [];
  if (unit !== rsc) notes.push(`${rsc.configId} is placed as part of ${unit.kind} ${unit.configId}: the scores below are ${unit.configId}'s`);
  if (t.options.maintenanceMode) notes.push("maintenance-mode is on: the cluster neither starts nor stops anything");
  else if (primitivesOf(rsc).some((p) => !isManaged(p))) notes.push("the resource is unmanaged (is-managed=false or maintenance=true): the cluster leaves it as it is");
  if (targetRole(rsc) !== undefined) notes.push(`target-role=${targetRole(rsc)}`);
  if (!input.haveQuorum) notes.push(`the cluster has no quorum; no-quorum-policy=${t.options.noQuorumPolicy}${t.options.noQuorumPolicy === "ignore" ? " lets it carry on" : ""}`);
  if (primitivesOf(rsc).some((p) => p.blocked)) notes.push("a failure blocked it (on-fail=block or a stop failed without fencing): manual cleanup needed");
  for (const c of t.constraints.colocations) {
    if (unitOf(c.primary) === unit && unitOf(c.dependent) !== unit) notes.push(`${c.dependent.configId} is colocated with it (${c.id}, score ${formatScore(c.score)}), so its preferences count too`);
  }
  notes.push(...utilizationNotes(t, rsc), ...promotionNotes(unit));
  return notes;
}

function utilizationNotes(t: Transition, rsc: Rsc): string[] {
  if (t.options.placementStrategy === "default") return [];
  const needs = uniqueConfigs(primitivesOf(rsc)).flatMap((p) => p.config.utilization.flatMap((set) => set.pairs.map(([k, v]) => `${k}=${v}`)));
  if (needs.length === 0) return [];
  const capacity = t.nodes.map((n) => `${n.name} ${[...n.utilization].map(([k, v]) => `${k}=${v}`).join(" ") || "nothing"}`);
  return [`placement-strategy=${t.options.placementStrategy}: it needs ${needs.join(" ")}; capacity: ${capacity.join("; ")}`];
}

/** Where a promotable clone's instances may be promoted, and how many may be. */
function promotionNotes(unit: Rsc): string[] {
  if (unit.kind !== "clone" || !unit.promotable) return [];
  const best = new Map<NodeName, Score>();
  for (const p of primitivesOf(unit)) {
    for (const [node, score] of p.promotionScore) if (score > (best.get(node) ?? MINUS_INFINITY)) best.set(node, score);
  }
  const scores = [...best].sort(([, a], [, b]) => b - a).map(([node, score]) => `${node} ${formatScore(score)}`);
  return [`promotable: at most ${unit.promotedMax} promoted (${unit.promotedNodeMax} per node); promotion scores: ${scores.join(", ") || "none yet"}`];
}

function unitMembers(unit: Rsc): Rsc[] {
  if (unit.kind === "group") return [unit, ...unit.children];
  if (unit.kind === "clone") return [unit, ...unit.instances.flatMap((i) => (i.kind === "group" ? [i, ...i.children] : [i]))];
  return [unit];
}

function uniqueConfigs(rscs: Rsc[]): PrimitiveRsc[] {
  const seen = new Set<string>();
  return rscs.flatMap(primitivesOf).filter((p) => !seen.has(p.id) && (seen.add(p.id), true));
}
