import type { ConfigurationChange, NodeId, RingId } from "../../totem/index.js";
import type { ClusterConfig } from "../config/model.js";
import type { IpcConnection } from "../ipc/server.js";
import type { Push, Request } from "../ipc/protocol.js";
import type { QuorumStatus } from "./status.js";

/**
 * The services that ride on the totem ring (quorum, CPG). Each payload on the
 * ring starts with a one-byte service id so both share one ordered stream.
 */
export class Services {
  private members: NodeId[] = [];
  private previousMembers: NodeId[] = [];
  private highestExpected: number;

  constructor(
    private readonly self: NodeId,
    private readonly config: ClusterConfig,
    private readonly multicast: (payload: Uint8Array) => boolean,
    private readonly publish: (push: Push, to?: (c: IpcConnection) => boolean) => void,
  ) {
    this.highestExpected = config.quorum.expectedVotes ?? Math.max(1, config.nodes.reduce((sum, n) => sum + n.votes, 0));
  }

  deliver(_from: NodeId, _ring: RingId, _payload: Uint8Array): void {}

  configuration(change: ConfigurationChange): void {
    if (change.kind !== "regular") return;
    this.previousMembers = this.members;
    this.members = [...change.members];
    const status = this.quorumStatus();
    this.publish({ event: "quorum", ring_id: change.ring, quorate: status.quorate, members: [...change.members] });
  }

  leftSinceLastRing(): number[] {
    return this.previousMembers.filter((n) => !this.members.includes(n));
  }

  quorumStatus(): { quorate: boolean; quorum: QuorumStatus } {
    const votesOf = (id: NodeId) => this.config.nodes.find((n) => n.nodeid === id)?.votes ?? 1;
    const totalVotes = this.members.reduce((sum, id) => sum + votesOf(id), 0);
    this.highestExpected = Math.max(this.highestExpected, totalVotes);
    const quorum = Math.floor(this.highestExpected / 2) + 1;
    const quorate = this.members.length > 0 && totalVotes >= quorum;
    return {
      quorate,
      quorum: {
        provider: this.config.quorum.provider, expected_votes: this.highestExpected, highest_expected: this.highestExpected,
        total_votes: totalVotes, quorum, flags: quorate ? ["Quorate"] : [],
        votes: this.members.map((id) => {
          const name = this.config.nodes.find((n) => n.nodeid === id)?.name;
          return { nodeid: id, votes: votesOf(id), ...(name === undefined ? {} : { name }) };
        }),
      },
    };
  }

  cpgStatus(rejected: number): { groups: Array<{ name: string; members: Array<{ nodeid: number; pid: number }> }>; rejected_messages: number } {
    return { groups: [], rejected_messages: rejected };
  }

  request(_connection: IpcConnection, request: Request): { result?: unknown } | { error: string } {
    return { error: `${request.op}: CPG is not available in this build yet` };
  }

  disconnected(_connection: IpcConnection): void {}
}
