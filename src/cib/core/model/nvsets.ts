import { evaluateRule, type RuleContext } from "../rules/evaluate.js";
import type { NvSet } from "./types.js";

export interface ResolveOptions {
  /** Evaluate rules against this context; without one, sets that have a rule are skipped. */
  context?: RuleContext;
  /** A set id that always comes first whatever its score (Pacemaker: "cib-bootstrap-options"). */
  firstId?: string;
}

/**
 * Merges name/value sets the way Pacemaker (2.1) does: sets sorted by score,
 * highest first, and among equal scores the later set first (observed with
 * crm_resource; a differential test keeps us honest); a set whose rule is
 * false is skipped; the first value seen for a name wins.
 */
export function resolveNvSets(sets: readonly NvSet[], options: ResolveOptions = {}): Map<string, string> {
  const ordered = sets
    .map((set, index) => ({ set, index }))
    .sort((a, b) => rank(b.set, options) - rank(a.set, options) || b.index - a.index);
  const values = new Map<string, string>();
  for (const { set } of ordered) {
    if (set.rule && !(options.context && evaluateRule(set.rule, options.context))) continue;
    for (const pair of set.pairs) {
      if (pair.value !== undefined && !values.has(pair.name)) values.set(pair.name, pair.value);
    }
  }
  return values;
}

function rank(set: NvSet, options: ResolveOptions): number {
  return set.id === options.firstId ? Number.MAX_SAFE_INTEGER : set.score;
}

/** The value of one name from sets without rules (static configuration), or undefined. */
export function staticValue(sets: readonly NvSet[], name: string): string | undefined {
  return resolveNvSets(sets).get(name);
}
