import type { Change } from "./changes.js";
import type { Constraints, Ordering } from "./constraints.js";
import type { PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import type { FenceLine } from "./summary.js";
import { parseIntervalMs } from "./rules.js";
import { addProbes } from "./probes.js";
import { addOrphanCleanup } from "./orphans.js";
import { addAgentHistoryDeletes } from "./agent-change.js";
import { addRecurringMonitors } from "./monitors.js";
import { addCollectiveActions, collectiveKey } from "./pseudo.js";
import { addFencingOrder, type FencingGraphInputs } from "./fencing-graph.js";
import { addNotifications, confirmedKey } from "./notify.js";
import { reconcileMonitors, type Histories } from "./monitor-history.js";
import { addCloneMeta } from "./clone-meta.js";
import { orderInterleaved } from "./interleave-graph.js";
import { migrationActions, orderMigration } from "./migration-graph.js";
import { orderByConnections } from "./remote-graph.js";
import { probesBeforeStops } from "./probe-order.js";

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
  /** Pacemaker's operation key when it is not resource_operation_interval ("d:0_pre_notify_stop_0"). */
  key?: string | undefined;
  /** Meta attributes for the agent (OCF_RESKEY_CRM_meta_<name>), named without the prefix: notify_type, ... */
  meta?: Record<string, string> | undefined;
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
  /** Fencing order, requirements and unfencing (without it: fencing is not ordered against starts). */
  fencing?: FencingGraphInputs;
  /** What each node's history shows of each primitive (its active recurring monitors). */
  histories?: Histories;
  /** Fail-counts the controller clears, by resource and node. */
  failCountClears?: ReadonlyMap<PrimitiveRsc, ReadonlySet<string>>;
  /** Nodes whose history of a resource was recorded under another agent (deleted). */
  agentChanged?: ReadonlyMap<PrimitiveRsc, ReadonlySet<string>>;
  /** An anonymous clone instance → the nodes whose history of it, under the configured id, it took. */
  anonymousHistories?: ReadonlyMap<PrimitiveRsc, ReadonlySet<string>>;
  /** Nodes shutting down (the shutdown attribute; a remote node whose connection is an orphan). */
  leaving?: ReadonlySet<string>;
  /** The cluster nodes among them: each is told to shut down once everything there has stopped. */
  shutdowns?: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** The actions added so far, indexed by what later stages connect to. */
export class GraphBuilder {
  readonly actions: GraphAction[] = [];
  readonly edges = new EdgeList();
  /** operation → resource → action (the resource's start, stop, promote, ... in this transition). */
  private readonly byKey = new Map<string, Map<string, number>>();
  /** An action → the same action on other nodes (see twins()). */
  private readonly twinsOf = new Map<number, number[]>();
  /** Durations as written in the configuration → milliseconds (a few distinct texts, read per action). */
  private readonly durations = new Map<string, number>();

  constructor(readonly defaultTimeoutMs: number) {}

  add(resource: string, operation: string, node: string, intervalMs = 0, timeoutMs = this.defaultTimeoutMs, pseudo = false): number {
    const id = this.actions.length;
    // Every action has the same shape (key and meta included) so later stages can set them cheaply.
    this.actions.push({ id, resource, operation, node, intervalMs, timeoutMs, pseudo, key: undefined, meta: undefined });
    if (intervalMs === 0) {
      const byResource = this.keysOf(operation);
      if (!byResource.has(resource)) byResource.set(resource, id);
    }
    return id;
  }

  /**
   * An action named by its own key (notifications, cancellations). `indexAs`, when given,
   * lets later stages find it as the resource's operation of that name.
   */
  keyed(action: Omit<GraphAction, "id">, indexAs?: string): number {
    const id = this.actions.length;
    this.actions.push({ id, resource: action.resource, operation: action.operation, node: action.node, intervalMs: action.intervalMs, timeoutMs: action.timeoutMs, pseudo: action.pseudo, key: action.key, meta: action.meta });
    if (indexAs !== undefined) this.alias(action.resource, indexAs, id);
    return id;
  }

  /** A probe: not indexed, nothing is ordered after a probe but the start it guards. */
  probe(resource: string, node: string, timeoutMs: number): number {
    const id = this.actions.length;
    this.actions.push({ id, resource, operation: "monitor", node, intervalMs: 0, timeoutMs, pseudo: false, key: undefined, meta: undefined });
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

  /** An action the controller only records (its effect comes from another action). */
  pseudoOp(p: PrimitiveRsc, operation: string, node: string): number {
    return this.add(p.id, operation, node, 0, this.timeoutOf(p, operation), true);
  }

  /**
   * The same action on several nodes (the stops of a multiply active resource):
   * every edge drawn to or from the first is drawn for the others too.
   */
  twins(ids: number[]): void {
    for (const id of ids.slice(1)) this.twinsOf.set(ids[0]!, [...(this.twinsOf.get(ids[0]!) ?? []), id]);
  }

  /** Copies each edge of a twinned action to its twins; called once every edge is drawn. */
  expandTwins(): void {
    if (this.twinsOf.size === 0) return;
    const drawn = [...this.edges];
    for (const [before, after] of drawn) {
      for (const twin of this.twinsOf.get(before) ?? []) this.edges.push(twin, after);
      for (const twin of this.twinsOf.get(after) ?? []) this.edges.push(before, twin);
    }
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
export function buildGraph(inputs: GraphInputs): { graph: TransitionGraph; unfencing: FenceLine[] } {
  const g = new GraphBuilder(inputs.defaultTimeoutMs > 0 ? inputs.defaultTimeoutMs : DEFAULT_TIMEOUT_MS);
  const fenceIds = new Map<string, number>();
  for (const f of inputs.fences) fenceIds.set(f.node, g.add(f.node, `stonith-${f.action}`, f.node));
  const waitsForFencing = (p: PrimitiveRsc): boolean => inputs.fencing?.policy.needsFencing(p) ?? true;
  for (const change of inputs.changes) if (!change.blocked) changeActions(g, change, fenceIds, waitsForFencing);
  addOrphanCleanup(g, inputs.changes, inputs.leaving ?? new Set());
  addFailCountClears(g, inputs.failCountClears);
  if (inputs.agentChanged !== undefined) addAgentHistoryDeletes(g, inputs.agentChanged);
  addRecurringMonitors(g, inputs.changes, (p, node) => inputs.histories?.get(p)?.get(node)?.recurring);
  if (inputs.histories !== undefined && !inputs.maintenance) reconcileMonitors(g, inputs.changes, inputs.resources, inputs.nodes, inputs.histories);
  addCollectiveActions(g, inputs.changes);
  addNotifications(g, inputs.resources, inputs.nodes, fenceIds);
  const probes = addProbes(g, inputs);
  orderByConnections(g, inputs.changes, inputs.nodes, probes);
  probesBeforeStops(g, inputs.constraints.orderings, probes);
  addCloneMeta(g, inputs.resources);
  // A symmetrical constraint's reverse order (its stops) shares the constraint's id.
  const stopsOnly = (o: Ordering): boolean => o.firstAction === "stop" && o.thenAction === "stop";
  const forward = new Set(inputs.constraints.orderings.filter((o) => !stopsOnly(o)).map((o) => o.id));
  for (const o of inputs.constraints.orderings) {
    const first = endpoint(g, o.first, o.firstAction, "first");
    g.edge(first, endpoint(g, o.then, o.thenAction, "then"));
    orderMigration(g, o, first);
    orderInterleaved(g, o, stopsOnly(o) && forward.has(o.id));
  }
  const unfencing = inputs.fencing === undefined ? [] : addFencingOrder(g, inputs.fences, inputs.resources, inputs.fencing);
  if (inputs.anonymousHistories !== undefined) nameByHistory(g, inputs.anonymousHistories);
  g.expandTwins();
  // After the twins: each stop on the node (and only there) comes before its shutdown.
  for (const node of inputs.shutdowns ?? []) addShutdown(g, node);
  return { graph: { actions: g.actions, edges: g.edges }, unfencing };
}

/**
 * The controller clears an expired or outdated fail-count itself, without waiting
 * for the result (Pacemaker's clear_failcount: a crm_event with op_no_wait).
 */
function addFailCountClears(g: GraphBuilder, clears: GraphInputs["failCountClears"]): void {
  for (const [p, nodes] of clears ?? []) {
    for (const node of nodes) {
      const id = g.add(p.id, CLEAR_FAILCOUNT, node);
      g.actions[id]!.meta = { op_no_wait: "true" };
    }
  }
}

/**
 * An anonymous clone instance's actions on a node whose history (recorded under the
 * configured id, no instance number) went to that instance are keyed by that id
 * ("rsc_start_0", not "rsc:2_start_0"): the name the node's executor knows, as in
 * crm_simulate's graphs. A pseudo-action (the implied stop on a fenced node) too.
 */
function nameByHistory(g: GraphBuilder, anonymousHistories: ReadonlyMap<PrimitiveRsc, ReadonlySet<string>>): void {
  const byId = new Map([...anonymousHistories].map(([p, nodes]) => [p.id, { configId: p.configId, nodes }] as const));
  for (const a of g.actions) {
    const recorded = a.key === undefined ? byId.get(a.resource) : undefined;
    if (recorded?.nodes.has(a.node) === true) a.key = `${recorded.configId}_${a.operation}_${a.intervalMs}`;
  }
}

export const CLEAR_FAILCOUNT = "clear_failcount";
export const DO_SHUTDOWN = "do_shutdown";

/** The controller lets a node shut down (Pacemaker's do_shutdown) once everything on it has stopped. */
function addShutdown(g: GraphBuilder, node: string): void {
  const stops = g.actions.filter((a) => a.operation === "stop" && a.node === node).map((a) => a.id);
  const shutdown = g.keyed({ resource: node, operation: DO_SHUTDOWN, node, intervalMs: 0, timeoutMs: g.defaultTimeoutMs, pseudo: false, key: `${DO_SHUTDOWN}-${node}`, meta: { op_no_wait: "true" } });
  for (const stop of stops) g.edge(stop, shutdown);
}

/** The action an ordering constraint connects: a collective's pseudo-action, or the primitive's own. */
function endpoint(g: GraphBuilder, rsc: Rsc, action: string, side: "first" | "then"): number | undefined {
  if (rsc.kind === "primitive") return g.find(rsc.id, action === "stop" ? "stop" : action === "promote" ? "promote" : action === "demote" ? "demote" : "start");
  const key = collectiveKey(action, side);
  // What waits for a notifying clone's phase waits for the notifications after it too.
  return (side === "first" ? g.find(rsc.id, confirmedKey(key)) : undefined) ?? g.find(rsc.id, key);
}

function changeActions(g: GraphBuilder, change: Change, fenceIds: Map<string, number>, waitsForFencing: (p: PrimitiveRsc) => boolean): void {
  const p = change.rsc;
  const { from, to, verb } = change;
  if (verb === "Reload" && to !== undefined) return void g.op(p, "reload-agent", to.node);
  if (verb === "Migrate" && from !== undefined && to !== undefined) return migrationActions(g, p, from.node, to.node);
  // on-fail=demote, still the best: demoted and promoted again where it runs.
  if (verb === "Re-promote" && to !== undefined) return void g.edge(g.op(p, "demote", to.node), g.op(p, "promote", to.node));
  const stops: number[] = [];
  const demotes: number[] = [];
  let demote: number | undefined;
  if (from !== undefined && verb !== "Promote" && verb !== "Demote" && verb !== "Migrate") {
    const earlier = g.find(p.id, "stop");
    const earlierDemote = g.find(p.id, "demote");
    for (const node of change.stopsOn ?? [from.node]) {
      // On a node being fenced the fencing does the demote and stop: they are pseudo-actions.
      const fence = fenceIds.get(node);
      const action = (operation: string): number => (fence === undefined ? g.op(p, operation, node) : g.pseudoOp(p, operation, node));
      // A promoted instance is demoted before any stop (a restart in the Promoted role too).
      const demoteHere = from.role === "Promoted" ? action("demote") : undefined;
      demote ??= demoteHere;
      if (demoteHere !== undefined) demotes.push(demoteHere);
      const stop = action("stop");
      if (waitsForFencing(p)) g.edge(fence, stop);
      stops.push(stop);
    }
    // Every copy is demoted before any copy stops (demotes of one resource are twins too).
    for (const d of demotes) for (const stop of stops) g.edge(d, stop);
    if (demotes.length > 0) g.twins(earlierDemote === undefined ? demotes : [earlierDemote, ...demotes]);
    // Stops of one resource on several nodes (one line each, or one line for all) are ordered alike.
    g.twins(earlier === undefined ? stops : [earlier, ...stops]);
  }
  const cleanup = (change.cleanupStops ?? []).map((node) => g.op(p, "stop", node));
  if (to === undefined || verb === "Stop") return;
  let start: number | undefined;
  if (from === undefined || (verb !== "Promote" && verb !== "Demote")) {
    start = change.pseudoStart === true ? g.pseudoOp(p, "start", to.node) : g.op(p, "start", to.node);
    g.edge(stops[0], start);
  }
  for (const stop of cleanup) g.edge(stop, start);
  if (to.role === "Promoted" && (from?.role !== "Promoted" || start !== undefined)) {
    const promote = g.op(p, "promote", to.node);
    g.edge(start, promote);
    g.edge(demote, promote);
  }
  if (verb === "Demote") g.op(p, "demote", to.node);
}
