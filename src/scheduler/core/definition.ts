import type { LrmOp } from "../../cib/index.js";
import { pickParameters } from "../../executor/index.js";
import type { PrimitiveRsc } from "./model.js";
import { parseIntervalMs, resolveNvSets } from "./rules.js";

/** md5 of an operation's canonical parameters, as recorded in op-digest (the executor's opDigest). */
export type ParameterDigest = (params: Readonly<Record<string, string>>) => string;

/**
 * How the definition a resource runs with compares with its configuration now:
 * unchanged, changed only in parameters the agent can reload, or changed in a way
 * that needs a restart (Pacemaker Explained, "Reloading Agents").
 */
export type DefinitionChange = "none" | "reload" | "restart";

/**
 * Compares the digests recorded with an operation against the parameters the
 * operation would get now: the resource's instance attributes (rules evaluated on
 * the node) plus the operation's own. op-restart-digest covers the parameters listed
 * in op-force-restart: when only others changed, a reload applies them.
 */
export function compareDefinition(p: PrimitiveRsc, op: LrmOp, nodeAttributes: Map<string, string>, now: number, digest: ParameterDigest): DefinitionChange {
  if (op.opDigest === undefined || p.config.implicit === true) return "none";
  const ctx = { node: nodeAttributes, now };
  const configured = p.ops.find((o) => o.name === op.operation && parseIntervalMs(o.interval) === op.interval);
  // The operation's own parameters win over the resource's; a reload cannot apply them.
  const own = resolveNvSets(configured?.instance ?? [], ctx);
  const params = definedOnly(resolveNvSets(p.config.instance, ctx, new Map(own)));
  if (digest(params) === op.opDigest || secretsOnly(p, op, params, digest)) return "none";
  if (op.opRestartDigest !== undefined && op.opForceRestart !== undefined) {
    const restartNames = [...names(op.opForceRestart), ...own.keys()];
    if (digest(pickParameters(params, restartNames)) === op.opRestartDigest) return "reload";
  }
  return "restart";
}

/**
 * Secret parameters (op-secure-params) are left out of the comparison when the rest
 * matches op-secure-digest: a saved or shared CIB masks their values. That digest
 * leaves out the fencer's own pcmk_* parameters of a fencing device too.
 */
function secretsOnly(p: PrimitiveRsc, op: LrmOp, params: Record<string, string>, digest: ParameterDigest): boolean {
  if (op.opSecureParams === undefined || op.opSecureDigest === undefined) return false;
  const secret = new Set(names(op.opSecureParams));
  const fencer = p.config.class === "stonith";
  const kept = Object.entries(params).filter(([name]) => !secret.has(name) && !(fencer && name.startsWith("pcmk_")));
  return digest(Object.fromEntries(kept)) === op.opSecureDigest;
}

function names(list: string): string[] {
  return list.trim().split(/\s+/).filter((n) => n !== "");
}

/** "#default" is the old way of leaving a parameter unset. */
function definedOnly(params: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...params].filter(([, value]) => value !== "#default"));
}

const SEVERITY: Record<DefinitionChange, number> = { none: 0, reload: 1, restart: 2 };

/** The worst change over the nodes a resource runs on. */
export function worse(a: DefinitionChange, b: DefinitionChange): DefinitionChange {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}
