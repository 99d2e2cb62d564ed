import type { NodeId, RingId } from "../../totem/index.js";

/** A process group member: a process on a node (corosync's struct cpg_address). */
export interface CpgMember {
  readonly nodeid: NodeId;
  readonly pid: number;
}

export type CpgReason = "join" | "leave" | "nodedown" | "nodeup" | "procdown";

/** corosync's CPG_REASON_* values, for clients that expect the numbers. */
export const CPG_REASON_CODES: Readonly<Record<CpgReason, number>> = { join: 1, leave: 2, nodedown: 3, nodeup: 4, procdown: 5 };

export interface CpgChange extends CpgMember {
  readonly reason: CpgReason;
}

/** Group names are at most 128 bytes of UTF-8 (CPG_MAX_NAME_LENGTH). */
export const CPG_GROUP_NAME_BYTES_MAX = 128;

export type CpgCommand =
  | { readonly kind: "cpg_join"; readonly group: string; readonly pid: number }
  | { readonly kind: "cpg_leave"; readonly group: string; readonly pid: number }
  /** `safe`: delivered only once every node holds it (corosync's CPG_TYPE_SAFE); default agreed. */
  | { readonly kind: "cpg_mcast"; readonly group: string; readonly pid: number; readonly payload: Uint8Array; readonly safe?: boolean }
  /** A local client disconnected without leaving its groups. */
  | { readonly kind: "procdown"; readonly pid: number };

export type CpgEffect =
  /** Hand a CPG message to totem for agreed delivery (the stack does this); byte 0 is left free for the service byte. */
  | { readonly kind: "cpg_send"; readonly payload: Uint8Array; readonly safe: boolean }
  /** A message for the local members of `group`. */
  | { readonly kind: "cpg_deliver"; readonly group: string; readonly from: CpgMember; readonly payload: Uint8Array }
  /** The group's membership changed; tell the local members (members is the new view, sorted by node then pid). */
  | {
    readonly kind: "cpg_confchg"; readonly group: string; readonly ring: RingId; readonly members: readonly CpgMember[];
    readonly joined: readonly CpgChange[]; readonly left: readonly CpgChange[];
  }
  | { readonly kind: "cpg_rejected"; readonly command: CpgCommand; readonly reason: string }
  /** Sync for `ring` finished: every member of the ring now holds these same views. */
  | { readonly kind: "cpg_synced"; readonly ring: RingId; readonly groups: ReadonlyArray<{ readonly group: string; readonly members: readonly CpgMember[] }> };

/** CPG's messages inside totem payloads. */
export type CpgMessage =
  | { readonly kind: "join"; readonly group: string; readonly pid: number }
  | { readonly kind: "leave"; readonly group: string; readonly pid: number; readonly reason: "leave" | "procdown" }
  | { readonly kind: "mcast"; readonly group: string; readonly pid: number; readonly payload: Uint8Array }
  /** Sync after a regular configuration: this node's local memberships (its joinlist), tagged with the ring. */
  | { readonly kind: "sync"; readonly ring: RingId; readonly groups: ReadonlyArray<{ readonly group: string; readonly pids: readonly number[] }> };
