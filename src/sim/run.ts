import { seededRng, type Rng } from "../lib/rng.js";
import { quorumOptions, type QuorumOptions, type QuorumSettings } from "../quorum/index.js";
import { effectiveTotemConfig, nodeId, type TotemConfig, type TotemSettings } from "../totem/index.js";
import { World, type NetworkFaults } from "./world.js";

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Events processed in the fault phase before the network heals. */
  readonly steps: number;
}

export interface SimReport {
  readonly seed: number;
  readonly nodes: number;
  readonly steps: number;
  readonly ok: boolean;
  readonly violation: string | null;
  readonly virtualMs: number;
  readonly configurations: number;
  readonly deliveries: number;
  readonly description: string;
}

/** Everything about a run derives from its seed, so a seed replays exactly. */
interface Plan {
  readonly config: TotemConfig;
  readonly quorum: QuorumOptions;
  readonly faults: NetworkFaults;
  readonly clockSkew: number;
  readonly chaosEveryMs: number;
  readonly trafficEveryMs: number;
  readonly description: string;
}

function planFor(seed: number, nodes: number): Plan {
  const rng = seededRng(seed ^ 0x5eed);
  const pick = <T>(options: readonly T[]): T => options[rng.int(options.length)]!;
  const fast = rng.int(3) > 0;
  const settings: TotemSettings = {
    ...(fast ? { token: 1000, token_coefficient: 0, consensus: 1200 } : {}),
    window_size: pick([50, 20, 100]),
    max_messages: pick([17, 5]),
    netmtu: pick([1500, 600, 9000]),
    fail_silent: pick([200, 0]),
    seqno_unchanged_const: pick([30, 5]),
    fail_recv_const: pick([2500, 50]),
    send_join: pick([0, 0, 30]),
  };
  const result = effectiveTotemConfig(settings, nodes);
  if (!result.ok) throw new Error(`simulator plan is inconsistent: ${result.error.join("; ")}`);
  const faults: NetworkFaults = {
    lossRate: pick([0, 0.01, 0.05, 0.15]),
    duplicateRate: pick([0, 0.02, 0.1]),
    delayMinMs: 0.05,
    delayMaxMs: pick([0.5, 2, 20]),
  };
  const [quorum, quorumText] = quorumPlan(nodes, pick);
  const plan = {
    config: result.value, quorum, faults, clockSkew: pick([0, 0.02, 0.1]), chaosEveryMs: pick([300, 1000, 4000]),
    trafficEveryMs: pick([5, 30, 200]),
  };
  const description = `token=${plan.config.token} consensus=${plan.config.consensus} window=${settings.window_size} max_messages=${settings.max_messages} ` +
    `netmtu=${settings.netmtu} fail_silent=${settings.fail_silent} send_join=${settings.send_join} loss=${faults.lossRate} dup=${faults.duplicateRate} ` +
    `delay<=${faults.delayMaxMs}ms skew=${plan.clockSkew} chaos/${plan.chaosEveryMs}ms traffic/${plan.trafficEveryMs}ms quorum: ${quorumText}`;
  return { ...plan, description };
}

/** votequorum options worth simulating for this cluster size (one vote per node). */
function quorumPlan(nodes: number, pick: <T>(options: readonly T[]) => T): [QuorumOptions, string] {
  const nodelist = Array.from({ length: nodes }, (_, i) => ({ nodeid: nodeId(i + 1), votes: 1 }));
  const choices: QuorumSettings[] = [{}, { wait_for_all: true }, { last_man_standing: true, wait_for_all: true, last_man_standing_window: 2000 }];
  if (nodes === 2) choices.push({ two_node: true });
  if (nodes % 2 === 0) {
    choices.push({ auto_tie_breaker: true }, { auto_tie_breaker: true, auto_tie_breaker_node: "highest" });
    choices.push({ auto_tie_breaker: true, auto_tie_breaker_node: [nodeId(nodes), nodeId(1)] });
  }
  const settings = pick(choices);
  const result = quorumOptions({ ...settings, nodelist });
  if (!result.ok) throw new Error(`simulator quorum plan is inconsistent: ${result.error.join("; ")}`);
  return [result.value, JSON.stringify(settings)];
}

export function runSimulation(options: SimOptions): SimReport {
  const plan = planFor(options.seed, options.nodes);
  const world = new World({ seed: options.seed, nodes: options.nodes, config: plan.config, quorum: plan.quorum, faults: plan.faults, clockSkew: plan.clockSkew, wire: true });
  const faultPhase = { on: true }; // traffic and chaos run only in the fault phase
  let violation: string | null = null;
  try {
    for (const node of world.nodes) world.at(world.rng.int(50), () => world.start(node));
    for (const node of world.nodes) scheduleTraffic(world, node.id, plan, faultPhase);
    scheduleChaos(world, plan, world.rng, faultPhase);
    world.runUntil(Infinity, options.steps);
    violation = world.checker.violations[0] ?? livenessPhase(world, plan, faultPhase);
  } catch (error) {
    violation = `core assertion or simulator crash: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
  }
  return {
    seed: options.seed, nodes: options.nodes, steps: options.steps, ok: violation === null, violation, virtualMs: Math.round(world.nowMs),
    configurations: world.checker.configurations, deliveries: world.checker.deliveries, description: plan.description,
  };
}

function scheduleTraffic(world: World, id: number, plan: Plan, traffic: { on: boolean }): void {
  const node = world.nodes[id - 1]!;
  const next = (): void => {
    if (!traffic.on) return;
    const big = world.rng.int(20) === 0;
    if (world.rng.int(4) === 0) cpgActivity(world, node);
    else world.submit(node, big ? 1000 + world.rng.int(4000) : world.rng.int(64), world.rng.int(5) === 0);
    world.at(world.rng.next() * 2 * plan.trafficEveryMs, next);
  };
  world.at(world.rng.next() * plan.trafficEveryMs, next);
}

/** Processes on each node join, leave, talk in and vanish from a few groups. */
function cpgActivity(world: World, node: World["nodes"][number]): void {
  const group = `group-${world.rng.int(3)}`;
  const pid = 100 + world.rng.int(3);
  const choice = world.rng.int(10);
  if (choice < 4) world.command(node, { kind: "cpg_join", group, pid });
  else if (choice < 6) world.command(node, { kind: "cpg_leave", group, pid });
  else if (choice < 9) world.command(node, { kind: "cpg_mcast", group, pid, payload: new Uint8Array([choice, pid]) });
  else world.command(node, { kind: "procdown", pid });
}

/** Random faults until the fault phase ends: partitions, asymmetric links, crashes, restarts, clean leaves, loss. */
function scheduleChaos(world: World, plan: Plan, rng: Rng, faultPhase: { on: boolean }): void {
  const act = (): void => {
    if (!faultPhase.on) return;
    const actions = [partition, heal, crashOne, restartOne, leaveOne, blockLink, unblockLinks, changeLoss, pauseOne];
    actions[rng.int(actions.length)]!(world, rng, plan);
    world.at(rng.next() * 2 * plan.chaosEveryMs, act);
  };
  world.at(plan.chaosEveryMs, act);
}

function partition(world: World, rng: Rng): void {
  const groups = 2 + rng.int(2);
  world.groups = world.nodes.map(() => rng.int(groups));
}

function heal(world: World): void {
  world.groups = world.nodes.map(() => 0);
}

function crashOne(world: World, rng: Rng): void {
  const live = world.live();
  if (live.length > 1) world.crash(live[rng.int(live.length)]!);
}

function leaveOne(world: World, rng: Rng): void {
  const live = world.live();
  if (live.length > 1) world.leave(live[rng.int(live.length)]!);
}

function restartOne(world: World, rng: Rng): void {
  const down = world.nodes.filter((n) => n.core === null);
  if (down.length > 0) world.start(down[rng.int(down.length)]!);
}

function blockLink(world: World, rng: Rng): void {
  const a = 1 + rng.int(world.nodes.length);
  const b = 1 + rng.int(world.nodes.length);
  if (a !== b) world.blocked.add(`${a}>${b}`);
}

function unblockLinks(world: World): void {
  world.blocked.clear();
}

/** CPU starvation (brief pitfall 1): a node stops for up to twice the token timeout, then runs its backlog. */
function pauseOne(world: World, rng: Rng, plan: Plan): void {
  const live = world.live();
  if (live.length > 0) live[rng.int(live.length)]!.pausedUntilMs = world.nowMs + rng.next() * 2 * plan.config.token;
}

function changeLoss(world: World, rng: Rng, plan: Plan): void {
  world.faults.lossRate = rng.int(2) === 0 ? 0 : plan.faults.lossRate;
}

/**
 * §5.8 progress after heal: with clean full connectivity, every live node
 * shares one OPERATIONAL ring within token + 2·consensus + 10·join, and each
 * delivers everything it submitted.
 */
function livenessPhase(world: World, plan: Plan, faultPhase: { on: boolean }): string | null {
  faultPhase.on = false;
  heal(world);
  unblockLinks(world);
  world.faults = { lossRate: 0, duplicateRate: 0, delayMinMs: 0.05, delayMaxMs: 0.5 };
  for (const node of world.nodes) {
    node.pausedUntilMs = Math.min(node.pausedUntilMs, world.nowMs);
    if (node.core === null) world.start(node);
  }
  const c = plan.config;
  const boundMs = (c.token + 2 * c.consensus + 10 * c.join) * (1 + plan.clockSkew);
  const healedAt = world.nowMs;
  world.runUntil(healedAt + boundMs);
  if (world.checker.violations.length > 0) return world.checker.violations[0]!;
  const rings = new Set(world.live().map((n) => {
    const totem = n.core!.status().totem;
    return `${totem.state} ${totem.ring} [${totem.members.join(",")}]`;
  }));
  const expected = world.nodes.map((n) => n.id).join(",");
  const [only] = rings;
  if (rings.size !== 1 || only === undefined || !only.startsWith("operational") || !only.endsWith(`[${expected}]`)) {
    return `no single ring of all nodes ${Math.round(boundMs)} ms after heal (liveness): ${[...rings].join(" | ")}`;
  }
  world.runUntil(world.nowMs + 3 * c.token);
  for (const node of world.live()) {
    world.checker.checkSelfDelivery(node.id);
    const verdict = world.checker.quorumOf(node.id);
    if (verdict?.quorate !== true || verdict.ring !== node.core!.status().totem.ring) {
      return `node ${node.id} is not quorate in the healed ring ${node.core!.status().totem.ring} (liveness): ${JSON.stringify(verdict)}`;
    }
  }
  return world.checker.violations[0] ?? null;
}
