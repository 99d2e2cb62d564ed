import type { Transition } from "../core/schedule.js";
import type { Rsc } from "../core/model.js";
import { formatScore } from "../core/score.js";
import { unitOf } from "../core/placement.js";

/** The prefix crm_simulate 2.1.5 prints, named after the step that assigned the scores. */
const STEP: Record<Rsc["kind"], string> = {
  primitive: "pcmk__primitive_assign",
  group: "pcmk__group_assign",
  clone: "pcmk__clone_allocate",
};

/** Allocation scores, one line per placement unit and node, like crm_simulate --show-scores. */
export function formatScores(t: Transition): string[] {
  const kinds = new Map(t.resources.map((r) => [r.id, r.kind] as const));
  const allowed = t.options.symmetric ? undefined : allowedNodes(t);
  const lines: string[] = [];
  for (const [rsc, scores] of t.scores) {
    const step = STEP[kinds.get(rsc) ?? "primitive"];
    for (const [node, value] of [...scores].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (allowed !== undefined && !allowed.get(rsc)?.has(node)) continue;
      lines.push(`${step}: ${rsc} allocation score on ${node}: ${formatScore(value)}`);
    }
  }
  return [...lines, ...promotionLines(t)];
}

/** crm_simulate's "s:0 promotion score on n2: 10": each placed instance of a promotable clone. */
function promotionLines(t: Transition): string[] {
  const lines: string[] = [];
  for (const rsc of t.resources) {
    if (rsc.kind !== "clone" || !rsc.promotable) continue;
    for (const instance of rsc.instances) {
      if (instance.kind !== "primitive" || instance.assigned === undefined) continue;
      const score = instance.promotionScore.get(instance.assigned);
      if (score !== undefined) lines.push(`${instance.id} promotion score on ${instance.assigned}: ${formatScore(score)}`);
    }
  }
  return lines;
}

/**
 * In an opt-in cluster Pacemaker lists only the nodes a resource may consider: those
 * a location constraint on it (or on one of its members) names.
 */
function allowedNodes(t: Transition): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  for (const loc of t.constraints.locations) {
    const unit = unitOf(loc.rsc).id;
    const nodes = allowed.get(unit) ?? new Set<string>();
    for (const node of loc.scores.keys()) nodes.add(node);
    allowed.set(unit, nodes);
  }
  return allowed;
}
