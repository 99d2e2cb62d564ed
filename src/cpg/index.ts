/**
 * Closed process groups on totem: named groups of (nodeid, pid) members with
 * total-order messages and membership changes (corosync's CPG). The daemon
 * reaches it through the membership stack (src/totem createMembershipStack).
 */
export { CpgCore } from "./core/cpg.js";
export { encodeCpgMessage, decodeCpgMessage, groupNameProblem } from "./core/codec.js";
export {
  CPG_REASON_CODES, CPG_GROUP_NAME_BYTES_MAX,
  type CpgMember, type CpgReason, type CpgChange, type CpgCommand, type CpgEffect, type CpgMessage,
} from "./core/types.js";
