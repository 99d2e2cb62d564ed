/**
 * votequorum (votes, expected votes, two_node, wait_for_all,
 * last_man_standing, auto_tie_breaker) and the membership stack: totem + CPG
 * + votequorum as one pure state machine for the node daemon and the simulator.
 */
export { calculateQuorum, holdsTieBreaker, type QuorumInput, type QuorumResult } from "./core/calculate.js";
export { quorumOptions } from "./core/options.js";
export { VotequorumCore } from "./core/votequorum.js";
export { encodeQuorumMessage, decodeQuorumMessage } from "./core/codec.js";
export type {
  QuorumSettings, QuorumOptions, QuorumCommand, QuorumState, QuorumFlag, QuorumEffect, QuorumMessage, NodeInfo, TieBreaker, LmsCluster,
} from "./core/types.js";
export {
  createMembershipStack,
  type MembershipStack, type MembershipStackOptions, type StackCommand, type StackEvent, type StackEffect,
  type StackStatus, type StackTimerName,
} from "./core/membership-stack.js";
