import type { Ordering } from "./constraints.js";
import type { PrimitiveRsc } from "./model.js";
import type { GraphBuilder } from "./graph.js";

/** The index key of a migration's first action (migrate_to, or migrate_from when half done). */
const BEGIN = "migrate-begin";

/**
 * A live migration in the graph (Pacemaker Explained, "Migrating Resources"):
 * migrate_to on the source (already done in a partial migration), migrate_from on the
 * target, then the stop on the source; the start is a pseudo-action that completes
 * when both are done, so what waits for the resource's start waits for all of it.
 */
export function migrationActions(g: GraphBuilder, p: PrimitiveRsc, source: string, target: string): void {
  // The agent learns both nodes from CRM_meta_migrate_source / _target.
  const meta = { migrate_source: source, migrate_target: target };
  const partial = p.migration?.partial?.target === target;
  const to = partial ? undefined : g.op(p, "migrate_to", source);
  if (to !== undefined) g.actions[to]!.meta = meta;
  const from = g.op(p, "migrate_from", target);
  g.actions[from]!.meta = meta;
  const stop = g.op(p, "stop", source);
  const start = g.add(p.id, "start", target, 0, g.timeoutOf(p, "start"), true);
  g.edge(to, from);
  g.edge(from, stop);
  g.edge(from, start);
  g.edge(stop, start);
  g.alias(p.id, BEGIN, to ?? from);
}

/** What must come before a resource starts (its probes) comes before its migration too. */
export function beforeMigration(g: GraphBuilder, rsc: string, before: number): void {
  g.edge(before, g.find(rsc, BEGIN));
}

/**
 * Ordering constraints with a migrating "then": its migration waits for what its start
 * or stop would wait for. "first start then start" puts the migration after first's
 * start (after first's migrate_from when first migrates too); "first stop then stop"
 * after first's stop when first does not migrate (a partial migration's migrate_from as
 * well); promote before start and demote before stop likewise.
 */
export function orderMigration(g: GraphBuilder, o: Ordering, first: number | undefined): void {
  if (o.then.kind !== "primitive" || o.then === o.first) return;
  const then = o.then;
  const begin = g.find(then.id, BEGIN);
  if (begin === undefined) return;
  const migrateTo = g.find(then.id, "migrate_to");
  const firstMigrates = o.first.kind === "primitive" && g.find(o.first.id, "migrate_from") !== undefined;
  const pair = `${o.firstAction} ${o.thenAction}`;
  if (pair === "start start") {
    g.edge(firstMigrates ? g.find(o.first.id, "migrate_from") : first, migrateTo);
  } else if ((pair === "stop stop" && !firstMigrates) || pair === "demote stop") {
    g.edge(first, migrateTo);
    if (migrateTo === undefined) g.edge(first, begin);
  } else if (pair === "promote start") {
    g.edge(first, migrateTo);
  }
}
