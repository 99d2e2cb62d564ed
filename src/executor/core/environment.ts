import { assert } from "../../lib/assert.js";
import type { OpRequest } from "./operation.js";

/** The OCF API version Pacemaker 2.1 announces to agents. */
export const OCF_RA_VERSION = { major: 1, minor: 1 } as const;
/** Agents compare against this (ocf_promotion_score, role names); Pacemaker 2.1.5 sends 3.16.2. */
export const CRM_FEATURE_SET = "3.16.2";

/** Meta attribute names reach agents with dashes turned into underscores (clone-max → clone_max). */
export function metaVariableName(name: string): string {
  return `OCF_RESKEY_CRM_meta_${name.replaceAll("-", "_")}`;
}

/**
 * The environment of an OCF agent call, as Pacemaker Explained ("Resource
 * Agents", "Environment variables") and the OCF API describe it. interval and
 * timeout are in milliseconds; a probe is a monitor with interval 0.
 */
export function ocfEnvironment(req: OpRequest, ocfRoot: string, basePath: string): Record<string, string> {
  assert(req.agent.class === "ocf", "ocfEnvironment needs an ocf agent");
  const env: Record<string, string> = {
    PATH: basePath,
    // Agents parse the output of ip, mount, ps …: the C locale keeps it stable.
    LC_ALL: "C",
    OCF_ROOT: ocfRoot,
    OCF_EXIT_REASON_PREFIX: EXIT_REASON_PREFIX,
    OCF_OUTPUT_FORMAT: "text",
    OCF_RA_VERSION_MAJOR: String(OCF_RA_VERSION.major),
    OCF_RA_VERSION_MINOR: String(OCF_RA_VERSION.minor),
    OCF_RESOURCE_INSTANCE: req.rscId,
    OCF_RESOURCE_TYPE: req.agent.type,
    OCF_RESOURCE_PROVIDER: req.agent.provider,
    OCF_RESKEY_crm_feature_set: CRM_FEATURE_SET,
  };
  for (const [name, value] of Object.entries(req.params)) env[`OCF_RESKEY_${name}`] = value;
  for (const [name, value] of Object.entries(req.meta ?? {})) env[metaVariableName(name)] = value;
  env[metaVariableName("interval")] = String(req.intervalMs);
  env[metaVariableName("timeout")] = String(req.timeoutMs);
  if (req.checkLevel !== undefined) env["OCF_CHECK_LEVEL"] = String(req.checkLevel);
  return env;
}

/**
 * Fence agents read their options on stdin, one `name=value` per line, the
 * action among them. pcmk_* parameters configure the fencer, not the agent,
 * and are not passed on.
 */
export function fenceAgentStdin(action: string, params: Readonly<Record<string, string>>): string {
  const lines = [`action=${action}`];
  for (const [name, value] of Object.entries(params)) {
    if (name.startsWith("pcmk_") || name === "action") continue;
    // A newline would inject another option line.
    lines.push(`${name}=${value.replace(/[\r\n]+/g, " ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Agent names an exit-reason line after this prefix on stderr; the last one
 * wins (ocf_exit_reason may be called more than once).
 */
export const EXIT_REASON_PREFIX = "ocf-exit-reason:";
export const EXIT_REASON_LENGTH_MAX = 128;

export function exitReasonOf(stderrLine: string): string | undefined {
  if (!stderrLine.startsWith(EXIT_REASON_PREFIX)) return undefined;
  return stderrLine.slice(EXIT_REASON_PREFIX.length).trim().slice(0, EXIT_REASON_LENGTH_MAX);
}
