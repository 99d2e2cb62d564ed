import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { assert } from "../../lib/assert.js";
import type { Disposable } from "../../lib/disposable.js";
import { err, ok, type Result } from "../../lib/result.js";
import { agentRefText, type AgentRef } from "../core/agent.js";
import { OCF_RC, type OcfRc, type OpStatus } from "../core/codes.js";
import { canonicalParameters, forceRestartParameters, pickParameters } from "../core/digest.js";
import { interpretEnd, invocationFor, type AgentLocation } from "../core/invocation.js";
import { lsbMetadataXml } from "../core/lsb-metadata.js";
import { parseMetadata, supportsAction, type AgentMetadata } from "../core/metadata.js";
import type { OpRequest, OpResult } from "../core/operation.js";
import { OpScheduler, type ScheduledOp, type SchedulerEffect } from "../core/scheduler.js";
import { defaultDirectories, locateAgent, type AgentDirectories } from "./locate.js";
import { runProcess, type ProcessRun } from "./process.js";

export interface ExecutorOptions {
  /** Agents running at once (default: 8). */
  concurrencyMax?: number;
  /** Pending operations per resource (default: 32). */
  queueCapacityPerResource?: number;
  directories?: AgentDirectories;
  /** Captured stdout and stderr per stream (default: 64 KiB; meta-data gets 1 MiB). */
  outputLimitBytes?: number;
  /** SIGTERM → SIGKILL grace for a timed-out agent's process group (default: 2 s). */
  killGraceMs?: number;
  /** Runs every agent through this command, e.g. ["ip", "netns", "exec", "NAME"]. */
  commandPrefix?: string[];
  /** Run validate-all before the first start of a definition, when the agent supports it (default: true). */
  validateBeforeStart?: boolean;
}

export interface RecurringHandle {
  callId: number;
  cancel(): void;
}

export type ResultListener = (result: OpResult) => void;

const METADATA_TIMEOUT_MS = 30_000;
const METADATA_OUTPUT_LIMIT_BYTES = 1024 * 1024;
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Runs agent actions for the controller: one-shot actions through run(),
 * recurring monitors through recurring() (results only on change or failure).
 * The queueing decisions live in OpScheduler; this class spawns processes,
 * keeps the wake-up timer, caches meta-data and builds the CIB-ready results.
 */
export class Executor implements Disposable {
  private readonly scheduler: OpScheduler;
  private readonly dirs: AgentDirectories;
  private readonly waiting = new Map<number, (result: OpResult) => void>();
  private readonly listeners = new Map<number, { listener: ResultListener; req: OpRequest }>();
  private readonly finished = new Map<number, OpResult>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly metadataCache = new Map<string, AgentMetadata>();
  /** One meta-data run per agent at a time, however many starts ask at once. */
  private readonly metadataPending = new Map<string, Promise<Result<AgentMetadata, string>>>();
  /** The digest each resource was last validated with; validate-all again when it changes. */
  private readonly validated = new Map<string, string>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: ExecutorOptions = {}) {
    this.dirs = options.directories ?? defaultDirectories();
    this.scheduler = new OpScheduler({
      concurrencyMax: options.concurrencyMax ?? 8,
      queueCapacityPerResource: options.queueCapacityPerResource ?? 32,
    });
  }

  /** Runs a one-shot action (start, stop, probe, promote, …) in its resource's queue. */
  run(req: OpRequest): Promise<OpResult> {
    assert(req.intervalMs === 0, "run() is for one-shot actions; use recurring() for an interval");
    assert(!this.disposed, "executor is disposed");
    return new Promise((resolve) => {
      const { callId, effects } = this.scheduler.submit(req, performance.now());
      this.waiting.set(callId, resolve);
      this.apply(effects);
    });
  }

  /** Starts a recurring operation; the listener hears the first result, each change and each failure. */
  recurring(req: OpRequest, listener: ResultListener): RecurringHandle {
    assert(req.intervalMs > 0, "recurring() needs an interval");
    assert(!this.disposed, "executor is disposed");
    const { callId, effects } = this.scheduler.submit(req, performance.now());
    this.listeners.set(callId, { listener, req });
    this.apply(effects);
    return { callId, cancel: () => this.cancel(req.rscId, req.action, req.intervalMs) };
  }

  cancel(rscId: string, action: string, intervalMs: number): void {
    this.apply(this.scheduler.cancel(rscId, action, intervalMs));
  }

  /** The agent's meta-data, parsed; successes are cached per agent. */
  async metadata(agent: AgentRef, timeoutMs = METADATA_TIMEOUT_MS): Promise<Result<AgentMetadata, string>> {
    const key = agentRefText(agent);
    const cached = this.metadataCache.get(key);
    if (cached !== undefined) return ok(cached);
    const pending = this.metadataPending.get(key) ?? this.fetchMetadata(agent, key, timeoutMs);
    this.metadataPending.set(key, pending);
    try {
      return await pending;
    } finally {
      this.metadataPending.delete(key);
    }
  }

  private async fetchMetadata(agent: AgentRef, key: string, timeoutMs: number): Promise<Result<AgentMetadata, string>> {
    const lookup = locateAgent(agent, this.dirs);
    if ("missing" in lookup) return err(lookup.missing);
    const req: OpRequest = { rscId: agent.type, agent, action: "meta-data", intervalMs: 0, timeoutMs, params: {} };
    const run = await this.invoke(req, lookup.found);
    if (run.rc !== OCF_RC.success) return err(`${key}: meta-data failed (${run.status}, rc ${run.rc}) ${run.exitReason}`.trim());
    const parsed = parseMetadata(run.stdout);
    if (!parsed.ok) return err(`${key}: ${parsed.error}`);
    this.metadataCache.set(key, parsed.value);
    return parsed;
  }

  /** Cancels recurring operations and waits for running agents (each bounded by its timeout). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.apply(this.scheduler.drain());
    clearTimeout(this.wakeTimer);
    this.listeners.clear();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private apply(effects: SchedulerEffect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case "spawn": {
          const execution = this.execute(effect.op, effect.queueMs);
          this.inFlight.add(execution);
          void execution.finally(() => this.inFlight.delete(execution));
          break;
        }
        case "drop":
          // A dropped run of a recurring op is announced once, by its "cancelled" effect.
          if (effect.why === "cancelled" && this.listeners.has(effect.op.callId)) break;
          this.settle(effect.op.callId, notRun(effect.op, effect.why === "cancelled" ? "cancelled" : "error", `${effect.why}: not run`));
          break;
        case "report":
          this.settle(effect.callId, this.finished.get(effect.callId));
          break;
        case "cancelled": {
          const subscription = this.listeners.get(effect.callId);
          this.listeners.delete(effect.callId);
          subscription?.listener(notRun({ callId: effect.callId, req: subscription.req, enqueuedAtMs: 0 }, "cancelled", "cancelled"));
          break;
        }
      }
    }
    this.rearm();
  }

  private settle(callId: number, result: OpResult | undefined): void {
    if (result === undefined) return;
    const resolve = this.waiting.get(callId);
    if (resolve !== undefined) {
      this.waiting.delete(callId);
      this.finished.delete(callId);
      resolve(result);
      return;
    }
    this.listeners.get(callId)?.listener(result);
  }

  private rearm(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const wakeMs = this.scheduler.nextWakeMs();
    if (wakeMs === undefined || this.disposed) return;
    this.wakeTimer = setTimeout(() => this.apply(this.scheduler.tick(performance.now())), Math.max(0, wakeMs - performance.now()));
  }

  private async execute(op: ScheduledOp, queueMs: number): Promise<void> {
    const result = { ...(await this.perform(op.req)), callId: op.callId, queueMs };
    this.finished.set(op.callId, result);
    if (this.disposed) {
      this.settle(op.callId, result);
      return;
    }
    this.apply(this.scheduler.complete(op.callId, { rc: result.rc, status: result.status }, performance.now()));
    if (!this.waiting.has(op.callId)) this.finished.delete(op.callId);
  }

  /** Finds the agent, validates before a first start, runs the action. */
  private async perform(req: OpRequest): Promise<OpResult> {
    const invalid = invalidAttribute(req);
    if (invalid !== undefined) return notRun({ callId: 0, req, enqueuedAtMs: 0 }, "invalid", invalid);
    const lookup = locateAgent(req.agent, this.dirs);
    if ("missing" in lookup) return notRun({ callId: 0, req, enqueuedAtMs: 0 }, lookup.status, lookup.missing);
    if (req.action === "start" && lookup.found.kind === "ocf") {
      // Known meta-data gives the restart digest; a hanging meta-data action holds the start no longer than its timeout.
      const metadata = await this.metadata(req.agent, Math.min(METADATA_TIMEOUT_MS, req.timeoutMs));
      const validate = (this.options.validateBeforeStart ?? true) && metadata.ok && supportsAction(metadata.value, "validate-all");
      const failed = validate ? await this.validateFirst(req, lookup.found) : undefined;
      if (failed !== undefined) return failed;
    }
    const result = await this.invoke(req, lookup.found);
    return { ...result, ...this.restartDigest(req) };
  }

  /** op-force-restart and op-restart-digest, when the agent's meta-data is already known. */
  private restartDigest(req: OpRequest): Pick<OpResult, "forceRestart" | "opRestartDigest"> {
    const metadata = this.metadataCache.get(agentRefText(req.agent));
    const names = metadata === undefined ? undefined : forceRestartParameters(metadata);
    return names === undefined ? {} : { forceRestart: names, opRestartDigest: opDigest(pickParameters(req.params, names)) };
  }

  private async validateFirst(req: OpRequest, location: AgentLocation): Promise<OpResult | undefined> {
    const digest = opDigest(req.params);
    if (this.validated.get(req.rscId) === digest) return undefined;
    const validation = await this.invoke({ ...req, action: "validate-all" }, location);
    if (validation.status !== "done" || validation.rc !== OCF_RC.success) {
      return { ...validation, operation: "start", exitReason: `validate-all: ${validation.exitReason || validation.stderr.trim().slice(0, 100) || `rc ${validation.rc}`}` };
    }
    this.validated.set(req.rscId, digest);
    return undefined;
  }

  private async invoke(req: OpRequest, location: AgentLocation): Promise<OpResult> {
    if (location.kind === "lsb" && req.action === "meta-data") {
      const script = await readFile(location.file, "utf8").then((text) => ok(text), (error: Error) => err(error.message));
      if (!script.ok) return answered(req, OCF_RC.errGeneric, "error", `cannot read ${location.file}: ${script.error}`, "");
      return answered(req, OCF_RC.success, "done", "", lsbMetadataXml(req.agent.type, script.value));
    }
    const invocation = invocationFor(req, location, BASE_PATH);
    if (invocation.kind === "answer") return answered(req, invocation.rc, invocation.status, invocation.exitReason, invocation.stdout);
    const prefix = this.options.commandPrefix ?? [];
    const isMetadata = req.action === "meta-data" || req.action === "metadata";
    const run = await runProcess({
      file: prefix[0] ?? invocation.file,
      args: prefix.length > 0 ? [...prefix.slice(1), invocation.file, ...invocation.args] : invocation.args,
      env: invocation.env,
      stdin: invocation.stdin,
      timeoutMs: req.timeoutMs,
      killGraceMs: this.options.killGraceMs ?? 2000,
      outputLimitBytes: isMetadata ? METADATA_OUTPUT_LIMIT_BYTES : this.options.outputLimitBytes ?? 64 * 1024,
    });
    return fromProcess(req, location, run);
  }
}

/**
 * Attribute names become environment variable names and values their values:
 * a NUL byte or a name that is not a shell identifier cannot be passed.
 */
function invalidAttribute(req: OpRequest): string | undefined {
  for (const [kind, attributes] of [["parameter", req.params], ["meta attribute", req.meta ?? {}]] as const) {
    for (const [name, value] of Object.entries(attributes)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) return `${kind} name '${name}' cannot be passed to an agent`;
      if (value.includes("\0")) return `${kind} ${name} contains a NUL byte`;
    }
  }
  return undefined;
}

/** md5 (hex) of the canonical parameter set: the op-digest of lrm_rsc_op. */
export function opDigest(params: Readonly<Record<string, string>>): string {
  return createHash("md5").update(canonicalParameters(params)).digest("hex");
}

function fromProcess(req: OpRequest, location: AgentLocation, run: ProcessRun): OpResult {
  const verdict = interpretEnd(location, req.action, run.end);
  return {
    ...base(req),
    rc: verdict.rc,
    exitCode: run.end.kind === "exited" ? run.end.code : null,
    status: verdict.status,
    // The agent's own reason first; ours when the agent could not give one (timeout, signal, bad code).
    exitReason: run.exitReason || verdict.why,
    startedAtEpochMs: run.startedAtEpochMs,
    finishedAtEpochMs: run.startedAtEpochMs + Math.round(run.execMs),
    execMs: Math.round(run.execMs),
    stdout: run.stdout,
    stderr: run.stderr,
    outputTruncated: run.truncated,
  };
}

function answered(req: OpRequest, rc: OcfRc, status: OpStatus, exitReason: string, stdout: string): OpResult {
  const now = Date.now();
  return { ...base(req), rc, exitCode: null, status, exitReason, startedAtEpochMs: now, finishedAtEpochMs: now, execMs: 0, stdout, stderr: "", outputTruncated: false };
}

function notRun(op: ScheduledOp, status: OpStatus, why: string): OpResult {
  const rc = status === "not-installed" ? OCF_RC.errInstalled : OCF_RC.errGeneric;
  return { ...answered(op.req, rc, status, why, ""), callId: op.callId };
}

function base(req: OpRequest): Pick<OpResult, "rscId" | "agent" | "operation" | "intervalMs" | "callId" | "queueMs" | "opDigest"> {
  return { rscId: req.rscId, agent: req.agent, operation: req.action, intervalMs: req.intervalMs, callId: 0, queueMs: 0, opDigest: opDigest(req.params) };
}
