import type { Score } from "./score.js";
import type { DefinitionChange } from "./definition.js";
import type { MigrationState } from "./migration.js";
import type { OpConfig, PrimitiveConfig } from "../../cib/index.js";

/** Node names are the unames used throughout the status section and the summary. */
export type NodeName = string;

export type Role = "Stopped" | "Started" | "Unpromoted" | "Promoted";

export interface SchedNode {
  id: string;
  name: NodeName;
  online: boolean;
  /** Needs fencing before its resources can be considered stopped. */
  unclean: boolean;
  fenceReason: string | undefined;
  /** In the membership but not joined yet: runs nothing, and what must be probed there cannot start. */
  pending?: boolean;
  /** In this partition's membership (in_ccm): it may be fenced without quorum. */
  inPartition?: boolean;
  standby: boolean;
  maintenance: boolean;
  shutdown: boolean;
  /** Node attributes: configuration first, transient status attributes over them. */
  attributes: Map<string, string>;
  utilization: Map<string, number>;
  /** Node health (#health-* attributes under node-health-strategy), added to every resource's score here. */
  health: Score;
  /** Resources assigned so far in this run (drives even distribution on ties). */
  assignedCount: number;
}

/** One place a primitive is found active in the operation history. */
export interface ActiveOn {
  node: NodeName;
  role: Role;
  /** The last operation there failed (rc differs from the expected one). */
  failed: boolean;
}

export interface PrimitiveRsc {
  kind: "primitive";
  /** Instance name as printed: "rsc", or "rsc:2" inside a clone. */
  id: string;
  /** The configured id (without the instance suffix). */
  configId: string;
  config: PrimitiveConfig;
  parent: GroupRsc | CloneRsc | undefined;
  meta: Map<string, string>;
  ops: OpConfig[];
  active: ActiveOn[];
  /** Nodes where a stop failed: the resource stays blocked or the node is fenced. */
  stopFailedOn: NodeName[];
  /** Nodes where the history shows a failure that is not yet cleared. */
  failedOn: NodeName[];
  /** Nodes where the history is known (a probe ran or the resource ran). */
  probedOn: Set<NodeName>;
  /** A failure's on-fail=block (or a failed stop without fencing): leave it alone. */
  blocked: boolean;
  /** A failure's on-fail=stop: stop it and keep it stopped. */
  forceStop: boolean;
  /** How the definition it runs with differs from the configuration (op-digest). */
  definitionChange: DefinitionChange;
  /** A failure's on-fail=demote: demote it in place instead of recovering it. */
  demoteOnly: boolean;
  /** Per-node allocation scores, filled by placement. */
  scores: Map<NodeName, Score>;
  assigned: NodeName | undefined;
  nextRole: Role;
  promotionScore: Map<NodeName, Score>;
  /** What a live migration that stopped half way left behind (see migration.ts). */
  migration?: MigrationState;
}

export interface GroupRsc {
  kind: "group";
  id: string;
  configId: string;
  parent: CloneRsc | undefined;
  meta: Map<string, string>;
  children: PrimitiveRsc[];
}

export interface CloneRsc {
  kind: "clone";
  id: string;
  configId: string;
  promotable: boolean;
  parent: undefined;
  meta: Map<string, string>;
  instances: Array<PrimitiveRsc | GroupRsc>;
  cloneMax: number;
  cloneNodeMax: number;
  promotedMax: number;
  promotedNodeMax: number;
  globallyUnique: boolean;
  interleave: boolean;
  scores: Map<NodeName, Score>;
}

export type Rsc = PrimitiveRsc | GroupRsc | CloneRsc;

/** A top-level or member resource that placement decides for. */
export function primitivesOf(rsc: Rsc): PrimitiveRsc[] {
  if (rsc.kind === "primitive") return [rsc];
  if (rsc.kind === "group") return rsc.children;
  return rsc.instances.flatMap(primitivesOf);
}

export function topOf(rsc: Rsc): Rsc {
  let current: Rsc = rsc;
  while (current.parent !== undefined) current = current.parent;
  return current;
}

/** The clone a primitive is an instance of, directly or as a member of a cloned group. */
export function cloneOf(p: PrimitiveRsc): CloneRsc | undefined {
  return p.parent?.kind === "clone" ? p.parent : p.parent?.parent;
}

/** The instance number of a clone instance ("rsc:3" is 3). */
export function instanceNumber(instance: Rsc): number {
  return Number(/:(\d+)$/.exec(instance.id)?.[1] ?? 0);
}
