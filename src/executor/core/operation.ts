import type { AgentRef } from "./agent.js";
import type { OcfRc, OpStatus } from "./codes.js";

/** Resource actions of the OCF API plus the fence actions of the stonith class. */
export type ResourceAction =
  | "start" | "stop" | "monitor" | "promote" | "demote" | "notify"
  | "migrate_to" | "migrate_from" | "reload" | "reload-agent" | "meta-data" | "validate-all";
export type FenceAction = "off" | "on" | "reboot" | "status" | "list" | "metadata";
export type Action = ResourceAction | FenceAction;

export const RESOURCE_ACTIONS: readonly ResourceAction[] = [
  "start", "stop", "monitor", "promote", "demote", "notify",
  "migrate_to", "migrate_from", "reload", "reload-agent", "meta-data", "validate-all",
];
export const FENCE_ACTIONS: readonly FenceAction[] = ["off", "on", "reboot", "status", "list", "metadata"];

export function isAction(text: string): text is Action {
  return (RESOURCE_ACTIONS as readonly string[]).includes(text) || (FENCE_ACTIONS as readonly string[]).includes(text);
}

/**
 * One operation as the controller asks for it. `params` are the resource's
 * instance attributes; `meta` its meta attributes and the operation's own
 * (clone-max, notify_type, …), passed to agents as OCF_RESKEY_CRM_meta_*.
 * interval and timeout are set from intervalMs/timeoutMs, never from meta.
 */
export interface OpRequest {
  rscId: string;
  agent: AgentRef;
  action: Action;
  /** 0 for a one-shot action; a recurring monitor otherwise. */
  intervalMs: number;
  timeoutMs: number;
  /** Recurring operations only: delay before the first run. */
  startDelayMs?: number;
  params: Readonly<Record<string, string>>;
  meta?: Readonly<Record<string, string>>;
  /** Deep monitors: the op's OCF_CHECK_LEVEL (Pacemaker's `depth`). */
  checkLevel?: number;
  /**
   * The rc the controller expects (the transition key's target rc): a recurring
   * monitor reports every result that differs from it. Without it, anything
   * but 0 and 8 counts as a failure.
   */
  expectedRc?: OcfRc;
}

/** What the CIB's operation history (lrm_rsc_op) records about one execution. */
export interface OpResult {
  rscId: string;
  agent: AgentRef;
  /** The action as requested; a probe is a monitor with interval 0. */
  operation: Action;
  intervalMs: number;
  callId: number;
  rc: OcfRc;
  /** The agent's own exit status (or null when it did not exit: signal, timeout, not run). */
  exitCode: number | null;
  status: OpStatus;
  exitReason: string;
  /** Wall-clock timestamps (ms since the epoch): last-run and last-rc-change in the CIB. */
  startedAtEpochMs: number;
  finishedAtEpochMs: number;
  execMs: number;
  queueMs: number;
  /** md5 of the canonical parameter set (see digest.ts): lets the scheduler see a definition change. */
  opDigest: string;
  /** Parameters whose change needs a restart (op-force-restart), when the agent can reload. */
  forceRestart?: string[];
  /** Digest of just those parameters (op-restart-digest). */
  opRestartDigest?: string;
  stdout: string;
  stderr: string;
  /** Output beyond the capture limit was dropped. */
  outputTruncated: boolean;
}
