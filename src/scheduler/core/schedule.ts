import type { SchedulerInput } from "../../cib/index.js";
import { readOptions, type ClusterOptions } from "./options.js";
import { unpackNodes } from "./nodes.js";
import { buildResources } from "./resources.js";
import { unpackStatus, type FailureTable } from "./status.js";
import { readConstraints, type Constraints } from "./constraints.js";
import { nodeUsable, placeAll, type PlacementContext } from "./placement.js";
import { inAllocationOrder } from "./allocation-order.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { cloneOf, primitivesOf } from "./model.js";
import { planChanges, type Blocker, type Change } from "./changes.js";
import { byPriority, formatSummary, type FenceLine } from "./summary.js";
import { applyOrderings } from "./ordering.js";
import { buildGraph, type TransitionGraph } from "./graph.js";
import { parseIntervalMs, resolveNvSets } from "./rules.js";
import { INFINITY, type Score } from "./score.js";
import type { NodeRequest } from "./onfail.js";
import { evaluateTickets } from "./tickets.js";
import { connectionsFirst, connectionsOf, RemoteNodes, remoteSpecs, unpackRemoteNodes, withGuestConnections, type RemoteSpec } from "./remote.js";
import { BundleLimits, connectionsBeforeClones, expandBundles, holdUnplacedReplicas, numberBundleInstances, orderBundleChanges } from "./bundle.js";
import { blockedStops } from "./blocked-stops.js";
import type { ParameterDigest } from "./definition.js";
import { applySuicide, cannotFence, dcNode, fenceLines, FencingPolicy, handOverFailedInstances } from "./fencing.js";
import { planUnfencing } from "./unfencing.js";
import { pendingProbeBlockers } from "./membership.js";
import { multipleActiveRestarts, settleMultipleActive } from "./multiple-active.js";
import { adoptOrphans } from "./orphans.js";
import { addContainerConstraints, containment, countGuestFailures, settleContainers } from "./containers.js";
import { agentRestarts } from "./agent-change.js";
import { settleMigrations } from "./migration.js";
import { shutdownLocks } from "./shutdown-lock.js";
import { migrationBlockers, stopsAndStarts } from "./migration-plan.js";

export interface Transition {
  now: number;
  options: ClusterOptions;
  nodes: SchedNode[];
  resources: Rsc[];
  constraints: Constraints;
  changes: Change[];
  fences: FenceLine[];
  /** The "Transition Summary:" lines. */
  summary: string[];
  graph: TransitionGraph;
  /** Allocation scores per placement unit (resource id → node → score). */
  scores: Map<string, Map<NodeName, Score>>;
  failures: FailureTable;
}

/**
 * The scheduler: configuration + status in, transition out. Stages: unpack status,
 * node scores and allocation, required changes, ordering, summary and graph.
 * `nowS` is used when the CIB carries no execution-date. With `digest` (the executor's
 * opDigest) a resource whose parameters changed since it started is restarted.
 */
export function schedule(cib: SchedulerInput, nowS: number, digest?: ParameterDigest): Transition {
  const now = cib.now ?? nowS;
  const options = readOptions(cib, now);
  const { input: expanded, bundles } = expandBundles(cib);
  const specs = remoteSpecs(expanded);
  const input = withGuestConnections(expanded, specs);
  const nodes = [...unpackNodes(input, options, now), ...unpackRemoteNodes(input, specs, options, now)];
  applySuicide(nodes, options, input.haveQuorum);
  const remote = new RemoteNodes(specs, nodes, input.status, bundles);
  const resources = buildResources(input, nodes.length, now, options.maintenanceMode);
  remote.bind(resources);
  if (options.stopAllResources) stopAll(resources);
  const status = unpackStatus(input, nodes, resources, options.stonithEnabled, now, remote, digest);
  settleMigrations(status.histories, nodes);
  remote.afterRemoteHistories(resources, options.stonithEnabled);
  for (const request of status.requests) if (request.kind !== "fence" || !remote.fenceGuest(request.node)) applyNodeRequest(nodes, request);
  resources.push(...adoptOrphans(status, options));
  // An orphaned connection is a resource only now.
  remote.bind(resources);
  settleMultipleActive(resources, nodes);
  const contained = containment(resources);
  const containerRestarts = settleContainers(contained, status.failures, now);
  countGuestFailures(guestContainment(resources, specs), status.failures, now);
  remote.markGuestFailures(resources, nodes);
  remote.holdReconnects(status.failures, now);
  remote.openForPlacement();
  const constraints = readConstraints(input, resources, nodes, now);
  addContainerConstraints(constraints, contained);
  constraints.locations.push(...shutdownLocks(input, resources, nodes, options, now));
  remote.addConstraints(constraints, nodes);
  const tickets = evaluateTickets(constraints.tickets, input.tickets, nodes);
  for (const request of tickets.requests) applyNodeRequest(nodes, request);
  const limits = new BundleLimits(bundles, resources);
  // A bundle's guest connections are placed with their bundle, not before everything else.
  const bundleGuests = new Set(bundles.flatMap((b) => b.guests));
  const topLevelSpecs = specs.filter((s) => !bundleGuests.has(s.name));
  const ctx: PlacementContext = {
    nodes, options, constraints, failures: status.failures, now, tickets: tickets.effects,
    withPrimary: new Map(), withDependent: new Map(), unitScores: new Map(), state: new Map(), used: new Map(), locationsByRsc: new Map(),
    canHost: specs.length === 0 && bundles.length === 0 ? undefined : (unit, node) => remote.canHost(unit, node) && limits.canHost(unit, node),
    keepsNode: bundles.length === 0 ? undefined : (p) => limits.isContainer(p),
    placeFirst: specs.length === 0 ? undefined : connectionsOf(resources, topLevelSpecs),
    clusterHostOf: specs.length === 0 ? undefined : (node) => remote.clusterHost(node),
  };
  const bannedWhereRunning = (p: PrimitiveRsc): boolean => constraints.locations.some((l) =>
    l.rsc === p && l.role !== "Promoted" && l.role !== "Unpromoted" && p.active.some((a) => (l.scores.get(a.node) ?? 0) < 0));
  const placed = placeAll(limits.runningFirst(connectionsBeforeClones(connectionsFirst(resources, topLevelSpecs), bundles), bannedWhereRunning), ctx);
  numberBundleInstances(resources, bundles);
  const failureFenced = new Set(status.requests.flatMap((r) => (r.kind === "fence" && r.source !== undefined ? [r.source] : [])));
  handOverFailedInstances(failureFenced);
  remote.addGuestOrderings(constraints, resources);
  const hostFences = fenceLines(nodes, options, input.haveQuorum);
  const fences = [...remote.fences(resources, options.stonithEnabled, new Set(hostFences.map((f) => f.node))), ...hostFences];
  const fenced = new Set(fences.filter((f) => f.resource === undefined).map((f) => f.node));
  const policy = new FencingPolicy(resources, options);
  const blockers = quorumBlockers(resources, input.haveQuorum, options, policy, fenced);
  const unplacedPrimary = (p: PrimitiveRsc): Rsc | undefined =>
    constraints.colocations.find((c) => c.dependent === p && c.score >= INFINITY && c.primary.kind === "primitive" && c.primary.assigned === undefined)?.primary;
  holdUnplacedReplicas(resources, bundles, blockers.unrunnable, (name) => nodes.some((n) => n.name === name && nodeUsable(n)), unplacedPrimary);
  if (options.stonithEnabled) holdUnfencedStops(resources, nodes, fenced, blockers, (p) => quorumStopReason(p, input.haveQuorum, options, policy));
  if (options.stonithEnabled) pendingProbeBlockers(resources, nodes, blockers.unrunnable);
  const unfencing = planUnfencing(resources, nodes, policy, fenced, now, digest);
  const ordering = applyOrderings(resources, constraints, blockers.unrunnable, new Map([...unfencing.restarts, ...initialRestarts(resources, containerRestarts, new Set([...agentRestarts(status.agentChanged), ...status.pendingReloads]))]));
  const planned = planChanges(resources, {
    restarts: ordering.restarts,
    unrunnable: blockers.unrunnable,
    stopReason: blockers.stopReason,
    fenced,
    failureFenced,
    stopBlocked: blockedStops(resources, constraints),
    canMigrate: (_p, from) => nodes.some((n) => n.name === from && n.online),
    migrationBlockers: migrationBlockers(constraints, (p) => stopsAndStarts(p, ordering.restarts)),
  });
  remote.recoverContainers(planned);
  const inert = cannotFence(resources, options);
  const changes = inert ? [] : inAllocationOrder(byPriority(orderBundleChanges(planned, bundles)), placed, ctx);
  const scores = new Map<string, Map<NodeName, Score>>();
  for (const [unit, s] of ctx.unitScores) if (!(unit.kind === "primitive" && unit.orphan === true)) scores.set(unit.id, s);
  const { graph, unfencing: unfences } = buildGraph({
    changes, fences: inert ? [] : fences, constraints, resources, nodes, maintenance: options.maintenanceMode, histories: status.histories,
    failCountClears: status.failCountClears, agentChanged: status.agentChanged, anonymousHistories: status.anonymousHistories,
    leaving: new Set(nodes.filter((n) => n.shutdown).map((n) => n.name)),
    shutdowns: nodes.filter((n) => n.shutdown && n.online && !remote.isRemote(n.name)).map((n) => n.name),
    defaultTimeoutMs: parseIntervalMs(resolveNvSets(input.opDefaults, { node: undefined, now }).get("timeout")),
    fencing: { policy, dc: dcNode(nodes, input.dcUuid), concurrent: options.concurrentFencing, unfencing },
  });
  const allFences = inert ? [] : [...fences, ...unfences];
  return {
    now, options, nodes, resources, constraints, changes, fences: allFences,
    summary: formatSummary(changes, allFences),
    graph,
    scores,
    failures: status.failures,
  };
}

/** Each guest node's connection with its container. */
function guestContainment(resources: Rsc[], specs: RemoteSpec[]): Array<[PrimitiveRsc, PrimitiveRsc]> {
  const byId = new Map(resources.flatMap(primitivesOf).map((p) => [p.id, p] as const));
  return specs.flatMap((s) => {
    const connection = byId.get(s.connection), container = s.container === undefined ? undefined : byId.get(s.container);
    return connection === undefined || container === undefined ? [] : [[connection, container] as [PrimitiveRsc, PrimitiveRsc]];
  });
}

/** Resources restarted in place: parameters changed, multiply active, or a container recovering what failed inside it. */
function initialRestarts(resources: Rsc[], containers: Set<PrimitiveRsc>, quietRestarts: Set<PrimitiveRsc>): Map<PrimitiveRsc, string> {
  const restarts = new Map<PrimitiveRsc, string>();
  for (const p of resources.flatMap(primitivesOf)) if (p.definitionChange === "restart") restarts.set(p, "due to resource definition change");
  for (const p of multipleActiveRestarts(resources)) restarts.set(p, "due to being multiply active");
  // A container restarts to recover what failed inside it, a resource whose agent changed
  // to run under the new one (its old digests no longer count), a pending start that a
  // reload would change: their own line gives no reason.
  for (const p of containers) if (!restarts.has(p)) restarts.set(p, "");
  for (const p of quietRestarts) restarts.set(p, "");
  return restarts;
}

function applyNodeRequest(nodes: SchedNode[], request: NodeRequest): void {
  const node = nodes.find((n) => n.name === request.node);
  if (node === undefined) return;
  if (request.kind === "standby") node.standby = true;
  else if (!node.unclean) {
    node.unclean = true;
    node.fenceReason = request.reason;
  }
}

/**
 * What runs on an unclean node that cannot be fenced now (no quorum) cannot be
 * stopped either: it is left alone, and a fencing device's stop is shown blocked.
 */
function holdUnfencedStops(resources: Rsc[], nodes: SchedNode[], fenced: Set<NodeName>, blockers: QuorumBlockers, quorumReason: (p: PrimitiveRsc) => string | undefined): void {
  const stuck = new Set(nodes.filter((n) => n.unclean && !fenced.has(n.name)).map((n) => n.name));
  if (stuck.size === 0) return;
  for (const p of resources.flatMap(primitivesOf)) {
    if (blockers.stopReason.has(p) || !p.active.some((a) => stuck.has(a.node))) continue;
    // Placed elsewhere, it cannot start there before its stop: the stop is shown blocked.
    const placedNowhere = p.assigned === undefined ? "due to node availability" : undefined;
    if (p.config.class !== "stonith") blockers.unrunnable.set(p, { reason: quorumReason(p) ?? placedNowhere, blocked: true });
    else if (p.assigned === undefined) blockers.stopReason.set(p, { reason: placedNowhere, blocked: true });
    else blockers.unrunnable.set(p, { reason: undefined, blocked: true });
  }
}

/** A stop that quorum loss asks for: under stop and demote, for what requires quorum. */
function quorumStopReason(p: PrimitiveRsc, haveQuorum: boolean, options: ClusterOptions, policy: FencingPolicy): string | undefined {
  if (haveQuorum || !["stop", "demote"].includes(options.noQuorumPolicy)) return undefined;
  return policy.requirement(p) === "nothing" ? undefined : "due to no quorum";
}

interface QuorumBlockers {
  unrunnable: Map<PrimitiveRsc, Blocker>;
  stopReason: Map<PrimitiveRsc, Blocker>;
}

/** Without quorum (and no-quorum-policy other than ignore) nothing new may start. */
function quorumBlockers(resources: Rsc[], haveQuorum: boolean, options: ClusterOptions, policy: FencingPolicy, fenced: Set<NodeName>): QuorumBlockers {
  const unrunnable = new Map<PrimitiveRsc, Blocker>();
  const stopReason = new Map<PrimitiveRsc, Blocker>();
  // Under suicide every node of the partition is fenced: nothing runs or starts anyway.
  if (haveQuorum || options.noQuorumPolicy === "ignore" || options.noQuorumPolicy === "suicide") return { unrunnable, stopReason };
  const freeze = options.noQuorumPolicy === "freeze";
  const demote = options.noQuorumPolicy === "demote";
  for (const p of resources.flatMap(primitivesOf)) {
    if (demote && cloneOf(p)?.promotable === true) {
      // no-quorum-policy=demote: promotable instances keep running, unpromoted.
      if (p.nextRole === "Promoted") p.nextRole = "Unpromoted";
      if (p.active.length === 0 && p.assigned !== undefined) unrunnable.set(p, { reason: "due to no quorum", blocked: true });
      continue;
    }
    // requires=nothing: it may run and start without quorum.
    if (policy.requirement(p) === "nothing") continue;
    const running = p.active.length > 0;
    // What runs only on nodes being fenced stops with them, for node availability.
    if (running && p.assigned === undefined && p.active.every((a) => fenced.has(a.node))) continue;
    if (freeze) {
      if (!running && p.assigned !== undefined) unrunnable.set(p, { reason: "due to quorum freeze", blocked: true });
      // Frozen roles too: no instance is promoted (crm_simulate lists no blocked promote).
      if (running && p.nextRole === "Promoted" && !p.active.some((a) => a.role === "Promoted")) p.nextRole = "Unpromoted";
      continue;
    }
    if (running) unrunnable.set(p, { reason: "due to no quorum", blocked: false });
    else if (p.assigned !== undefined) unrunnable.set(p, { reason: "due to no quorum", blocked: true });
  }
  return { unrunnable, stopReason };
}

/** stop-all-resources: as if every resource, and everything in it, had target-role=Stopped. */
function stopAll(resources: Rsc[]): void {
  const visit = (r: Rsc): void => {
    r.meta.set("target-role", "Stopped");
    if (r.kind === "group") r.children.forEach(visit);
    if (r.kind === "clone") r.instances.forEach(visit);
  };
  resources.forEach(visit);
}
