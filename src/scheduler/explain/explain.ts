import type { SchedulerInput } from "../../cib/index.js";
import type { Transition } from "../core/schedule.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "../core/model.js";
import { primitivesOf, topOf } from "../core/model.js";
import { nodeUsable, unitOf } from "../core/placement.js";
import { addScores, formatScore, MINUS_INFINITY, type Score, ZERO } from "../core/score.js";
import { nodeFactors, resourceNotes } from "./factors.js";

/** One thing that moved a node's score, in words; `score` is its contribution when it has one. */
export interface Factor {
  score: Score | undefined;
  text: string;
}

export interface NodeVerdict {
  node: NodeName;
  /** The scheduler's final allocation score for the placement unit on this node. */
  score: Score | undefined;
  /** Whether the node may be chosen: a score above -INFINITY on a node that can host resources now. */
  allowed: boolean;
  chosen: boolean;
  factors: Factor[];
}

/** Why a resource is (or is not) where it is: read from the scheduler's own outputs. */
export interface Explanation {
  resource: string;
  kind: Rsc["kind"];
  agent: string | undefined;
  /** The resource placement decides for (a group member places with its group, a clone instance with its clone). */
  unit: string;
  running: Array<{ instance: string; node: NodeName; role: string; failed: boolean }>;
  planned: Array<{ instance: string; verb: string; from: NodeName | undefined; to: NodeName | undefined; reason: string | undefined; blocked: boolean }>;
  nodes: NodeVerdict[];
  notes: string[];
}

/** Explains `id` (a primitive, group or clone id, or a clone instance like "rsc:1"); undefined when unknown. */
export function explain(input: SchedulerInput, t: Transition, id: string): Explanation | undefined {
  const rsc = findRsc(t.resources, id);
  if (rsc === undefined) return undefined;
  const unit = unitOf(rsc);
  const members = primitivesOf(rsc);
  const chosen = new Set(members.flatMap((p) => (p.assigned === undefined ? [] : [p.assigned])));
  const final = t.scores.get(unit.id);
  const nodes = t.nodes.map((node) => verdict(input, t, unit, members, node, final?.get(node.name), chosen.has(node.name)));
  nodes.sort((a, b) => Number(b.chosen) - Number(a.chosen) || Number(b.allowed) - Number(a.allowed) || (b.score ?? MINUS_INFINITY) - (a.score ?? MINUS_INFINITY) || (a.node < b.node ? -1 : 1));
  const first = members[0];
  return {
    resource: rsc.id,
    kind: rsc.kind,
    agent: first === undefined || rsc.kind !== "primitive" ? undefined : agentName(first),
    unit: unit.id,
    running: members.flatMap((p) => p.active.map((a) => ({ instance: p.id, node: a.node, role: a.role, failed: a.failed }))),
    planned: t.changes.filter((c) => members.includes(c.rsc)).map((c) => ({
      instance: c.rsc.id, verb: c.verb, from: c.from?.node, to: c.to?.node, reason: c.reason, blocked: c.blocked,
    })),
    nodes,
    notes: resourceNotes(input, t, rsc, unit),
  };
}

function verdict(input: SchedulerInput, t: Transition, unit: Rsc, members: PrimitiveRsc[], node: SchedNode, score: Score | undefined, chosen: boolean): NodeVerdict {
  const factors = nodeFactors(input, t, unit, members, node);
  const summed = factors.reduce<Score>((sum, f) => (f.score === undefined ? sum : addScores(sum, f.score)), ZERO);
  if (score !== undefined && summed !== score && !factors.some((f) => f.score === MINUS_INFINITY)) {
    const rest = score - summed;
    factors.push({ score: undefined, text: `${rest > 0 ? "+" : ""}${formatScore(rest as Score)} from resources colocated with it, clone instance spreading or tie-breaks` });
  }
  const allowed = score !== undefined && score > MINUS_INFINITY && nodeUsable(node);
  return { node: node.name, score, allowed, chosen, factors };
}

function findRsc(resources: Rsc[], id: string): Rsc | undefined {
  for (const top of resources) {
    if (top.id === id || top.configId === id) return top;
    const inner: Rsc[] = top.kind === "group" ? top.children : top.kind === "clone" ? top.instances.flatMap((i) => (i.kind === "group" ? [i, ...i.children] : [i])) : [];
    const exact = inner.find((r) => r.id === id) ?? inner.find((r) => r.configId === id);
    if (exact !== undefined) return exact.parent?.kind === "clone" && exact.id !== id ? topOf(exact) : exact;
  }
  return undefined;
}

export function agentName(p: PrimitiveRsc): string {
  return `${p.config.class}${p.config.provider === undefined ? "" : `:${p.config.provider}`}:${p.config.type}`;
}

