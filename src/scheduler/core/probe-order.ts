import type { Ordering } from "./constraints.js";
import { primitivesOf } from "./model.js";
import type { GraphBuilder } from "./graph.js";
import type { ProbeIndex } from "./probes.js";

/**
 * Resource Discovery before a stop: when "first" stops (or migrates away) in this
 * transition, the probes of what is ordered after it run first, so that a copy of
 * "then" found running is known before what it depends on goes away.
 */
export function probesBeforeStops(g: GraphBuilder, orderings: readonly Ordering[], probes: ProbeIndex): void {
  if (probes.size === 0) return;
  for (const o of orderings) {
    if (o.firstAction !== "start" || o.thenAction !== "start" || o.first.kind !== "primitive") continue;
    const leaving = [g.find(o.first.id, "stop"), g.find(o.first.id, "migrate_to")].filter((id) => id !== undefined);
    if (leaving.length === 0) continue;
    for (const p of primitivesOf(o.then)) {
      for (const probe of probes.get(p.id) ?? []) for (const id of leaving) g.edge(probe, id);
    }
  }
}
