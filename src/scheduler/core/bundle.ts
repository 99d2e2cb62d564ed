import type { BundleConfig, CloneConfig, ColocationConstraint, Constraint, NvSet, OrderConstraint, PrimitiveConfig, ResourceConfig, SchedulerInput } from "../../cib/index.js";
import type { CloneRsc, NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isManaged } from "./meta.js";
import type { Blocker, Change } from "./changes.js";

/**
 * Bundles (Pacemaker Explained, "Bundles - Containerized Resources"): each replica is
 * a container resource named <bundle>-<docker|podman|rkt>-<n>, with an IP address
 * resource <bundle>-ip-<address> when the network has ip-range-start, and, when the
 * bundle holds a primitive, a guest node <bundle>-<n> inside the container that runs
 * replica n of the primitive (<primitive>:<n>). The primitive's replicas behave like
 * a clone (promotable when promoted-max is set), known by the bundle's id.
 */
export interface BundleLink {
  /** The bundle id, also the id of the clone of its primitive. */
  id: string;
  /** Guest node names, replica by replica. */
  guests: NodeName[];
  /** Container resource ids, replica by replica. */
  containers: string[];
  /** How many replicas one node may run (replicas-per-host, 1 by default). */
  perHost: number;
  /** IP address resource ids, replica by replica (none without ip-range-start). */
  ips: string[];
}

export interface ExpandedBundles {
  input: SchedulerInput;
  bundles: BundleLink[];
}

/** Replaces every bundle by the resources and constraints it implies. */
export function expandBundles(input: SchedulerInput): ExpandedBundles {
  if (!input.resources.some((r) => r.kind === "bundle")) return { input, bundles: [] };
  const bundles: BundleLink[] = [];
  const resources: ResourceConfig[] = [];
  const constraints = [...input.constraints];
  for (const r of input.resources) {
    if (r.kind !== "bundle") {
      resources.push(r);
      continue;
    }
    const expanded = expandBundle(r);
    resources.push(...expanded.resources);
    constraints.push(...expanded.constraints);
    bundles.push({
      id: r.id, guests: r.child === undefined ? [] : expanded.replicas.map((i) => `${r.id}-${i}`),
      containers: expanded.containers, perHost: intAttr(r.container, "replicas-per-host", 1), ips: expanded.ips,
    });
    retarget(constraints, r, expanded.containers);
  }
  return { input: { ...input, resources, constraints }, bundles };
}

/**
 * Constraints that name a bundle: a location or a colocation of the bundle places
 * its containers (a colocation with a one-replica bundle follows its container);
 * orders mean the primitive's replicas (the clone known by the bundle's id), or the
 * container itself when a one-replica bundle holds no primitive.
 */
function retarget(constraints: Constraint[], b: BundleConfig, containers: string[]): void {
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i]!;
    if ((c.kind === "location" || c.kind === "colocation") && c.rsc === b.id) {
      constraints.splice(i, 1, ...containers.map((container) => ({ ...c, id: `${c.id}-${container}`, rsc: container })));
      i += containers.length - 1;
    } else if (c.kind === "colocation" && c.withRsc === b.id && containers.length === 1) {
      constraints[i] = { ...c, withRsc: containers[0]! };
    } else if (b.child === undefined && containers.length === 1) {
      const only = containers[0]!;
      if (c.kind === "colocation") constraints[i] = { ...c, rsc: c.rsc === b.id ? only : c.rsc, withRsc: c.withRsc === b.id ? only : c.withRsc };
      if (c.kind === "order") constraints[i] = { ...c, first: c.first === b.id ? only : c.first, then: c.then === b.id ? only : c.then };
    }
  }
}

function intAttr(attrs: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const value = attrs[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
}

function nvSet(id: string, pairs: Array<[string, string]>): NvSet {
  return { id, score: 0, rule: undefined, pairs };
}

function agentPrimitive(id: string, type: string, meta: NvSet[], instance: NvSet[]): PrimitiveConfig {
  return { kind: "primitive", id, template: undefined, class: "ocf", provider: "heartbeat", type, meta, instance, utilization: [], ops: [], implicit: true };
}

function expandBundle(b: BundleConfig): { resources: ResourceConfig[]; constraints: Array<ColocationConstraint | OrderConstraint>; replicas: number[]; containers: string[]; ips: string[] } {
  const promotedMax = intAttr(b.container, "promoted-max", intAttr(b.container, "masters", 0));
  const count = intAttr(b.container, "replicas", promotedMax > 0 ? promotedMax : 1);
  const replicas = Array.from({ length: count }, (_, i) => i);
  const resources: ResourceConfig[] = [];
  const constraints: Array<ColocationConstraint | OrderConstraint> = [];
  const containers: string[] = [];
  const ips: string[] = [];
  for (const i of replicas) {
    const container = `${b.id}-${b.containerKind}-${i}`;
    containers.push(container);
    const guest = b.child === undefined ? [] : [nvSet(`${container}-guest`, [["remote-node", `${b.id}-${i}`]])];
    const address = ipAddress(b.network["ip-range-start"], i);
    if (address !== undefined) {
      const ip = `${b.id}-ip-${address}`;
      ips.push(ip);
      resources.push(agentPrimitive(ip, "IPaddr2", b.meta, [nvSet(`${ip}-instance`, [["ip", address]])]));
      constraints.push(colocation(`${container}-with-ip`, container, ip), order(`${ip}-before-container`, ip, container));
    }
    resources.push(agentPrimitive(container, b.containerKind, [...b.meta, ...guest], [nvSet(`${container}-instance`, [["image", b.container["image"] ?? ""]])]));
  }
  if (b.child !== undefined) resources.push(childClone(b, count, promotedMax));
  return { resources, constraints, replicas, containers, ips };
}

function childClone(b: BundleConfig, count: number, promotedMax: number): CloneConfig {
  const pairs: Array<[string, string]> = [["clone-max", String(count)], ["clone-node-max", "1"]];
  if (promotedMax > 0) pairs.push(["promoted-max", String(promotedMax)]);
  return { kind: "clone", id: b.id, promotable: promotedMax > 0, meta: [...b.meta, nvSet(`${b.id}-replicas`, pairs)], child: b.child! };
}

function colocation(id: string, rsc: string, withRsc: string, score = "INFINITY"): ColocationConstraint {
  return { kind: "colocation", id, rsc, withRsc, rscRole: undefined, withRscRole: undefined, score, nodeAttribute: undefined, sets: [] };
}

function order(id: string, first: string, then: string): OrderConstraint {
  return { kind: "order", id, first, then, firstAction: "start", thenAction: "start", orderKind: "Mandatory", score: undefined, symmetrical: undefined, requireAll: undefined, sets: [] };
}

/** The n-th address of an IPv4 range. */
function ipAddress(start: string | undefined, n: number): string | undefined {
  if (start === undefined) return undefined;
  const octets = start.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  const value = octets.reduce((acc, o) => acc * 256 + o, 0) + n;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Replica n of a bundle's primitive is the one on guest node <bundle>-<n>: number instances after their guest. */
export function numberBundleInstances(resources: Rsc[], bundles: BundleLink[]): void {
  for (const link of bundles) {
    const clone = resources.find((r): r is CloneRsc => r.kind === "clone" && r.id === link.id);
    if (clone === undefined) continue;
    for (const instance of clone.instances) {
      if (instance.kind !== "primitive") continue;
      const node = instance.assigned ?? instance.active[0]?.node;
      const replica = node === undefined ? -1 : link.guests.indexOf(node);
      if (replica >= 0) instance.id = `${instance.configId}:${replica}`;
    }
  }
}

/**
 * A replica whose container has no node while its guest connection runs or was
 * placed: the connection keeps that node and its replica of the primitive the guest,
 * but neither can start without the container (crm_simulate: "due to
 * unrunnable <container> start"; what runs stops, what does not is blocked).
 */
export function holdUnplacedReplicas(resources: Rsc[], bundles: BundleLink[], unrunnable: Map<PrimitiveRsc, Blocker>, usable: (node: NodeName) => boolean, unplacedPrimary: (container: PrimitiveRsc) => Rsc | undefined): void {
  const byId = new Map(resources.flatMap(primitivesOf).map((p) => [p.id, p]));
  for (const link of bundles) {
    const clone = resources.find((r): r is CloneRsc => r.kind === "clone" && r.id === link.id);
    link.containers.forEach((containerId, replica) => {
      const container = byId.get(containerId);
      const guest = link.guests[replica];
      const connection = guest === undefined ? undefined : byId.get(guest);
      if (container === undefined || container.assigned !== undefined || container.forceStop || !isManaged(container) || connection === undefined) return;
      const running = connection.active.find((a) => !a.failed && usable(a.node))?.node;
      const node = connection.assigned ?? running;
      const inner = innerReplica(clone, guest!, replica);
      if (node === undefined) {
        // The connection stops too: what runs on the guest waits for its start instead,
        // or for what the replica must run with, when that has no node either.
        const primary = unplacedPrimary(container);
        const reason = primary === undefined ? `due to unrunnable ${connection.id} start` : `due to colocation with ${primary.id}`;
        if (inner !== undefined && inner.assigned === undefined && inner.active.length > 0) hold(inner, guest!, reason, unrunnable);
        return;
      }
      connection.assigned = node;
      hold(connection, node, `due to unrunnable ${container.id} start`, unrunnable);
      if (inner !== undefined) hold(inner, guest!, `due to unrunnable ${container.id} start`, unrunnable);
    });
  }
}

/** Keeps a resource on its node, unable to start there: what runs stops, what does not is blocked. */
function hold(p: PrimitiveRsc, node: NodeName, reason: string, unrunnable: Map<PrimitiveRsc, Blocker>): void {
  p.assigned = node;
  if (p.nextRole === "Stopped") p.nextRole = p.active[0]?.role === "Promoted" ? "Promoted" : "Started";
  unrunnable.set(p, { reason, blocked: p.active.length === 0 });
}

/** The bundle's primitive instance of a replica: the one active on its guest, else a free one (numbered for it). */
function innerReplica(clone: CloneRsc | undefined, guest: NodeName, replica: number): PrimitiveRsc | undefined {
  const instances = (clone?.instances ?? []).filter((i): i is PrimitiveRsc => i.kind === "primitive");
  const here = instances.find((i) => i.assigned === guest || i.active.some((a) => a.node === guest));
  if (here !== undefined) return here;
  const free = instances.find((i) => i.assigned === undefined && i.active.length === 0);
  if (free !== undefined) free.id = `${free.configId}:${replica}`;
  return free;
}

/**
 * replicas-per-host: a node takes no more replicas of a bundle than that. Checked
 * as placement goes, so replicas that run keep their node (they are placed first).
 */
export class BundleLimits {
  private readonly siblings = new Map<string, { limit: number; containers: PrimitiveRsc[] }>();

  constructor(bundles: BundleLink[], resources: Rsc[]) {
    const byId = new Map(resources.flatMap(primitivesOf).map((p) => [p.id, p]));
    for (const b of bundles) {
      const entry = { limit: b.perHost, containers: b.containers.flatMap((id) => byId.get(id) ?? []) };
      for (const c of entry.containers) this.siblings.set(c.id, entry);
    }
  }

  canHost(unit: Rsc, node: SchedNode): boolean {
    if (unit.kind !== "primitive") return true;
    const entry = this.siblings.get(unit.id);
    if (entry === undefined) return true;
    let here = 0;
    for (const c of entry.containers) if (c !== unit && c.assigned === node.name) here++;
    return here < entry.limit;
  }

  /** Containers are placed like clone instances: one that runs keeps its node when it may stay there. */
  isContainer(p: PrimitiveRsc): boolean {
    return this.siblings.has(p.id);
  }

  /**
   * Replicas that run are placed before the ones that must start, and those that run
   * where they are banned after them (like clone instances: such a one stops, it does not move).
   */
  runningFirst(order: Rsc[], bannedWhereRunning: (p: PrimitiveRsc) => boolean): Rsc[] {
    const rank = (r: Rsc): number => {
      const running = primitivesOf(r).some((p) => p.active.length > 0);
      return !running ? 1 : primitivesOf(r).some(bannedWhereRunning) ? 2 : 0;
    };
    const result = [...order];
    // Within each bundle: its containers' places in the order are kept, filled in rank order.
    for (const entry of new Set(this.siblings.values())) {
      const slots: number[] = [];
      order.forEach((r, i) => {
        if (r.kind === "primitive" && entry.containers.includes(r)) slots.push(i);
      });
      const members = slots.map((i) => order[i]!);
      const sorted = [0, 1, 2].flatMap((k) => members.filter((r) => rank(r) === k));
      slots.forEach((slot, k) => (result[slot] = sorted[k]!));
    }
    return result;
  }
}

/**
 * A bundle is placed as one resource: its replicas' guest connections come after
 * their containers and before the bundle's clone, whose instances run on them.
 */
export function connectionsBeforeClones(order: Rsc[], bundles: BundleLink[]): Rsc[] {
  const guests = new Map(bundles.flatMap((b) => b.guests.map((g) => [g, b.id] as const)));
  const result = order.filter((r) => !guests.has(r.id));
  for (const b of bundles) {
    const at = result.findIndex((r) => r.id === b.id);
    if (at >= 0) result.splice(at, 0, ...order.filter((r) => guests.get(r.id) === b.id));
  }
  return result.length === order.length ? result : order;
}

/**
 * The summary lists a bundle replica by replica (address, container, guest
 * connection, then the primitive's replica), where the bundle's first line would be.
 */
export function orderBundleChanges(changes: Change[], bundles: BundleLink[]): Change[] {
  if (bundles.length === 0) return changes;
  const rank = new Map<string, number>();
  bundles.forEach((b, k) => {
    const base = k * 1e6;
    b.ips.forEach((id, i) => rank.set(id, base + i * 4));
    b.containers.forEach((id, i) => rank.set(id, base + i * 4 + 1));
    b.guests.forEach((id, i) => rank.set(id, base + i * 4 + 2));
  });
  const rankOf = (c: Change): number | undefined => {
    const own = rank.get(c.rsc.id);
    if (own !== undefined) return own;
    const k = bundles.findIndex((b) => c.rsc.parent?.kind === "clone" && c.rsc.parent.id === b.id);
    const replica = Number(/:(\d+)$/.exec(c.rsc.id)?.[1] ?? "0");
    return k < 0 ? undefined : k * 1e6 + replica * 4 + 3;
  };
  const members = changes.filter((c) => rankOf(c) !== undefined).sort((a, b) => rankOf(a)! - rankOf(b)!);
  if (members.length === 0) return changes;
  const at = changes.findIndex((c) => rankOf(c) !== undefined);
  const others = changes.filter((c) => rankOf(c) === undefined);
  return [...others.slice(0, at), ...members, ...others.slice(at)];
}
