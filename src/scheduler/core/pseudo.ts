import type { Change } from "./changes.js";
import type { CloneRsc, GroupRsc, PrimitiveRsc } from "./model.js";
import type { GraphBuilder } from "./graph.js";

/** What a collective's action is called when it opens, and when it completes. */
const PHASES: Array<[operation: string, done: string]> = [["stop", "stopped"], ["demote", "demoted"], ["start", "running"], ["promote", "promoted"]];

/** The pseudo-action an ordering uses: "then" waits for the opening one, "first" is done at its completion. */
export function collectiveKey(action: string, side: "first" | "then"): string {
  const phase = PHASES.find(([operation]) => operation === action) ?? PHASES[2]!;
  return side === "first" ? phase[1] : phase[0];
}

/**
 * Groups and clones (Pacemaker Explained, "Groups", "Clones"): each phase of their
 * members' actions is framed by pseudo-actions (g_start_0 ... g_running_0, and stop,
 * demote, promote alike), stops finish before starts, and group members start in
 * order and stop in reverse order.
 */
export function addCollectiveActions(g: GraphBuilder, changes: Change[]): void {
  const groups = new Set<GroupRsc>();
  const collectives = new Set<GroupRsc | CloneRsc>();
  const joined = new Set<number>();
  const framed = new Set<PrimitiveRsc>();
  for (const change of changes) {
    const p = change.rsc;
    if (change.blocked) {
      // A clone instance's blocked stop has no action, but the clone's stop phase still runs (crm_simulate).
      const clone = p.parent?.kind === "clone" ? p.parent : p.parent?.parent;
      if (clone !== undefined && change.verb === "Stop") {
        pseudo(g, clone.id, "stop");
        pseudo(g, clone.id, "stopped");
        collectives.add(clone);
      }
      continue;
    }
    // A resource stopping on several nodes has a line per node: its actions are framed once.
    if (framed.has(p)) continue;
    framed.add(p);
    if (p.parent?.kind === "group") groups.add(p.parent);
    if (p.parent === undefined) continue;
    collectives.add(p.parent);
    if (p.parent.parent !== undefined) collectives.add(p.parent.parent);
    for (const [operation, done] of PHASES) {
      const own = g.find(p.id, operation);
      if (own === undefined || g.actions[own]!.intervalMs !== 0) continue;
      frame(g, p, operation, done, own, joined);
    }
  }
  for (const group of groups) orderMembers(g, group);
  for (const c of collectives) {
    closePhases(g, c);
    g.edge(g.find(c.id, "stopped"), g.find(c.id, "start"));
    if (c.kind === "clone") orderClonePhases(g, c.id);
  }
}

/**
 * Wraps one member action in the pseudo-actions of each collective it belongs to, innermost
 * first. A cloned group's own pseudo-actions are joined to the clone's once (`joined`), not
 * once per member.
 */
function frame(g: GraphBuilder, p: PrimitiveRsc, operation: string, done: string, own: number, joined: Set<number>): void {
  let opening = own, completion = own;
  for (let collective: GroupRsc | CloneRsc | undefined = p.parent; collective !== undefined; collective = collective.parent) {
    const open = pseudo(g, collective.id, operation);
    const close = pseudo(g, collective.id, done);
    if (opening === own || !joined.has(opening)) {
      g.edge(open, opening);
      g.edge(completion, close);
      joined.add(opening);
    }
    opening = open;
    completion = close;
  }
}

function pseudo(g: GraphBuilder, id: string, operation: string): number {
  return g.find(id, operation) ?? g.add(id, operation, "", 0, 0, true);
}

/**
 * A collective's phase completes after it opens, even when no member action lies between
 * (a clone's promotion excepted: its promoted pseudo-action waits for the promotes alone).
 */
function closePhases(g: GraphBuilder, c: GroupRsc | CloneRsc): void {
  for (const [operation, done] of PHASES) {
    if (c.kind === "clone" && operation === "promote") continue;
    g.edge(g.find(c.id, operation), g.find(c.id, done));
  }
}

/** A clone's phases run one after another: demote, stop, start, promote (each waits for every earlier one). */
function orderClonePhases(g: GraphBuilder, id: string): void {
  const order = [["demoted", "demote"], ["stopped", "stop"], ["running", "start"], ["promoted", "promote"]];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      if (i === 1 && j === 2) continue; // stopped → start is every collective's, above
      g.edge(g.find(id, order[i]![0]!), g.find(id, order[j]![1]!));
    }
  }
}

function orderMembers(g: GraphBuilder, group: GroupRsc): void {
  for (let i = 1; i < group.children.length; i++) {
    const before = group.children[i - 1]!.id, after = group.children[i]!.id;
    g.edge(g.find(before, "start"), g.find(after, "start"));
    g.edge(g.find(after, "stop"), g.find(before, "stop"));
  }
}
