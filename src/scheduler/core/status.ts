import type { LrmResource, SchedulerInput } from "../../cib/index.js";
import { cloneOf, type CloneRsc, type NodeName, type PrimitiveRsc, type Rsc, type SchedNode } from "./model.js";
import { isPending, replayHistory, type NodeHistory } from "./history.js";
import { agentChanged } from "./agent-change.js";
import { applyFailurePolicy, type NodeRequest } from "./onfail.js";
import { compareDefinition, type ParameterDigest, worse } from "./definition.js";
import { INFINITY, parseScore, type Score, addScores, ZERO } from "./score.js";
import { failureTimeoutS, isManaged } from "./meta.js";

/** Fail-counts per node, keyed by the resource name the attribute carries. */
export interface Failure {
  count: Score;
  lastFailureAt: number;
}
export type FailureTable = Map<NodeName, Map<string, Failure>>;

export interface StatusView {
  failures: FailureTable;
  /** Histories that match no configured resource (orphans), by node, stopped ones included. */
  orphans: Array<{ node: NodeName; resource: LrmResource; history: NodeHistory }>;
  /** Per-primitive histories by node, for monitors and digests. */
  histories: Map<PrimitiveRsc, Map<NodeName, NodeHistory>>;
  /** Fencing or standby asked for by failures' on-fail policies. */
  requests: NodeRequest[];
  /** Nodes whose history of a primitive was recorded under another agent. */
  agentChanged: Map<PrimitiveRsc, Set<NodeName>>;
  /** Resources whose start is still pending with parameters a reload would change: restarted, without a reason. */
  pendingReloads: Set<PrimitiveRsc>;
  /** Where a resource's fail-count is to be cleared (it expired, or its last failure ran with other parameters). */
  failCountClears: Map<PrimitiveRsc, Set<NodeName>>;
  /** An anonymous clone instance → the nodes whose history of it (under the configured id, no instance number) it took. */
  anonymousHistories: Map<PrimitiveRsc, Set<NodeName>>;
}

/** How remote nodes learn their membership between the cluster nodes' histories and their own. */
export interface RemoteMembership {
  isRemote(node: NodeName): boolean;
  settle(view: StatusView, stonithEnabled: boolean): void;
}

/** Reads every node's operation history onto the resources it describes. */
export function unpackStatus(input: SchedulerInput, nodes: SchedNode[], resources: Rsc[], stonithEnabled: boolean, now: number, remote?: RemoteMembership, digest?: ParameterDigest): StatusView {
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const index = indexResources(resources);
  const view: StatusView = { failures: new Map(), orphans: [], histories: new Map(), requests: [], agentChanged: new Map(), pendingReloads: new Set(), failCountClears: new Map(), anonymousHistories: new Map() };
  const anonymousSlots = new AnonymousSlots();
  const isRemote = (id: string): boolean => remote?.isRemote(nodeById.get(id)?.name ?? "") === true;
  // Cluster nodes first: a remote node's membership follows its connection's history.
  const states = [...input.status.filter((s) => !isRemote(s.id)), ...input.status.filter((s) => isRemote(s.id))];
  let settled = false;
  const duplicates: Array<{ node: SchedNode; lrm: LrmResource; history: NodeHistory }> = [];
  for (const state of states) {
    const node = nodeById.get(state.id);
    if (node === undefined) continue;
    if (!settled && isRemote(state.id)) {
      remote?.settle(view, stonithEnabled);
      settled = true;
    }
    view.failures.set(node.name, readFailures(state.attributes));
    // An unclean node's history counts. A node that left cleanly normally has none; with
    // fencing enabled, what its history still shows running makes it unclean. A pending
    // node's history tells what need not be probed there again.
    const leftCleanly = !node.online && !node.unclean && node.pending !== true;
    if (!node.online && !node.unclean && !stonithEnabled) continue;
    for (const lrm of state.resources) {
      const history = replayHistory(lrm);
      const target = findPrimitive(index, lrm.id, node.name, history, anonymousSlots, false);
      if (target === DUPLICATE) duplicates.push({ node, lrm, history });
      else unpackResource(view, target, node, lrm, history, stonithEnabled, now, digest);
      if (leftCleanly && !isRemote(state.id)) suspectActive(node, target, history);
    }
  }
  // Second active copies of an anonymous instance on one node are numbered after every first copy.
  for (const { node, lrm, history } of duplicates) {
    const target = findPrimitive(index, lrm.id, node.name, history, anonymousSlots, true);
    if (target !== DUPLICATE) unpackResource(view, target, node, lrm, history, stonithEnabled, now, digest);
  }
  if (!settled) remote?.settle(view, stonithEnabled);
  return view;
}

/** A managed resource whose history shows it running on a node that left: fence the node. */
function suspectActive(node: SchedNode, p: PrimitiveRsc | undefined | typeof DUPLICATE, h: NodeHistory): void {
  if (node.unclean || p === undefined || p === DUPLICATE || h.role === "Stopped" || !isManaged(p) || node.maintenance) return;
  node.unclean = true;
  node.fenceReason = `${p.id} is thought to be active there`;
}

/** Whether the definition running on this node differs from the configuration. */
function noteDefinition(view: StatusView, p: PrimitiveRsc, node: SchedNode, h: NodeHistory, now: number, digest: ParameterDigest): void {
  if (h.role === "Stopped" || h.failed || h.definitionOp === undefined) return;
  const change = compareDefinition(p, h.definitionOp, node.attributes, now, digest);
  // A start still under way cannot be reloaded: it is stopped and started again.
  if (change === "reload" && isPending(h.definitionOp)) view.pendingReloads.add(p);
  else p.definitionChange = worse(p.definitionChange, change);
}

function unpackResource(view: StatusView, target: PrimitiveRsc | undefined, node: SchedNode, lrm: LrmResource, history: NodeHistory, stonithEnabled: boolean, now: number, digest: ParameterDigest | undefined): void {
  if (target === undefined) {
    view.orphans.push({ node: node.name, resource: lrm, history });
    return;
  }
  const clone = cloneOf(target);
  if (clone !== undefined && !clone.globallyUnique && lrm.id === target.configId) {
    view.anonymousHistories.set(target, (view.anonymousHistories.get(target) ?? new Set()).add(node.name));
  }
  const timeoutS = failureTimeoutS(target);
  const failCountStands = failCount(view.failures, target, node.name, timeoutS, now) !== ZERO;
  view.requests.push(...applyFailurePolicy(target, node, history, stonithEnabled, now, failCountStands));
  if (failCountExpired(view.failures, target, node.name, timeoutS, now)) clearFailCount(view, target, node.name);
  record(view, target, node.name, history);
  if (agentChanged(target, lrm)) view.agentChanged.set(target, (view.agentChanged.get(target) ?? new Set()).add(node.name));
  if (digest !== undefined) noteDefinition(view, target, node, history, now, digest);
  if (digest !== undefined) clearStaleFailCount(view, target, node, lrm, now, digest);
  // Resources active on a node in maintenance are unmanaged (Node Attributes: maintenance).
  if (node.maintenance && history.role !== "Stopped") target.meta = new Map(target.meta).set("maintenance", "true");
}

/**
 * A failed start or probe recorded as the last failure, with parameters other than the
 * configuration's now: the failure no longer says anything about the resource as
 * configured. Its fail-count on the node is cleared and does not count (crm_simulate).
 */
function clearStaleFailCount(view: StatusView, p: PrimitiveRsc, node: SchedNode, lrm: LrmResource, now: number, digest: ParameterDigest): void {
  const last = lrm.ops.find((op) => op.id.includes("_last_failure") && op.interval === 0 && (op.operation === "start" || op.operation === "monitor"));
  if (last === undefined || compareDefinition(p, last, node.attributes, now, digest) === "none") return;
  const counts = view.failures.get(node.name);
  for (const name of new Set([p.id, p.configId, lrm.id])) counts?.delete(name);
  clearFailCount(view, p, node.name);
}

function clearFailCount(view: StatusView, p: PrimitiveRsc, node: NodeName): void {
  const nodes = view.failCountClears.get(p) ?? new Set<NodeName>();
  view.failCountClears.set(p, nodes.add(node));
}

function record(view: StatusView, p: PrimitiveRsc, node: NodeName, h: NodeHistory): void {
  if (!h.forgotten) p.probedOn.add(node);
  let byNode = view.histories.get(p);
  if (byNode === undefined) view.histories.set(p, (byNode = new Map()));
  byNode.set(node, h);
  if (h.role === "Stopped") return;
  const promotable = cloneOf(p)?.promotable === true;
  const role = promotable && h.role === "Started" ? "Unpromoted" : h.role;
  p.active.push({ node, role, failed: h.failed });
  if (h.failed) p.failedOn.push(node);
  if (h.stopFailed) p.stopFailedOn.push(node);
}

interface ResourceIndex {
  byId: Map<string, PrimitiveRsc>;
  /** Anonymous clones by the configured id of their child primitive. */
  anonymous: Map<string, { clone: CloneRsc; memberIndex: number }>;
}

function indexResources(resources: Rsc[]): ResourceIndex {
  const index: ResourceIndex = { byId: new Map(), anonymous: new Map() };
  const addPrimitive = (p: PrimitiveRsc): void => void index.byId.set(p.id, p);
  for (const rsc of resources) {
    if (rsc.kind === "primitive") addPrimitive(rsc);
    else if (rsc.kind === "group") rsc.children.forEach(addPrimitive);
    else {
      for (const instance of rsc.instances) (instance.kind === "group" ? instance.children : [instance]).forEach(addPrimitive);
      const first = rsc.instances[0];
      if (first === undefined) continue;
      const members = first.kind === "group" ? first.children : [first];
      members.forEach((m, memberIndex) => index.anonymous.set(m.configId, { clone: rsc, memberIndex }));
    }
  }
  return index;
}

/** An active copy of an anonymous instance on a node that already runs one: numbered last. */
const DUPLICATE = Symbol("duplicate");

/** Instance numbers handed to anonymous clone histories: per clone and node, in the order found. */
class AnonymousSlots {
  private readonly byNode = new Map<string, number[]>();
  private readonly used = new Map<CloneRsc, Set<number>>();
  /** "slot member" pairs already describing an active copy. */
  private readonly active = new Set<string>();

  /** The node's first instance, if any, for a history that shows nothing running. */
  existing(clone: CloneRsc, node: NodeName): number | undefined {
    return this.byNode.get(`${clone.id}\u0000${node}`)?.[0];
  }

  /** For a history that shows nothing running on a node new to the clone: the first instance active nowhere so far. */
  inactive(clone: CloneRsc): number {
    const used = this.used.get(clone);
    let slot = 0;
    while (used?.has(slot) === true) slot++;
    return slot < clone.instances.length ? slot : 0;
  }

  /**
   * The instance an active copy belongs to: one the node already has whose member is
   * still free (members of a cloned group share an instance), else the lowest unused.
   * A second active copy of the same member on one node gets an instance of its own.
   */
  forActive(clone: CloneRsc, node: NodeName, memberIndex: number, allowDuplicate: boolean): number | typeof DUPLICATE {
    const key = `${clone.id}\u0000${node}`;
    const mine = this.byNode.get(key) ?? [];
    let slot = mine.find((s) => !this.active.has(`${clone.id}\u0000${s}\u0000${memberIndex}`));
    if (slot === undefined && mine.length > 0 && !allowDuplicate) return DUPLICATE;
    if (slot === undefined) {
      let used = this.used.get(clone);
      if (used === undefined) this.used.set(clone, (used = new Set()));
      // A duplicate is an orphan: it is numbered past clone-max.
      slot = firstFree(clone, used, allowDuplicate ? clone.cloneMax : 0);
      used.add(slot);
      this.byNode.set(key, [...mine, slot]);
    }
    this.active.add(`${clone.id}\u0000${slot}\u0000${memberIndex}`);
    return slot;
  }
}

/**
 * Finds the primitive an lrm_resource entry describes. Anonymous clone instances are
 * interchangeable: an active one takes the lowest instance not yet active elsewhere,
 * whatever number the history recorded.
 */
function findPrimitive(index: ResourceIndex, lrmId: string, node: NodeName, h: NodeHistory, slots: AnonymousSlots, allowDuplicate: boolean): PrimitiveRsc | undefined | typeof DUPLICATE {
  const base = lrmId.replace(/:\d+$/, "");
  const anon = index.anonymous.get(base);
  if (anon === undefined || anon.clone.globallyUnique) return index.byId.get(lrmId);
  const { clone, memberIndex } = anon;
  const slot = h.role === "Stopped" && !h.failed ? slots.existing(clone, node) ?? slots.inactive(clone) : slots.forActive(clone, node, memberIndex, allowDuplicate);
  if (slot === DUPLICATE) return DUPLICATE;
  const instance = clone.instances[slot];
  return instance === undefined ? undefined : memberOf(instance, memberIndex);
}

function firstFree(clone: CloneRsc, used: Set<number>, from: number): number {
  let slot = from;
  while (used.has(slot)) slot++;
  // Instances beyond clone-max are orphans that must stop.
  while (clone.instances.length <= slot) extendClone(clone);
  return slot;
}

function extendClone(clone: CloneRsc): void {
  const template = clone.instances[0]!;
  const n = clone.instances.length;
  const copy = (p: PrimitiveRsc, parent: PrimitiveRsc["parent"]): PrimitiveRsc => ({
    ...p, id: `${p.configId}:${n}`, parent, active: [], blocked: false, forceStop: false, demoteOnly: false, hardErrorOn: undefined, fatalError: undefined, failuresIgnoredOn: undefined, stopFailedOn: [], failedOn: [], probedOn: new Set(), scores: new Map(), promotionScore: new Map(),
  });
  if (template.kind === "primitive") clone.instances.push(copy(template, clone));
  else {
    const group = { ...template, id: `${template.configId}:${n}`, children: [] as PrimitiveRsc[] };
    group.children = template.children.map((c) => copy(c, group));
    clone.instances.push(group);
  }
}

function memberOf(instance: PrimitiveRsc | CloneRsc["instances"][number], memberIndex: number): PrimitiveRsc | undefined {
  return instance.kind === "primitive" ? instance : instance.children[memberIndex];
}

function readFailures(attributes: ReadonlyArray<readonly [string, string]>): Map<string, Failure> {
  const failures = new Map<string, Failure>();
  const get = (rsc: string): Failure => {
    let f = failures.get(rsc);
    if (f === undefined) failures.set(rsc, (f = { count: ZERO, lastFailureAt: 0 }));
    return f;
  };
  for (const [name, value] of attributes) {
    const count = /^fail-count-(.+?)(?:#.*)?$/.exec(name);
    if (count) {
      const f = get(count[1]!);
      f.count = addScores(f.count, parseScore(value) ?? ZERO);
      continue;
    }
    const last = /^last-failure-(.+?)(?:#.*)?$/.exec(name);
    if (last) {
      const f = get(last[1]!);
      f.lastFailureAt = Math.max(f.lastFailureAt, Number(value) || 0);
    }
  }
  return failures;
}

/** Whether a primitive has a fail-count on a node that failure-timeout has expired (the controller clears it). */
function failCountExpired(table: FailureTable, p: PrimitiveRsc, node: NodeName, failureTimeoutS: number, now: number): boolean {
  if (failureTimeoutS <= 0) return false;
  const byRsc = table.get(node);
  return [p.id, p.configId].some((name) => {
    const f = byRsc?.get(name);
    return f !== undefined && f.count !== ZERO && f.lastFailureAt > 0 && f.lastFailureAt + failureTimeoutS <= now;
  });
}

/** The fail-count of a primitive on a node, honouring failure-timeout. */
export function failCount(table: FailureTable, p: PrimitiveRsc, node: NodeName, failureTimeoutS: number, now: number): Score {
  const byRsc = table.get(node);
  if (byRsc === undefined || byRsc.size === 0) return ZERO;
  let total = ZERO;
  // Called for every primitive on every node: no temporary collections here.
  for (const name of p.id === p.configId ? [p.id] : [p.id, p.configId]) {
    const f = byRsc.get(name);
    if (f === undefined) continue;
    if (failureTimeoutS > 0 && f.lastFailureAt > 0 && f.lastFailureAt + failureTimeoutS <= now) continue;
    total = addScores(total, f.count);
  }
  return total >= INFINITY ? INFINITY : total;
}
