import { assert } from "../../lib/assert.js";
import { BoundedQueue } from "../../lib/bounded-queue.js";
import type { OcfRc, OpStatus } from "./codes.js";
import type { OpRequest } from "./operation.js";

/** One execution the scheduler hands to the driver. A recurring op keeps its call id across runs. */
export interface ScheduledOp {
  callId: number;
  req: OpRequest;
  enqueuedAtMs: number;
}

/** What the driver must do; the core never runs anything itself. */
export type SchedulerEffect =
  | { kind: "spawn"; op: ScheduledOp; queueMs: number }
  /** Never ran: a stop or cancel removed it, or its resource's queue was full. */
  | { kind: "drop"; op: ScheduledOp; why: "cancelled" | "queue-full" }
  /** Pass this completion upward (one-shot ops always; recurring ones on change or failure). */
  | { kind: "report"; callId: number }
  /** A recurring op ended: no more runs, subscribers learn it was cancelled. */
  | { kind: "cancelled"; callId: number };

export interface Outcome {
  rc: OcfRc;
  status: OpStatus;
}

export interface SchedulerLimits {
  /** Agents running at once across all resources. */
  concurrencyMax: number;
  /** Pending operations per resource beyond the running one. */
  queueCapacityPerResource: number;
}

interface Recurring {
  op: ScheduledOp;
  dueAtMs: number;
  /** Queued or running right now: a due tick does not pile up a second run. */
  inFlight: boolean;
  cancelled: boolean;
  last: Outcome | undefined;
}

interface ResourceLane {
  queue: BoundedQueue<ScheduledOp>;
  running: ScheduledOp | undefined;
}

/**
 * The executor's scheduling core (pure: time comes in as nowMs). Invariants:
 * at most one operation per resource runs at a time, in submission order; at
 * most concurrencyMax run overall; resources become runnable in FIFO order so
 * none starves. Recurring monitors run every intervalMs after the previous run
 * ends (first after startDelayMs) and are cancelled by a stop of their resource.
 */
export class OpScheduler {
  private nextCallId = 1;
  private running = 0;
  private readonly lanes = new Map<string, ResourceLane>();
  private readonly runnable = new BoundedQueue<string>(1_000_000);
  private readonly recurring = new Map<number, Recurring>();
  private readonly runningCalls = new Map<number, string>();

  constructor(readonly limits: SchedulerLimits) {
    assert(Number.isInteger(limits.concurrencyMax) && limits.concurrencyMax > 0, "concurrencyMax must be a positive integer");
    assert(Number.isInteger(limits.queueCapacityPerResource) && limits.queueCapacityPerResource > 0, "queue capacity must be positive");
  }

  get runningCount(): number {
    return this.running;
  }

  /** Queues an operation; a recurring one (intervalMs > 0) first runs after its start delay. */
  submit(req: OpRequest, nowMs: number): { callId: number; effects: SchedulerEffect[] } {
    assert(req.intervalMs >= 0 && req.timeoutMs > 0, "interval must be >= 0 and timeout > 0");
    const op: ScheduledOp = { callId: this.nextCallId++, req, enqueuedAtMs: nowMs };
    const effects: SchedulerEffect[] = [];
    if (req.action === "stop") effects.push(...this.cancelWhere((r) => r.op.req.rscId === req.rscId));
    if (req.intervalMs > 0) {
      effects.push(...this.cancelWhere((r) => sameRecurring(r.op.req, req)));
      const dueAtMs = nowMs + (req.startDelayMs ?? 0);
      this.recurring.set(op.callId, { op, dueAtMs, inFlight: false, cancelled: false, last: undefined });
      effects.push(...this.tick(nowMs));
      return { callId: op.callId, effects };
    }
    effects.push(...this.enqueue(op));
    effects.push(...this.pump(nowMs));
    return { callId: op.callId, effects };
  }

  /** Stops a recurring operation (Pacemaker's cancel of rsc_action_interval). */
  cancel(rscId: string, action: string, intervalMs: number): SchedulerEffect[] {
    return this.cancelWhere((r) => r.op.req.rscId === rscId && r.op.req.action === action && r.op.req.intervalMs === intervalMs);
  }

  /** Shutdown: every recurring op is cancelled and every queued op dropped; running ones finish. */
  drain(): SchedulerEffect[] {
    const effects = this.cancelWhere(() => true);
    for (const lane of this.lanes.values()) {
      for (let op = lane.queue.shift(); op !== undefined; op = lane.queue.shift()) effects.push({ kind: "drop", op, why: "cancelled" });
    }
    return effects;
  }

  /** The agent of `callId` finished (whatever the outcome: done, timeout, error). */
  complete(callId: number, outcome: Outcome, nowMs: number): SchedulerEffect[] {
    const rscId = this.runningCalls.get(callId);
    const lane = rscId === undefined ? undefined : this.lanes.get(rscId);
    assert(rscId !== undefined && lane?.running?.callId === callId, `completion of call ${callId}, which is not running`);
    this.runningCalls.delete(callId);
    lane.running = undefined;
    this.running--;
    if (lane.queue.length > 0) this.runnable.push(rscId);
    else this.lanes.delete(rscId);
    const effects: SchedulerEffect[] = [];
    const entry = this.recurring.get(callId);
    if (entry === undefined) effects.push({ kind: "report", callId });
    else if (!entry.cancelled) {
      if (shouldReport(entry.last, outcome, entry.op.req.expectedRc)) effects.push({ kind: "report", callId });
      entry.last = outcome;
      entry.inFlight = false;
      entry.dueAtMs = nowMs + entry.op.req.intervalMs;
    }
    effects.push(...this.tick(nowMs));
    return effects;
  }

  /** Queues the recurring operations that are due and starts what the limits allow. */
  tick(nowMs: number): SchedulerEffect[] {
    const effects: SchedulerEffect[] = [];
    for (const entry of this.recurring.values()) {
      if (entry.inFlight || entry.dueAtMs > nowMs) continue;
      entry.inFlight = true;
      effects.push(...this.enqueue({ ...entry.op, enqueuedAtMs: nowMs }));
    }
    effects.push(...this.pump(nowMs));
    return effects;
  }

  /** When the driver must call tick() next, if any recurring op is waiting for its time. */
  nextWakeMs(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.recurring.values()) {
      if (!entry.inFlight && (earliest === undefined || entry.dueAtMs < earliest)) earliest = entry.dueAtMs;
    }
    return earliest;
  }

  private enqueue(op: ScheduledOp): SchedulerEffect[] {
    const rscId = op.req.rscId;
    let lane = this.lanes.get(rscId);
    if (lane === undefined) {
      lane = { queue: new BoundedQueue(this.limits.queueCapacityPerResource), running: undefined };
      this.lanes.set(rscId, lane);
    }
    const wasIdle = lane.running === undefined && lane.queue.length === 0;
    if (!lane.queue.push(op)) {
      const recurring = this.recurring.get(op.callId);
      if (recurring !== undefined) recurring.inFlight = false;
      return [{ kind: "drop", op, why: "queue-full" }];
    }
    if (wasIdle) this.runnable.push(rscId);
    return [];
  }

  private pump(nowMs: number): SchedulerEffect[] {
    const effects: SchedulerEffect[] = [];
    while (this.running < this.limits.concurrencyMax) {
      const rscId = this.runnable.shift();
      if (rscId === undefined) break;
      const lane = this.lanes.get(rscId);
      if (lane === undefined || lane.running !== undefined) continue;
      const op = lane.queue.shift();
      if (op === undefined) continue;
      lane.running = op;
      this.runningCalls.set(op.callId, rscId);
      this.running++;
      effects.push({ kind: "spawn", op, queueMs: nowMs - op.enqueuedAtMs });
    }
    assert(this.running <= this.limits.concurrencyMax, "more agents running than the concurrency limit");
    return effects;
  }

  private cancelWhere(match: (entry: Recurring) => boolean): SchedulerEffect[] {
    const effects: SchedulerEffect[] = [];
    for (const [callId, entry] of this.recurring) {
      if (!match(entry)) continue;
      entry.cancelled = true;
      this.recurring.delete(callId);
      effects.push(...this.dropQueued(entry.op.req.rscId, callId));
      effects.push({ kind: "cancelled", callId });
    }
    return effects;
  }

  /** Removes a queued (not running) instance of callId from its resource's lane. */
  private dropQueued(rscId: string, callId: number): SchedulerEffect[] {
    const lane = this.lanes.get(rscId);
    if (lane === undefined) return [];
    const kept: ScheduledOp[] = [];
    const effects: SchedulerEffect[] = [];
    for (let op = lane.queue.shift(); op !== undefined; op = lane.queue.shift()) {
      if (op.callId === callId) effects.push({ kind: "drop", op, why: "cancelled" });
      else kept.push(op);
    }
    for (const op of kept) lane.queue.push(op);
    if (lane.running === undefined && lane.queue.length === 0) this.lanes.delete(rscId);
    return effects;
  }
}

function sameRecurring(a: OpRequest, b: OpRequest): boolean {
  return a.rscId === b.rscId && a.action === b.action && a.intervalMs === b.intervalMs;
}

/** Recurring results go upward on the first run, on any change, and on every failure. */
function shouldReport(last: Outcome | undefined, now: Outcome, expectedRc: OcfRc | undefined): boolean {
  if (last === undefined) return true;
  const failed = expectedRc === undefined ? now.rc !== 0 && now.rc !== 8 : now.rc !== expectedRc;
  if (now.status !== "done" || failed) return true;
  return last.rc !== now.rc || last.status !== now.status;
}
