import type { Transition } from "../core/schedule.js";
import { formatScore } from "../core/score.js";

/** Allocation scores, one line per resource and node, like crm_simulate --show-scores. */
export function formatScores(t: Transition): string[] {
  const lines: string[] = [];
  for (const [rsc, scores] of t.scores) {
    for (const [node, value] of [...scores].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`allocation score: ${rsc} allocation score on ${node}: ${formatScore(value)}`);
    }
  }
  return lines;
}
