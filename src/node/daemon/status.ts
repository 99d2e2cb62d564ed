import type { LinkStatus } from "../driver/links.js";
import type { DropReason } from "../driver/seal.js";

/** What `quorate status --json` prints and the IPC "status" op returns. Field names are stable. */
export interface NodeStatus {
  nodeid: number;
  name?: string;
  cluster_name: string;
  transport: string;
  state: string;
  ring_id: string;
  members: number[];
  quorate: boolean;
  quorum: QuorumStatus;
  links: LinkStatus[];
  ring_changes: number;
  uptime_ms: number;
  drops: Record<DropReason | "decode" | "spoofed_sender" | "service" | "stale_join", number>;
  packets: { rx: number; tx: number; send_errors: number };
  cpg: { groups: Array<{ name: string; members: Array<{ nodeid: number; pid: number }> }>; refused_messages: number; queued_payloads: number };
}

export interface QuorumStatus {
  provider: string;
  /** The ring quorum was last computed for (after votequorum's sync); equals ring_id once settled. */
  ring_id: string;
  expected_votes: number;
  highest_expected: number;
  total_votes: number;
  quorum: number;
  flags: string[];
  votes: Array<{ nodeid: number; votes: number; name?: string }>;
}

/** The words corosync-quorumtool prints for votequorum's flags. */
const corosyncFlag: Record<string, string> = {
  quorate: "Quorate", two_node: "2Node", wait_for_all: "WaitForAll", last_man_standing: "LastManStanding", auto_tie_breaker: "AutoTieBreaker",
};

const pad = (label: string) => `${label}:`.padEnd(18);

/** The text of `quorate status`: corosync-cfgtool -s, then corosync-quorumtool -s. */
export function renderStatus(s: NodeStatus): string {
  const out: string[] = [`Local node ID ${s.nodeid}, transport ${s.transport}, state ${s.state}`];
  for (const link of s.links) {
    out.push(`LINK ID ${link.linknumber} ${link.mode}`, `\taddr\t= ${link.local}`, "\tstatus:", `\t\tnodeid: ${String(s.nodeid).padStart(3)}:\tlocalhost`);
    for (const peer of link.peers) {
      const rtt = peer.rttMs === undefined ? "" : ` (rtt ${peer.rttMs.toFixed(2)} ms)`;
      out.push(`\t\tnodeid: ${String(peer.nodeid).padStart(3)}:\t${peer.connected ? "connected" : "disconnected"}${rtt}`);
    }
  }
  const q = s.quorum;
  out.push(
    "", "Quorum information", "------------------",
    `${pad("Quorum provider")}${q.provider}`, `${pad("Nodes")}${s.members.length}`, `${pad("Node ID")}${s.nodeid}`,
    `${pad("Ring ID")}${s.ring_id}`, `${pad("Quorate")}${s.quorate ? "Yes" : "No"}`,
    "", "Votequorum information", "----------------------",
    `${pad("Expected votes")}${q.expected_votes}`, `${pad("Highest expected")}${q.highest_expected}`,
    `${pad("Total votes")}${q.total_votes}`, `${pad("Quorum")}${q.quorum}${s.quorate ? "" : "  Activity blocked"}`,
    `${pad("Flags")}${q.flags.map((f) => corosyncFlag[f] ?? f).join(" ")}`,
    "", "Membership information", "----------------------", "    Nodeid      Votes Name",
  );
  for (const member of s.members) {
    const vote = q.votes.find((v) => v.nodeid === member);
    const name = `${vote?.name ?? ""}${member === s.nodeid ? " (local)" : ""}`.trim();
    out.push(`${String(member).padStart(10)} ${String(vote?.votes ?? 1).padStart(10)} ${name}`);
  }
  const dropped = Object.entries(s.drops).filter(([reason, n]) => n > 0 && reason !== "self").map(([k, n]) => `${k} ${n}`);
  if (dropped.length > 0) out.push("", `Dropped packets: ${dropped.join(", ")}`);
  return `${out.join("\n")}\n`;
}
