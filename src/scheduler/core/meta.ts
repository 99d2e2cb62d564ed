import { cloneOf, type PrimitiveRsc, type Role, type Rsc } from "./model.js";
import { isTrueValue } from "./options.js";
import { parseIntervalMs } from "./rules.js";
import { INFINITY, parseScore, type Score, ZERO } from "./score.js";

/** Resource meta-attributes with their documented defaults (Pacemaker Explained, "Resource Meta-Attributes"). */

export function targetRole(rsc: Rsc): Role | undefined {
  const value = rsc.meta.get("target-role")?.toLowerCase();
  switch (value) {
    case "stopped": return "Stopped";
    case "started": return "Started";
    case "slave":
    case "unpromoted": return "Unpromoted";
    case "master":
    case "promoted": return "Promoted";
    default: return undefined;
  }
}

export function isManaged(rsc: Rsc): boolean {
  const value = rsc.meta.get("is-managed");
  const maintenance = isTrueValue(rsc.meta.get("maintenance"));
  return !maintenance && (value === undefined || isTrueValue(value));
}

/** resource-stickiness: 1 for clone instances, 0 otherwise, unless configured. */
export function stickiness(p: PrimitiveRsc): Score {
  const value = p.meta.get("resource-stickiness") ?? p.meta.get("stickiness");
  const parsed = parseScore(value);
  if (parsed !== undefined) return parsed;
  return cloneOf(p) !== undefined ? (1 as Score) : ZERO;
}

export function migrationThreshold(p: PrimitiveRsc): Score {
  const parsed = parseScore(p.meta.get("migration-threshold"));
  if (parsed === undefined) return INFINITY;
  return parsed;
}

export function failureTimeoutS(p: PrimitiveRsc): number {
  return parseIntervalMs(p.meta.get("failure-timeout")) / 1000;
}

export function priority(rsc: Rsc): number {
  return Number(rsc.meta.get("priority") ?? "0") || 0;
}

/** allow-migrate: off by default, on for remote connections (Pacemaker Remote); clone instances never migrate. */
export function allowMigrate(p: PrimitiveRsc): boolean {
  if (cloneOf(p) !== undefined) return false;
  const value = p.meta.get("allow-migrate");
  if (value !== undefined) return isTrueValue(value);
  const c = p.config;
  return c.class === "ocf" && c.provider === "pacemaker" && c.type === "remote" && c.implicit !== true;
}

export function multipleActive(p: PrimitiveRsc): string {
  return p.meta.get("multiple-active") ?? "stop_start";
}
