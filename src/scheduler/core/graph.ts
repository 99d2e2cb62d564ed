import type { Change } from "./changes.js";
import type { Constraints } from "./constraints.js";
import type { PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import type { FenceLine } from "./summary.js";
import { parseIntervalMs } from "./rules.js";
import { addProbes } from "./probes.js";
import { addRecurringMonitors } from "./monitors.js";
import { addCollectiveActions, collectiveKey } from "./pseudo.js";
import { migrationActions, orderMigration } from "./migration-graph.js";
import { orderByConnections } from "./remote-graph.js";

/** One action of the transition graph. */
export interface GraphAction {
  id: number;
  /** Resource instance id, group or clone id for a pseudo-action, or the node for fencing. */
  resource: string;
  operation: string;
  /** Where it runs; empty for a pseudo-action. */
  node: string;
  intervalMs: number;
  timeoutMs: number;
  /** Bookkeeping only (a group's or clone's start/running/stop/stopped): nothing to execute. */
  pseudo: boolean;
  /** A migrate_to's or migrate_from's two nodes. */
  migrate?: { source: string; target: string };
}

export interface TransitionGraph {
  actions: GraphAction[];
  /** [before, after]: the second action waits for the first. */
  edges: EdgeList;
}

/**
 * Ordering edges as two growing columns of action ids: a large transition has
 * hundreds of thousands, and an object each would only feed the garbage collector.
 * Iterates (and serialises to JSON) as [before, after] pairs.
 */
export class EdgeList implements Iterable<[number, number]> {
  private before = new Int32Array(1024);
  private after = new Int32Array(1024);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(before: number, after: number): void {
    if (this.count === this.before.length) {
      this.before = grown(this.before);
      this.after = grown(this.after);
    }
    this.before[this.count] = before;
    this.after[this.count++] = after;
  }

  *[Symbol.iterator](): Iterator<[number, number]> {
    for (let i = 0; i < this.count; i++) yield [this.before[i]!, this.after[i]!];
  }

  toJSON(): Array<[number, number]> {
    return [...this];
  }
}

function grown(column: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(column.length * 2);
  larger.set(column);
  return larger;
}

export interface GraphInputs {
  changes: Change[];
  fences: FenceLine[];
  constraints: Constraints;
  resources: Rsc[];
  nodes: SchedNode[];
  /** op_defaults timeout, for operations that do not set one. */
  defaultTimeoutMs: number;
  /** maintenance-mode: nothing is probed. */
  maintenance: boolean;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** The actions added so far, indexed by what later stages connect to. */
export class GraphBuilder {
  readonly actions: GraphAction[] = [];
  readonly edges = new EdgeList();
  /** operation → resource → action (the resource's start, stop, promote, ... in this transition). */
  private readonly byKey = new Map<string, Map<string, number>>();
  /** Durations as written in the configuration → milliseconds (a few distinct texts, read per action). */
  private readonly durations = new Map<string, number>();

  constructor(private readonly defaultTimeoutMs: number) {}

  add(resource: string, operation: string, node: string, intervalMs = 0, timeoutMs = this.defaultTimeoutMs, pseudo = false): number {
    const id = this.actions.length;
    this.actions.push({ id, resource, operation, node, intervalMs, timeoutMs, pseudo });
    if (intervalMs === 0) {
      const byResource = this.keysOf(operation);
      if (!byResource.has(resource)) byResource.set(resource, id);
    }
    return id;
  }

  /** A probe: not indexed, nothing is ordered after a probe but the start it guards. */
  probe(resource: string, node: string, timeoutMs: number): number {
    const id = this.actions.length;
    this.actions.push({ id, resource, operation: "monitor", node, intervalMs: 0, timeoutMs, pseudo: false });
    return id;
  }

  /** parseIntervalMs, remembered: the same few texts come back for every resource. */
  durationMs(text: string | undefined): number {
    if (text === undefined) return 0;
    let ms = this.durations.get(text);
    if (ms === undefined) {
      ms = parseIntervalMs(text);
      this.durations.set(text, ms);
    }
    return ms;
  }

  /** The timeout the resource's configuration gives `operation` at `intervalMs`, else the default. */
  timeoutOf(p: PrimitiveRsc, operation: string, intervalMs = 0): number {
    for (const o of p.ops) {
      if (o.name !== operation || this.durationMs(o.interval) !== intervalMs) continue;
      const ms = this.durationMs(o.timeout);
      return ms > 0 ? ms : this.defaultTimeoutMs;
    }
    return this.defaultTimeoutMs;
  }

  /** A resource operation, with the timeout its configuration gives. */
  op(p: PrimitiveRsc, operation: string, node: string, intervalMs = 0): number {
    return this.add(p.id, operation, node, intervalMs, this.timeoutOf(p, operation, intervalMs));
  }

  /** Lets later stages find `id` as this resource's `operation` (a migrate_from is its start). */
  alias(resource: string, operation: string, id: number): void {
    this.keysOf(operation).set(resource, id);
  }

  find(resource: string, operation: string): number | undefined {
    return this.byKey.get(operation)?.get(resource);
  }

  edge(before: number | undefined, after: number | undefined): void {
    if (before !== undefined && after !== undefined && before !== after) this.edges.push(before, after);
  }

  private keysOf(operation: string): Map<string, number> {
    let byResource = this.byKey.get(operation);
    if (byResource === undefined) {
      byResource = new Map();
      this.byKey.set(operation, byResource);
    }
    return byResource;
  }
}

/**
 * The transition graph: fencing, then every change as resource actions (demote,
 * stop, migrate, start, promote), probes where a resource's state is unknown,
 * recurring monitors after starts and role changes, the start/stop pseudo-actions
 * of groups and clones, and ordering edges between them all.
 */
export function buildGraph(inputs: GraphInputs): TransitionGraph {
  const g = new GraphBuilder(inputs.defaultTimeoutMs > 0 ? inputs.defaultTimeoutMs : DEFAULT_TIMEOUT_MS);
  const fenceIds = new Map<string, number>();
  for (const f of inputs.fences) fenceIds.set(f.node, g.add(f.node, `stonith-${f.action}`, f.node));
  for (const change of inputs.changes) if (!change.blocked) changeActions(g, change, fenceIds);
  addRecurringMonitors(g, inputs.changes);
  addCollectiveActions(g, inputs.changes);
  addProbes(g, inputs);
  orderByConnections(g, inputs.changes, inputs.nodes);
  for (const o of inputs.constraints.orderings) {
    const first = endpoint(g, o.first, o.firstAction, "first");
    g.edge(first, endpoint(g, o.then, o.thenAction, "then"));
    orderMigration(g, o, first);
  }
  return { actions: g.actions, edges: g.edges };
}

/** The action an ordering constraint connects: a collective's pseudo-action, or the primitive's own. */
function endpoint(g: GraphBuilder, rsc: Rsc, action: string, side: "first" | "then"): number | undefined {
  if (rsc.kind === "primitive") return g.find(rsc.id, action === "stop" ? "stop" : action === "promote" ? "promote" : action === "demote" ? "demote" : "start");
  return g.find(rsc.id, collectiveKey(action, side));
}

function changeActions(g: GraphBuilder, change: Change, fenceIds: Map<string, number>): void {
  const p = change.rsc;
  const { from, to, verb } = change;
  if (verb === "Reload" && to !== undefined) return void g.op(p, "reload-agent", to.node);
  if (verb === "Migrate" && from !== undefined && to !== undefined) return migrationActions(g, p, from.node, to.node);
  const stops: number[] = [];
  const stopOn = (node: string): void => {
    const stop = g.op(p, "stop", node);
    g.edge(fenceIds.get(node), stop);
    stops.push(stop);
  };
  if (from !== undefined && verb !== "Promote" && verb !== "Demote" && change.fromStopped !== true) {
    const demote = from.role === "Promoted" && to?.role !== "Promoted" ? g.op(p, "demote", from.node) : undefined;
    stopOn(from.node);
    g.edge(demote, stops[0]);
  }
  for (const node of change.alsoStop ?? []) stopOn(node);
  if (to === undefined || verb === "Stop") return;
  let start: number | undefined;
  if (from === undefined || (verb !== "Promote" && verb !== "Demote")) {
    start = g.op(p, "start", to.node);
    for (const stop of stops) g.edge(stop, start);
  }
  if (to.role === "Promoted" && from?.role !== "Promoted") g.edge(start, g.op(p, "promote", to.node));
  if (verb === "Demote") g.op(p, "demote", to.node);
}
