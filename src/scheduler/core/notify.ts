import type { CloneRsc, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isTrueValue } from "./options.js";
import type { GraphBuilder } from "./graph.js";

/**
 * Clone notifications (Pacemaker Explained, "Clone Resource Agent Requirements",
 * "Clone Notifications"): for a clone with notify=true, each phase of its instances'
 * actions (demote, stop, start, promote) is announced to every instance running at
 * that moment, before ("pre") and after ("post"), with the notify operation and the
 * lists of instances (and their nodes) that are active, inactive, starting, stopping,
 * promoting, demoting, promoted and unpromoted. Pseudo-actions frame each round:
 *
 *   c_pre_notify_stop_0 → d:N_pre_notify_stop_0 → c_confirmed-pre_notify_stop_0 → c_stop_0
 *   c_stopped_0 → c_post_notify_stopped_0 → d:N_post_notify_stop_0 → c_confirmed-post_notify_stopped_0
 *
 * Rounds follow the phases in order; each instance's recurring monitors wait for the
 * rounds that notify it; what is ordered after the clone's phase waits for its round.
 */

/** The phases in the order they run, with the pseudo-action that marks each one done. */
const PHASES = [["demote", "demoted"], ["stop", "stopped"], ["start", "running"], ["promote", "promoted"]] as const;
type Phase = (typeof PHASES)[number][0];

/** An instance running on a node at some moment of the transition. */
interface Running {
  instance: PrimitiveRsc;
  node: NodeName;
}

export function notifies(clone: CloneRsc): boolean {
  return isTrueValue(clone.meta.get("notify"));
}

/** The key an ordering's "first" side uses for a notifying clone's completed phase ("confirmed-post_notify_running"). */
export function confirmedKey(done: string): string {
  return `confirmed-post_notify_${done}`;
}

export function addNotifications(g: GraphBuilder, resources: Rsc[], nodes: SchedNode[], fenced: ReadonlyMap<NodeName, number>): void {
  const reachable = new Set(nodes.filter((n) => n.online && !n.unclean && !fenced.has(n.name)).map((n) => n.name));
  const allNodes = sortedText(nodes.map((n) => n.name));
  let monitors: Map<string, number[]> | undefined;
  for (const rsc of resources) {
    if (rsc.kind !== "clone") continue;
    const instances = rsc.instances.flatMap(primitivesOf);
    if (!notifies(rsc)) {
      if (instances.some((p) => isTrueValue(p.meta.get("notify")))) notifyFencedOnly(g, instances, reachable, fenced, allNodes);
      continue;
    }
    const phases = PHASES.filter(([op]) => g.find(rsc.id, op) !== undefined);
    if (phases.length === 0) continue;
    monitors ??= recurringMonitors(g);
    const lists = notifyLists(g, instances, allNodes);
    for (const id of phaseActions(g, instances)) g.actions[id]!.meta = { ...g.actions[id]!.meta, ...lists };
    let running = activeInstances(instances);
    const earlier: number[] = [];
    for (const [op, done] of phases) {
      const before = running;
      running = afterPhase(g, op, running, instances);
      const round = notifyRound(g, rsc, op, done, lists, before.filter((r) => reachable.has(r.node)), running.filter((r) => reachable.has(r.node)), monitors);
      for (const confirmed of earlier) g.edge(confirmed, round.open);
      if (op === "stop") notifyFencedStops(g, before, fenced, round.posted);
      earlier.push(g.find(rsc.id, confirmedKey(done))!);
    }
  }
}

/**
 * notify=true on the instances but not on their clone: no rounds around the clone's
 * phases, but the survivors still hear of the instances stopped by fencing.
 */
function notifyFencedOnly(g: GraphBuilder, instances: PrimitiveRsc[], reachable: ReadonlySet<NodeName>, fenced: ReadonlyMap<NodeName, number>, allNodes: string): void {
  const before = activeInstances(instances);
  if (!before.some((r) => fenced.has(r.node) && actionOf(g, r.instance, "stop")?.node === r.node)) return;
  const lists = notifyLists(g, instances, allNodes);
  const survivors = afterPhase(g, "stop", before, instances).filter((r) => reachable.has(r.node));
  notifyFencedStops(g, before, fenced, survivors.map((r) => instanceNotify(g, r, "post", "stop", "stonith", lists)));
}

function activeInstances(instances: PrimitiveRsc[]): Running[] {
  return instances.flatMap((instance) => instance.active.map((a) => ({ instance, node: a.node })));
}

/** Who runs once a phase is over: stops take instances away, starts (and migrations) add them. */
function afterPhase(g: GraphBuilder, op: Phase, running: Running[], instances: PrimitiveRsc[]): Running[] {
  if (op === "stop") return running.filter((r) => actionOf(g, r.instance, "stop")?.node !== r.node);
  if (op !== "start") return running;
  const started: Running[] = [];
  for (const instance of instances) {
    const start = actionOf(g, instance, "start");
    if (start !== undefined) started.push({ instance, node: start.node });
  }
  return [...running, ...started];
}

/**
 * Instances stopped by fencing their node: the survivors' post-stop notifications run as
 * soon as the fencing is done (bracketed by <instance>_post_notify_stonith_0 and its
 * confirmation), not only after the rest of the clone's stops.
 */
function notifyFencedStops(g: GraphBuilder, before: Running[], fenced: ReadonlyMap<NodeName, number>, posted: number[]): void {
  for (const r of before) {
    const fence = fenced.get(r.node);
    if (fence === undefined || actionOf(g, r.instance, "stop")?.node !== r.node) continue;
    const pseudo = (type: string, operation: string): number => g.keyed({
      resource: r.instance.id, operation, node: "", intervalMs: 0, timeoutMs: 0, pseudo: true, key: `${r.instance.id}_${type}_notify_stonith_0`,
      meta: { notify_type: "post", notify_operation: "stop", notify_key_type: type, notify_key_operation: "stonith" },
    });
    const open = pseudo("post", "notify"), confirmed = pseudo("confirmed-post", "notified");
    g.edge(fence, open);
    g.edge(open, confirmed);
    for (const notify of posted) {
      g.edge(open, notify);
      g.edge(notify, confirmed);
    }
  }
}

/**
 * One pre/post round around a phase; returns its pre_notify pseudo-action (what an
 * earlier round's confirmation orders before it) and the post notifications it sent.
 */
function notifyRound(g: GraphBuilder, c: CloneRsc, op: Phase, done: string, lists: Record<string, string>, pre: Running[], post: Running[], monitors: Map<string, number[]>): { open: number; posted: number[] } {
  const pseudo = (type: string, keyOp: string, operation: string): number =>
    g.keyed({
      resource: c.id, operation, node: "", intervalMs: 0, timeoutMs: 0, pseudo: true, key: `${c.id}_${type}_notify_${keyOp}_0`,
      meta: { notify_type: type.replace("confirmed-", ""), notify_operation: op, notify_key_type: type, notify_key_operation: keyOp },
    }, `${type}_notify_${keyOp}`);
  const preOpen = pseudo("pre", op, "notify"), preDone = pseudo("confirmed-pre", op, "notified");
  const postOpen = pseudo("post", done, "notify"), postDone = pseudo("confirmed-post", done, "notified");
  g.edge(preOpen, preDone);
  g.edge(preDone, g.find(c.id, op));
  g.edge(preDone, postOpen);
  g.edge(g.find(c.id, done), postOpen);
  g.edge(postOpen, postDone);
  for (const r of pre) {
    const notify = instanceNotify(g, r, "pre", op, op, lists);
    g.edge(preOpen, notify);
    g.edge(notify, preDone);
  }
  const posted: number[] = [];
  for (const r of post) {
    const notify = instanceNotify(g, r, "post", op, done, lists);
    g.edge(postOpen, notify);
    g.edge(notify, postDone);
    for (const monitor of monitors.get(r.instance.id) ?? []) g.edge(postDone, monitor);
    posted.push(notify);
  }
  return { open: preOpen, posted };
}

function instanceNotify(g: GraphBuilder, r: Running, type: "pre" | "post", op: Phase, keyOp: string, lists: Record<string, string>): number {
  return g.keyed({
    resource: r.instance.id, operation: "notify", node: r.node, intervalMs: 0, timeoutMs: g.timeoutOf(r.instance, "notify"), pseudo: false,
    key: `${r.instance.id}_${type}_notify_${op}_0`,
    meta: { ...lists, notify_type: type, notify_operation: op, notify_key_type: type, notify_key_operation: keyOp },
  });
}

/**
 * The notify_* lists every instance action carries: resources sorted, their nodes in
 * the same order, a single space when empty (as the agents' environment expects).
 */
function notifyLists(g: GraphBuilder, instances: PrimitiveRsc[], allNodes: string): Record<string, string> {
  const lists: Record<string, string> = {};
  // Resources sorted, each node at its resource's place (a node repeats for each instance there).
  const put = (name: string, entries: Running[]): void => {
    const sorted = [...entries].sort((a, b) => byText(a.instance.id, b.instance.id) || byText(a.node, b.node));
    lists[`notify_${name}_resource`] = listText(sorted.map((e) => e.instance.id));
    lists[`notify_${name}_uname`] = listText(sorted.map((e) => e.node));
  };
  const active = instances.flatMap((instance) => instance.active.map((a) => ({ instance, node: a.node, role: a.role })));
  const inRole = (role: string): Running[] => active.filter((a) => a.role === role);
  put("active", active);
  lists["notify_inactive_resource"] = sortedText(instances.filter((i) => i.active.length === 0).map((i) => i.id));
  for (const op of ["start", "stop", "promote", "demote"]) {
    put(op, instances.flatMap((instance) => {
      const action = actionOf(g, instance, op);
      return action === undefined ? [] : [{ instance, node: action.node }];
    }));
  }
  for (const [legacy, name, role] of [["master", "promoted", "Promoted"], ["slave", "unpromoted", "Unpromoted"]] as const) {
    put(legacy, inRole(role));
    put(name, inRole(role));
  }
  lists["notify_all_uname"] = allNodes;
  lists["notify_available_uname"] = allNodes;
  return lists;
}

/** The instance's start, stop, promote or demote in this transition (a real action, not a probe). */
function actionOf(g: GraphBuilder, p: PrimitiveRsc, op: string): { node: NodeName } | undefined {
  const id = g.find(p.id, op);
  return id === undefined ? undefined : g.actions[id];
}

function phaseActions(g: GraphBuilder, instances: PrimitiveRsc[]): number[] {
  return instances.flatMap((p) => PHASES.flatMap(([op]) => {
    const id = g.find(p.id, op);
    return id === undefined ? [] : [id];
  }));
}

/** Each resource's recurring monitors in the graph (looked up once, for every notifying clone). */
function recurringMonitors(g: GraphBuilder): Map<string, number[]> {
  const byResource = new Map<string, number[]>();
  for (const a of g.actions) {
    if (a.operation !== "monitor" || a.intervalMs === 0) continue;
    const ids = byResource.get(a.resource) ?? [];
    ids.push(a.id);
    byResource.set(a.resource, ids);
  }
  return byResource;
}

function sortedText(values: string[]): string {
  return listText([...new Set(values)].sort(byText));
}

function listText(values: string[]): string {
  return values.length === 0 ? " " : values.join(" ");
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
