/**
 * Resource-level fencing (`fencing` in the disk or net section; DRBD user's
 * guide, "The peer fencing interface"). When a Primary loses its peer, or a
 * disconnected node is promoted, the `fence-peer` handler must make sure the
 * peer cannot be promoted with stale data (typically by running `drbdadm
 * outdate` there over another path, or by STONITH) and says with its exit
 * code what it did.
 */
export type FencingPolicy = "dont-care" | "resource-only" | "resource-and-stonith";
export const FENCING_POLICIES: readonly FencingPolicy[] = ["dont-care", "resource-only", "resource-and-stonith"];

export type FenceOutcome =
  | { kind: "peer-inconsistent" }
  | { kind: "peer-outdated" }
  | { kind: "peer-unreachable" }
  | { kind: "peer-primary" }
  | { kind: "peer-fenced" }
  | { kind: "failed"; why: string };

/** The documented exit codes: 3 peer Inconsistent, 4 peer Outdated, 5 peer unreachable, 6 peer is Primary, 7 peer fenced. */
export function fenceOutcome(exitCode: number | null): FenceOutcome {
  switch (exitCode) {
    case 3: return { kind: "peer-inconsistent" };
    case 4: return { kind: "peer-outdated" };
    case 5: return { kind: "peer-unreachable" };
    case 6: return { kind: "peer-primary" };
    case 7: return { kind: "peer-fenced" };
    case null: return { kind: "failed", why: "no fence-peer handler ran (none configured, or it was killed)" };
    default: return { kind: "failed", why: `fence-peer handler broken, exit code ${exitCode}` };
  }
}

/**
 * Whether this node may go on (or become) the only Primary: the peer's data is
 * known not to be promotable. An unreachable peer counts as such only when the
 * local data is UpToDate (it then holds everything the peer could have).
 */
export function peerIsFenced(outcome: FenceOutcome, localUpToDate: boolean): boolean {
  switch (outcome.kind) {
    case "peer-inconsistent":
    case "peer-outdated":
    case "peer-fenced": return true;
    case "peer-unreachable": return localUpToDate;
    case "peer-primary":
    case "failed": return false;
  }
}

export function describeOutcome(outcome: FenceOutcome): string {
  switch (outcome.kind) {
    case "peer-inconsistent": return "peer's disk is Inconsistent";
    case "peer-outdated": return "peer's disk is now Outdated";
    case "peer-unreachable": return "peer is unreachable, assumed down";
    case "peer-primary": return "peer refused to be outdated: it is Primary";
    case "peer-fenced": return "peer was fenced (STONITH)";
    case "failed": return outcome.why;
  }
}
