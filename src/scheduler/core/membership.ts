import type { NodeStatus } from "../../cib/index.js";
import type { ClusterOptions } from "./options.js";
import type { Blocker } from "./changes.js";
import type { NodeName, PrimitiveRsc, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { isTrueValue } from "./options.js";

/** What a node's status entry says about its membership. */
export interface Membership {
  online: boolean;
  /** Needs fencing (only when fencing is enabled: otherwise such a node is just offline). */
  unclean: boolean;
  /** Why it needs fencing, as the Transition Summary quotes it. */
  reason: string | undefined;
  /** In the cluster's membership but not (yet) joined: it runs nothing and cannot be probed yet. */
  pending: boolean;
}

/** The corosync membership (in_ccm) holds the node: this partition may fence it even without quorum. */
export function inPartition(state: NodeStatus | undefined): boolean {
  return truthy(state?.inCcm);
}

const OFFLINE: Membership = { online: false, unclean: false, reason: undefined, pending: false };
const ONLINE: Membership = { online: true, unclean: false, reason: undefined, pending: false };

/**
 * Reads a node_state's membership fields the way the cluster records them: in_ccm
 * (in the corosync membership), crmd (the controller's process is up), join (its
 * join with the controller: member, pending, down, banned) and expected (the state
 * the cluster expects: member, or down for a clean shutdown). Checked in this order:
 *
 * | state                                            | result                                             |
 * |--------------------------------------------------|----------------------------------------------------|
 * | no node_state                                    | unclean "node is unclean" with startup-fencing     |
 * | shutting down (shutdown attribute)               | online while its controller is up, never unclean   |
 * | in_ccm absent                                    | unclean "peer has not been seen by the cluster"    |
 * | join=banned                                      | unclean "peer failed Pacemaker membership criteria"|
 * | expected down (or absent), no termination asked  | pending if in membership or controller up; else offline |
 * | termination asked and already gone               | offline (it was just fenced)                       |
 * | not in membership                                | unclean "peer is no longer part of the cluster"    |
 * | controller down                                  | unclean "peer process is no longer available"      |
 * | termination asked                                | unclean "termination was requested"                |
 * | join=member                                      | online                                             |
 * | join=pending or down                             | pending                                            |
 * | anything else                                    | unclean "peer was in an unknown state"             |
 */
export function membershipOf(state: NodeStatus | undefined, options: ClusterOptions, shuttingDown: boolean, terminate: boolean): Membership {
  const unclean = (reason: string): Membership => (options.stonithEnabled ? { online: false, unclean: true, reason, pending: false } : OFFLINE);
  if (state === undefined) return options.startupFencing ? unclean("node is unclean") : OFFLINE;
  const controllerUp = state.crmd === "online" || (state.crmd !== undefined && /^\d+$/.test(state.crmd) && state.crmd !== "0");
  const inMembership = truthy(state.inCcm);
  const pending: Membership = { online: false, unclean: false, reason: undefined, pending: true };
  if (shuttingDown) return controllerUp ? ONLINE : OFFLINE;
  if (state.inCcm === undefined) return unclean("peer has not been seen by the cluster");
  if (state.join === "banned") return unclean("peer failed Pacemaker membership criteria");
  // A node whose controller runs but which is not in the membership yet is only on its way.
  if (!terminate && (state.expected ?? "down") === "down") return inMembership ? pending : OFFLINE;
  if (terminate && state.join === "down" && !inMembership && !controllerUp) return OFFLINE;
  if (!inMembership) return unclean("peer is no longer part of the cluster");
  if (!controllerUp) return unclean("peer process is no longer available");
  if (terminate) return unclean("termination was requested");
  if (state.join === "member") return ONLINE;
  if (state.join === "pending" || state.join === "down") return pending;
  return unclean("peer was in an unknown state");
}

function truthy(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return value !== "0";
  return isTrueValue(value);
}

/**
 * A pending node is in the membership, so a resource must be probed there before it
 * starts anywhere; that probe cannot run until the node has joined: such a start is
 * blocked.
 */
export function pendingProbeBlockers(resources: Rsc[], nodes: SchedNode[], unrunnable: Map<PrimitiveRsc, Blocker>): void {
  const pending: NodeName[] = nodes.filter((n) => n.pending === true).map((n) => n.name);
  if (pending.length === 0) return;
  for (const p of resources.flatMap(primitivesOf)) {
    if (p.assigned === undefined || unrunnable.has(p) || p.active.some((a) => a.node === p.assigned)) continue;
    if (pending.some((node) => !p.probedOn.has(node))) unrunnable.set(p, { reason: undefined, blocked: true });
  }
}
