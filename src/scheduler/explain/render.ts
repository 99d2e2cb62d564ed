import { formatScore, MINUS_INFINITY, ZERO } from "../core/score.js";
import type { Explanation } from "./explain.js";

/** The explanation as plain sentences and a per-node score breakdown. */
export function renderExplanation(e: Explanation): string {
  const lines: string[] = [];
  const what = e.agent === undefined ? `${e.kind} ${e.resource}` : `${e.resource} (${e.agent})`;
  if (e.running.length === 0) lines.push(`${what} is not running anywhere.`);
  for (const r of e.running) lines.push(`${r.instance === e.resource ? what : r.instance} is ${r.failed ? "FAILED" : r.role} on ${r.node}.`);
  if (e.planned.length === 0) lines.push("Plan: nothing to do, it stays as it is.");
  for (const p of e.planned) lines.push(`Plan: ${planText(p)}`);
  lines.push(verdict(e));
  if (e.notes.length > 0) lines.push("", "Why:", ...e.notes.map((n) => `  - ${n}`));
  lines.push("", `Node scores for ${e.unit} (the highest allowed node wins; -INFINITY means never):`);
  for (const v of e.nodes) {
    lines.push(`  ${v.node}: ${v.score === undefined ? "not scored" : formatScore(v.score)}${v.chosen ? "  <- chosen" : ""}`);
    for (const f of v.factors) lines.push(`      ${f.score === undefined ? "" : `${signed(f.score)}  `}${f.text}`);
  }
  return lines.join("\n") + "\n";
}

/** One sentence on the outcome: the winning node against the runner-up, or why no node is allowed. */
function verdict(e: Explanation): string {
  const chosen = e.nodes.filter((v) => v.chosen);
  const allowed = e.nodes.filter((v) => v.allowed);
  if (chosen.length === 0) {
    if (allowed.length > 0) return "Decision: nodes are allowed, but it is not placed (it is stopped on purpose, or something it needs cannot run).";
    return e.nodes.every((v) => v.score === undefined || v.score <= MINUS_INFINITY)
      ? "Decision: no node is allowed (every node scores -INFINITY), so it cannot run."
      : "Decision: no node is allowed (the nodes it scores above -INFINITY can run nothing now), so it cannot run.";
  }
  const others = allowed.filter((v) => !v.chosen);
  const best = chosen.map((v) => `${v.node} (${formatScore(v.score ?? ZERO)})`).join(", ");
  if (others.length === 0) return `Decision: ${best}: the only node${chosen.length > 1 ? "s" : ""} allowed.`;
  const next = others[0]!;
  const top = chosen[0]!;
  if (chosen.length === 1 && next.score === top.score) {
    return `Decision: ${best}, tied with ${next.node}: on equal scores the scheduler spreads resources (the node with fewer resources so far wins, then node order).`;
  }
  return `Decision: ${best}, ahead of ${next.node} (${formatScore(next.score ?? ZERO)}).`;
}

function planText(p: Explanation["planned"][number]): string {
  const where = p.from !== undefined && p.to !== undefined && p.from !== p.to ? `${p.from} -> ${p.to}` : (p.to ?? p.from ?? "");
  const reason = p.reason === undefined ? "" : ` ${p.reason}`;
  return `${p.verb} ${p.instance} (${where})${reason}${p.blocked ? " -- blocked, it cannot happen now" : ""}`;
}

function signed(score: number): string {
  const text = formatScore(score as Parameters<typeof formatScore>[0]);
  return score > 0 ? `+${text}` : text;
}
