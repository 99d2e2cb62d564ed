import { CLUSTER_HOST } from "./colocation-scores.js";
import type { NodeConfig, PrimitiveConfig, SchedulerInput } from "../../cib/index.js";
import type { ClusterOptions } from "./options.js";
import { buildNode } from "./nodes.js";
import type { BundleLink } from "./bundle.js";
import type { Change } from "./changes.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isManaged } from "./meta.js";
import type { Constraints, Ordering } from "./constraints.js";
import type { FailureTable, StatusView } from "./status.js";
import type { FenceLine } from "./summary.js";
import { parseIntervalMs, resolveNvSets } from "./rules.js";
import { INFINITY, ZERO } from "./score.js";

/**
 * Pacemaker Remote ("Pacemaker Remote", chapters on remote and guest nodes): a
 * remote node is named after its ocf:pacemaker:remote connection resource; a guest
 * node is named by the remote-node meta-attribute of the resource that runs it (its
 * container), and its connection is an implicit resource of the same name.
 */
export interface RemoteSpec {
  name: NodeName;
  kind: "remote" | "guest";
  /** Id of the connection resource (the node's own name). */
  connection: string;
  /** Id of the container resource of a guest node. */
  container: string | undefined;
  /** A connection the status shows but the configuration no longer has: its node is shutting down. */
  orphan?: boolean;
}

export function isRemoteConnection(config: PrimitiveConfig): boolean {
  return config.class === "ocf" && config.provider === "pacemaker" && config.type === "remote";
}

/** The remote and guest nodes the configuration defines, in resource order. */
export function remoteSpecs(input: SchedulerInput): RemoteSpec[] {
  const specs: RemoteSpec[] = [];
  const primitives = input.resources.flatMap((r) => (r.kind === "primitive" ? [r] : r.kind === "group" ? r.children : []));
  for (const p of primitives) {
    if (isRemoteConnection(p)) specs.push({ name: p.id, kind: "remote", connection: p.id, container: undefined });
    const guest = resolveNvSets(p.meta, { node: undefined, now: 0 }).get("remote-node");
    if (guest !== undefined && guest !== "") specs.push({ name: guest, kind: "guest", connection: guest, container: p.id });
  }
  return [...specs, ...orphanConnections(input, new Set(specs.map((s) => s.name)))];
}

/**
 * Connections found in the cluster nodes' histories that the configuration no longer
 * has (orphans, stopped like any other): their remote nodes exist until they are gone,
 * shutting down, so what still runs there is stopped too.
 */
function orphanConnections(input: SchedulerInput, known: Set<NodeName>): RemoteSpec[] {
  const configured = new Set(input.resources.flatMap(configuredIds));
  const orphans: RemoteSpec[] = [];
  for (const state of input.status) {
    for (const lrm of state.resources) {
      const remoteAgent = lrm.class === "ocf" && lrm.provider === "pacemaker" && lrm.type === "remote";
      if (!remoteAgent || configured.has(lrm.id) || known.has(lrm.id)) continue;
      known.add(lrm.id);
      orphans.push({ name: lrm.id, kind: "remote", connection: lrm.id, container: undefined, orphan: true });
    }
  }
  return orphans;
}

/** Adds the implicit connection resource of every guest node (placed first, like explicit connections). */
export function withGuestConnections(input: SchedulerInput, specs: RemoteSpec[]): SchedulerInput {
  const guests = specs.filter((s) => s.kind === "guest");
  if (guests.length === 0) return input;
  const connections: PrimitiveConfig[] = guests.map((g) => ({
    kind: "primitive", id: g.name, template: undefined, class: "ocf", provider: "pacemaker", type: "remote",
    meta: [], instance: [], utilization: [], implicit: true,
    ops: [{ id: `${g.name}-monitor-interval-30s`, name: "monitor", interval: "30s", role: undefined, timeout: undefined, onFail: undefined, enabled: true, meta: [], instance: [] }],
  }));
  return { ...input, resources: [...input.resources, ...connections] };
}

/** Connection resources (and the containers they need) are placed before everything else. */
export function connectionsFirst(resources: Rsc[], specs: RemoteSpec[]): Rsc[] {
  const containerOf = new Map(specs.map((s) => [s.connection, s.container]));
  const isConnection = (r: Rsc): boolean => r.kind === "primitive" && containerOf.has(r.id);
  // Connections that run (or whose container runs) keep their place before new ones.
  const byId = new Map(resources.map((r) => [r.id, r]));
  const running = (r: Rsc): boolean => primitivesOf(r).some((p) => p.active.length > 0) ||
    [containerOf.get(r.id)].some((c) => c !== undefined && byId.get(c) !== undefined && primitivesOf(byId.get(c)!).some((p) => p.active.length > 0));
  const connections = resources.filter(isConnection);
  return [...connections.filter(running), ...connections.filter((r) => !running(r)), ...resources.filter((r) => !isConnection(r))];
}

export function connectionsOf(resources: Rsc[], specs: RemoteSpec[]): Set<Rsc> {
  const ids = new Set(specs.map((s) => s.connection));
  return new Set(resources.filter((r) => r.kind === "primitive" && ids.has(r.id)));
}

/**
 * The remote and guest nodes, offline until their connections' histories are read.
 * Node entries of type remote only carry attributes for the remote node of that name.
 */
export function unpackRemoteNodes(input: SchedulerInput, specs: RemoteSpec[], options: ClusterOptions, now: number): SchedNode[] {
  return specs.map((spec) => {
    const configured = input.nodes.find((n) => n.type === "remote" && (n.uname === spec.name || n.id === spec.name));
    const config: NodeConfig = { id: spec.name, uname: spec.name, type: "remote", attributes: configured?.attributes ?? [], utilization: configured?.utilization ?? [] };
    const state = input.status.find((s) => s.id === spec.name);
    const node = buildNode(config, state, options, now);
    if (spec.kind === "guest") node.attributes.set("#kind", "container");
    if (spec.orphan === true) node.shutdown = true;
    node.online = false;
    node.unclean = false;
    node.fenceReason = undefined;
    return node;
  });
}

/** Everything the scheduler needs to know about the remote nodes of one run. */
export class RemoteNodes {
  private readonly byName = new Map<NodeName, { spec: RemoteSpec; node: SchedNode }>();
  private connections = new Map<NodeName, PrimitiveRsc>();
  private containers = new Map<NodeName, PrimitiveRsc>();
  /** Containers recovered to fence their guest. */
  private readonly recovering = new Set<PrimitiveRsc>();
  /** Guests whose container does not run, and those of them with resources thought active. */
  private readonly containerless = new Set<NodeName>();
  private readonly lostGuests = new Set<NodeName>();
  /** Guests to be fenced for a failure inside (on-fail=fence): they stay up while their container recovers. */
  private readonly resetGuests = new Set<NodeName>();
  /** Remote nodes whose connection failed to start: fenced if something is thought active there. */
  private readonly startFailed = new Set<NodeName>();

  /** Remote nodes whose status holds an operation history (what runs there is known). */
  private readonly historyKnown = new Set<NodeName>();

  /** Bundle guests host only their bundle's replicas, which run nowhere else. */
  private readonly bundleOfGuest = new Map<NodeName, string>();
  private readonly guestsOfBundle = new Map<string, Set<NodeName>>();

  constructor(readonly specs: RemoteSpec[], nodes: SchedNode[], status: SchedulerInput["status"], bundles: BundleLink[] = []) {
    for (const b of bundles) {
      this.guestsOfBundle.set(b.id, new Set(b.guests));
      for (const g of b.guests) this.bundleOfGuest.set(g, b.id);
    }
    for (const state of status) if (state.resources.length > 0) this.historyKnown.add(state.id);
    for (const spec of specs) {
      const node = nodes.find((n) => n.name === spec.name);
      if (node !== undefined) this.byName.set(spec.name, { spec, node });
    }
  }

  /** Links the nodes to their connection and container resources once these exist. */
  bind(resources: Rsc[]): void {
    const byId = new Map(resources.flatMap(primitivesOf).map((p) => [p.id, p]));
    for (const { spec } of this.byName.values()) {
      const connection = byId.get(spec.connection);
      if (connection !== undefined) this.connections.set(spec.name, connection);
      const container = spec.container === undefined ? undefined : byId.get(spec.container);
      if (container !== undefined) this.containers.set(spec.name, container);
    }
  }

  isRemote(node: NodeName): boolean {
    return this.byName.has(node);
  }

  /**
   * Membership of remote nodes follows their connection (read from the cluster
   * nodes' histories, before the remote nodes' own): a running connection makes the
   * node online, a failed one leaves it unclean.
   */
  settle(view: StatusView, stonithEnabled: boolean): void {
    for (const { spec, node } of this.byName.values()) {
      const connection = this.connections.get(spec.name);
      const active = connection?.active[0] ?? (spec.orphan === true ? orphanActive(view, spec.connection) : undefined);
      node.online = active !== undefined;
      node.unclean = false;
      node.fenceReason = undefined;
      if (spec.kind === "guest") {
        const containerRuns = this.containers.get(spec.name)?.active.length !== 0;
        node.online = active !== undefined && containerRuns;
        // With fencing, the guest's own history decides whether it must be fenced.
        if (!containerRuns) {
          this.containerless.add(spec.name);
          node.online = stonithEnabled;
        }
        continue;
      }
      if (active === undefined || !active.failed) continue;
      node.online = false;
      const failedOp = view.histories.get(connection!)?.get(active.node)?.failedOp;
      if (failedOp?.name === "start") {
        // Read its history: what is thought to run there decides the fencing.
        this.startFailed.add(spec.name);
        node.online = true;
      } else if (stonithEnabled) {
        node.unclean = true;
        node.fenceReason = "remote connection is unrecoverable";
      }
    }
  }

  /** After the remote nodes' histories: a failed connection start leaves what ran there unknown. */
  afterRemoteHistories(resources: Rsc[], stonithEnabled: boolean): void {
    for (const name of this.containerless) {
      const entry = this.byName.get(name)!;
      // A container may itself run on a remote node, whose history is read by now.
      const containerRuns = (this.containers.get(name)?.active.length ?? 0) > 0;
      if (containerRuns) entry.node.online = this.connections.get(name)?.active[0] !== undefined;
      else if (stonithEnabled && activeOn(resources, name).length > 0) this.lostGuests.add(name);
      else entry.node.online = false;
    }
    for (const name of this.startFailed) {
      const entry = this.byName.get(name)!;
      entry.node.online = false;
      const first = activeOn(resources, name)[0];
      if (first === undefined || !stonithEnabled) continue;
      entry.node.unclean = true;
      entry.node.fenceReason = `${first.id} is thought to be active there`;
    }
  }

  /**
   * reconnect_interval (a remote connection's parameter): after the connection was
   * lost, the cluster waits that long from the failure before connecting again.
   */
  holdReconnects(failures: FailureTable, now: number): void {
    for (const { spec } of this.byName.values()) {
      const connection = this.connections.get(spec.name);
      if (connection === undefined || connection.active.some((a) => !a.failed)) continue;
      const intervalS = parseIntervalMs(resolveNvSets(connection.config.instance, { node: undefined, now }).get("reconnect_interval")) / 1000;
      if (intervalS <= 0) continue;
      // A connection that just failed is stopped: the reconnection comes later.
      if (connection.active.length > 0) {
        connection.forceStop = true;
        continue;
      }
      const lastFailure = Math.max(0, ...[...failures.values()].map((byRsc) => byRsc.get(connection.configId)?.lastFailureAt ?? 0));
      // Held stopped like on-fail=stop, until the interval has passed.
      if (lastFailure > 0 && lastFailure + intervalS > now) connection.forceStop = true;
    }
  }

  /**
   * A guest whose container or connection failed, or whose connection's host is
   * lost, is fenced (its container restarted): what ran there has to be recovered.
   */
  markGuestFailures(resources: Rsc[], nodes: SchedNode[]): void {
    const lost = new Set(nodes.filter((n) => n.unclean).map((n) => n.name));
    // What runs on a node that is fenced is recovered: a demotion for its failure is moot.
    for (const p of resources.flatMap(primitivesOf)) if (p.demoteOnly && p.active.some((a) => lost.has(a.node))) p.demoteOnly = false;
    for (const { spec } of this.byName.values()) {
      const active = this.connections.get(spec.name)?.active[0];
      const containerFailed = !this.resetGuests.has(spec.name) && this.containers.get(spec.name)?.active.some((a) => a.failed) === true;
      const guestLost = this.lostGuests.has(spec.name) || active?.failed === true || containerFailed || (active !== undefined && lost.has(active.node));
      if (spec.kind !== "guest" || !guestLost) continue;
      for (const p of activeOn(resources, spec.name)) {
        // Fencing the guest recovers what ran there: a demotion for its failure is moot.
        p.demoteOnly = false;
        for (const a of p.active) if (a.node === spec.name && !a.failed) {
          a.failed = true;
          p.failedOn.push(spec.name);
        }
      }
    }
  }

  /**
   * A failure inside a guest that asks for fencing (on-fail=fence): the guest is fenced by
   * recovering its container. It stays up meanwhile: what runs there is not failed, it
   * restarts after the container. False when the node is no guest with a container.
   */
  fenceGuest(name: NodeName): boolean {
    const container = this.byName.get(name)?.spec.kind === "guest" ? this.containers.get(name) : undefined;
    if (container === undefined) return false;
    for (const a of container.active) a.failed = true;
    this.resetGuests.add(name);
    return true;
  }

  /** A remote (not guest) node whose connection is known not to run now. */
  private connectionDown(node: NodeName): boolean {
    const entry = this.byName.get(node);
    const connection = this.connections.get(node);
    // Known to be down: probed (or stopped) somewhere, running nowhere.
    return entry !== undefined && entry.spec.kind === "remote" && entry.spec.orphan !== true && connection !== undefined &&
      connection.probedOn.size > 0 && !connection.active.some((a) => !a.failed);
  }

  /** A container that leaves a fenced host to fence its guest is recovered, not just moved. */
  recoverContainers(changes: Change[]): void {
    for (const change of changes) if (change.verb === "Move" && this.recovering.has(change.rsc)) change.verb = "Recover";
  }

  /**
   * Once their histories are read, remote nodes that need no fencing are open to
   * placement: they can host resources as soon as their connection starts.
   */
  openForPlacement(): void {
    for (const { node } of this.byName.values()) if (!node.unclean) node.online = true;
  }

  /**
   * Whether placement may put this unit on the node: fencing devices, connections
   * and guest containers run on cluster nodes only (bundle containers on remote nodes
   * too), and a remote node hosts resources
   * only while its connection (and container) will be running.
   */
  canHost(unit: Rsc, node: SchedNode): boolean {
    const bundleGuests = unit.kind === "clone" ? this.guestsOfBundle.get(unit.id) : undefined;
    if (bundleGuests !== undefined && !bundleGuests.has(node.name)) return false;
    const entry = this.byName.get(node.name);
    if (entry === undefined) return true;
    const bundle = this.bundleOfGuest.get(node.name);
    if (bundle !== undefined && (unit.kind !== "clone" || unit.id !== bundle)) return false;
    for (const p of primitivesOf(unit)) {
      if (p.config.class === "stonith" || isRemoteConnection(p.config)) return false;
      // A bundle's containers may run on remote nodes (Pacemaker Remote, "Bundles"), never on guests.
      if (this.isContainer(p) && (entry.spec.kind === "guest" || !this.isBundleContainer(p))) return false;
    }
    const connection = this.connections.get(node.name);
    if (connection === undefined || connection.assigned === undefined) return false;
    const container = this.containers.get(node.name);
    return entry.spec.kind === "remote" || (container !== undefined && container.assigned !== undefined);
  }

  /** A cluster node is its own host; a remote node's host is where its connection is placed. */
  clusterHost(node: NodeName): NodeName | undefined {
    const entry = this.byName.get(node);
    if (entry === undefined) return node;
    return entry.spec.kind === "remote" ? this.connections.get(node)?.assigned : undefined;
  }

  private isBundleContainer(p: PrimitiveRsc): boolean {
    for (const [guest, c] of this.containers) if (c.configId === p.configId) return this.bundleOfGuest.has(guest);
    return false;
  }

  private isContainer(p: PrimitiveRsc): boolean {
    for (const c of this.containers.values()) if (c.configId === p.configId) return true;
    return false;
  }

  /** Implicit constraints: a guest's connection runs with its container and starts after it. */
  addConstraints(constraints: Constraints, nodes: SchedNode[]): void {
    const clusterNodes = nodes.filter((n) => !this.isRemote(n.name));
    for (const { spec } of this.byName.values()) {
      const connection = this.connections.get(spec.name);
      const container = this.containers.get(spec.name);
      if (connection === undefined || container === undefined) continue;
      // On the container's node, or, for a bundle container on a remote node, on that node's connection host.
      // A bundle replica's connection is placed even when its container is not (it then cannot start).
      const bundled = this.bundleOfGuest.has(spec.name) && isManaged(container) ? { whenPrimaryPlaced: true } : {};
      constraints.colocations.push({ id: `${spec.name}-with-container`, dependent: connection, primary: container, score: INFINITY, dependentRole: undefined, primaryRole: undefined, nodeAttribute: CLUSTER_HOST, ...bundled });
      constraints.orderings.push(startOrder(`${spec.name}-after-container`, container, connection));
      // The connection goes wherever its container goes, even in an opt-in cluster.
      constraints.locations.push({ id: `${spec.name}-anywhere`, rsc: connection, role: undefined, scores: new Map(clusterNodes.map((n) => [n.name, ZERO])), discovery: "always" });
    }
  }

  /**
   * After placement: what stays on a guest starts after the guest's container (and
   * so restarts with it); a remote node's resources survive a connection move.
   */
  addGuestOrderings(constraints: Constraints, resources: Rsc[]): void {
    const orders: Ordering[] = [];
    for (const { spec } of this.byName.values()) {
      const container = this.containers.get(spec.name);
      if (container === undefined) continue;
      for (const p of activeOn(resources, spec.name)) {
        if (p.assigned === spec.name) orders.push(startOrder(`${p.id}-on-${spec.name}`, container, p));
      }
    }
    // Before the configured orders: a restart with the container names it (crm_simulate).
    constraints.orderings.unshift(...orders);
  }

  /**
   * Fencing that placement decides: a remote node whose connection cannot run
   * anywhere any more, while resources are still active there, and guest nodes whose
   * container or connection failed (their "fencing" is the container's recovery).
   */
  fences(resources: Rsc[], stonithEnabled: boolean, fencedHosts: Set<NodeName>): FenceLine[] {
    const lines: FenceLine[] = [];
    for (const { spec, node } of this.byName.values()) {
      const connection = this.connections.get(spec.name);
      if (connection === undefined) continue;
      if (spec.kind === "guest") {
        const container = this.containers.get(spec.name);
        // A guest whose connection is down, with its container on a remote node whose own
        // connection is down, is lost with it (even unfenced): fenced by recovering the container.
        const guestDown = !connection.active.some((a) => !a.failed);
        const hostLost = (node: NodeName): boolean => fencedHosts.has(node) || (guestDown && this.connectionDown(node));
        const failed = this.lostGuests.has(spec.name) || connection.active.some((a) => a.failed) || container?.active.some((a) => a.failed || hostLost(a.node)) === true;
        if (!failed) continue;
        lines.push({ node: spec.name, action: "reboot", reason: "guest is unclean", resource: container?.id });
        // Fencing a guest is recovering its container.
        for (const a of container?.active ?? []) a.failed = true;
        if (container !== undefined && activeOn(resources, spec.name).length > 0) this.recovering.add(container);
        // Lost with the container's host: what ran on the guest is recovered too.
        if (guestDown && container?.active.some((a) => this.connectionDown(a.node)) === true) {
          for (const p of activeOn(resources, spec.name)) for (const a of p.active) if (a.node === spec.name) a.failed = true;
        }
        continue;
      }
      const hostLost = connection.active.some((a) => fencedHosts.has(a.node));
      if (!stonithEnabled || node.unclean || !hostLost || connection.assigned !== undefined) continue;
      if (activeOn(resources, spec.name).length > 0) node.fenceReason = "resources are active but connection is unrecoverable";
      else if (!this.historyKnown.has(spec.name)) node.fenceReason = "resources are in unknown state and connection is unrecoverable";
      else continue;
      node.unclean = true;
      lines.push({ node: spec.name, action: "reboot", reason: node.fenceReason });
    }
    return lines;
  }
}

function startOrder(id: string, first: Rsc, then: Rsc): Ordering {
  return { id, anyOf: undefined, cloneMin: undefined, first, firstAction: "start", then, thenAction: "start", kind: "Mandatory" };
}

function activeOn(resources: Rsc[], node: NodeName): PrimitiveRsc[] {
  return resources.flatMap(primitivesOf).filter((p) => p.active.some((a) => a.node === node));
}

function configuredIds(r: SchedulerInput["resources"][number]): string[] {
  return [r.id, ...(r.kind === "group" ? r.children.flatMap(configuredIds) : r.kind === "clone" ? configuredIds(r.child) : [])];
}

/** Where an orphaned connection's history shows it running. */
function orphanActive(view: StatusView, connection: string): { failed: boolean; node: NodeName } | undefined {
  const found = view.orphans.find((o) => o.resource.id === connection && o.history.role !== "Stopped");
  return found === undefined ? undefined : { failed: found.history.failed, node: found.node };
}
