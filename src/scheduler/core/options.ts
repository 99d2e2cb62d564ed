import type { SchedulerInput } from "../../cib/index.js";
import { resolveNvSets } from "./rules.js";

export type NoQuorumPolicy = "stop" | "ignore" | "freeze" | "demote" | "suicide";
export type PlacementStrategy = "default" | "utilization" | "minimal" | "balanced";

/** Cluster options (Pacemaker Explained, "Cluster Options") with their documented defaults. */
export interface ClusterOptions {
  symmetric: boolean;
  stonithEnabled: boolean;
  stonithAction: string;
  startupFencing: boolean;
  /** concurrent-fencing: without it, fencing actions run one after another. */
  concurrentFencing: boolean;
  noQuorumPolicy: NoQuorumPolicy;
  maintenanceMode: boolean;
  /** stop-all-resources: every resource is stopped (and none started). */
  stopAllResources: boolean;
  placementStrategy: PlacementStrategy;
  stopOrphanResources: boolean;
  startFailureIsFatal: boolean;
  nodeHealthStrategy: string;
  /** The raw values, for options read elsewhere. */
  all: Map<string, string>;
}

export function isTrueValue(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes", "on", "y"].includes(value.toLowerCase());
}

function flag(all: Map<string, string>, name: string, fallback: boolean): boolean {
  const value = all.get(name);
  return value === undefined ? fallback : isTrueValue(value);
}

/**
 * no-quorum-policy=suicide needs fencing, and a cluster that has had quorum (now, or
 * before: no-quorum-panic): a partition that never had it falls back to stop.
 */
function suicideApplies(input: SchedulerInput, stonithEnabled: boolean): boolean {
  return stonithEnabled && (input.haveQuorum || input.quorumPanic === true);
}

export function readOptions(input: SchedulerInput, now: number): ClusterOptions {
  const all = resolveNvSets(input.properties, { node: undefined, now });
  const nqp = all.get("no-quorum-policy");
  const stonithEnabled = flag(all, "stonith-enabled", true);
  const ps = all.get("placement-strategy");
  return {
    symmetric: flag(all, "symmetric-cluster", true),
    stonithEnabled,
    stonithAction: all.get("stonith-action") === "poweroff" ? "off" : (all.get("stonith-action") ?? "reboot"),
    startupFencing: flag(all, "startup-fencing", true),
    concurrentFencing: flag(all, "concurrent-fencing", false),
    noQuorumPolicy: nqp === "ignore" || nqp === "freeze" || nqp === "demote" ? nqp : nqp === "suicide" && suicideApplies(input, stonithEnabled) ? "suicide" : "stop",
    maintenanceMode: flag(all, "maintenance-mode", false),
    stopAllResources: flag(all, "stop-all-resources", false),
    placementStrategy: ps === "utilization" || ps === "minimal" || ps === "balanced" ? ps : "default",
    stopOrphanResources: flag(all, "stop-orphan-resources", true),
    startFailureIsFatal: flag(all, "start-failure-is-fatal", true),
    nodeHealthStrategy: all.get("node-health-strategy") ?? "none",
    all,
  };
}
