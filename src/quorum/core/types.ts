import type { NodeId, RingId } from "../../totem/index.js";

export type TieBreaker = "lowest" | "highest" | readonly NodeId[];

/** The quorum {} section of corosync.conf, plus this node's votes (votequorum(5)). */
export interface QuorumSettings {
  /** quorum.expected_votes; without it, the nodelist's total votes. */
  readonly expected_votes?: number;
  /** nodelist: each node's quorum_votes (default 1); its total is the default expected_votes. */
  readonly nodelist?: ReadonlyArray<{ readonly nodeid: NodeId; readonly votes: number }>;
  /** This node's votes (nodelist.node.quorum_votes). */
  readonly votes?: number;
  readonly two_node?: boolean;
  /** Defaults to two_node (votequorum(5)). */
  readonly wait_for_all?: boolean;
  readonly last_man_standing?: boolean;
  readonly last_man_standing_window?: number;
  readonly auto_tie_breaker?: boolean;
  readonly auto_tie_breaker_node?: TieBreaker;
}

export interface QuorumOptions {
  readonly expectedVotes: number;
  readonly votes: number;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
  readonly lastManStanding: boolean;
  readonly lastManStandingWindowMs: number;
  readonly autoTieBreaker: boolean;
  readonly tieBreaker: TieBreaker;
  /** The nodelist's node ids: the cluster auto_tie_breaker chooses from (empty without a nodelist). */
  readonly nodelistIds: readonly NodeId[];
}

/**
 * The cluster as last_man_standing last shrank it: from then on quorum means a
 * majority of these nodes (grown again as nodes rejoin a quorate partition).
 * `seq` is the ring seq where it was decided; the newest wins.
 */
export interface LmsCluster {
  readonly seq: number;
  readonly members: readonly NodeId[];
}

/** What every node announces after each regular configuration (votequorum's node info). */
export interface NodeInfo {
  readonly ring: RingId;
  readonly votes: number;
  readonly expectedVotes: number;
  readonly quorate: boolean;
  /** Still waiting to see all expected votes together (wait_for_all). */
  readonly waitingForAll: boolean;
  /** Nodes this node has seen as members: the cluster before a split, for auto_tie_breaker. */
  readonly seen: readonly NodeId[];
  readonly lms: LmsCluster | null;
}

export type QuorumMessage =
  | ({ readonly kind: "nodeinfo" } & NodeInfo)
  /** last_man_standing: the partition's lowest node shrinks the cluster to this ring's members for everyone at once. */
  | { readonly kind: "set_expected"; readonly ring: RingId; readonly expectedVotes: number }
  /** The administrator's new expected votes (corosync-quorumtool -e), applied by every member at the same point. */
  | { readonly kind: "admin_expected"; readonly ring: RingId; readonly expectedVotes: number };

export type QuorumFlag = "two_node" | "wait_for_all" | "last_man_standing" | "auto_tie_breaker" | "quorate";

export interface QuorumState {
  readonly ring: RingId | null;
  readonly quorate: boolean;
  readonly expectedVotes: number;
  readonly totalVotes: number;
  readonly quorum: number;
  readonly members: readonly NodeId[];
  readonly flags: readonly QuorumFlag[];
}

/** Local administrator commands (corosync-quorumtool). */
export type QuorumCommand = { readonly kind: "quorum_expected"; readonly expectedVotes: number };

export type QuorumEffect =
  /** Byte 0 of the payload is left free for the stack's service byte. */
  | { readonly kind: "quorum_send"; readonly payload: Uint8Array }
  /** Quorum was recomputed for a ring (after its sync); `changed` is false when only the ring moved. */
  | ({ readonly kind: "quorum"; readonly changed: boolean } & QuorumState)
  | { readonly kind: "quorum_arm"; readonly atMs: number }
  /** A local request (set expected votes) refused, with the reason the administrator sees. */
  | { readonly kind: "quorum_refused"; readonly reason: string }
  | { readonly kind: "quorum_cancel" };
