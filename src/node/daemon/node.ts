import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DisposableStore } from "../../lib/disposable.js";
import type { QuorumOptions } from "../../quorum/index.js";
import type { ConfigurationChange, NodeId, RingId } from "../../totem/index.js";
import type { ClusterConfig } from "../config/model.js";
import { LinkTransport } from "../driver/links.js";
import { bootEpoch, PacketSealer } from "../driver/seal.js";
import { StackDriver, type UpwardEffect } from "../driver/stack-driver.js";
import { IpcServer, type IpcConnection } from "../ipc/server.js";
import type { Request } from "../ipc/protocol.js";
import { CpgRouter } from "./cpg-router.js";
import type { Identity } from "./identity.js";
import type { Logger, LogLevel } from "./log.js";
import type { NodeStatus, QuorumStatus } from "./status.js";

export interface NodeOptions {
  config: ClusterConfig;
  identity: Identity;
  quorum: QuorumOptions | null;
  authkey: Buffer | undefined;
  runDir: string;
  stateDir: string;
  logger: Logger;
}

/**
 * One running cluster node: links, the membership stack (totem, CPG,
 * votequorum) and the local IPC endpoint, owned as a tree of disposables.
 */
export class ClusterNode {
  private readonly store = new DisposableStore();
  private readonly startedMs = performance.now();
  private ring: { id: RingId | "none"; members: readonly NodeId[] } = { id: "none", members: [] };
  private leftLastChange: readonly NodeId[] = [];
  private ringChanges = 0;
  private readonly sealer: PacketSealer;
  private readonly stack: StackDriver;
  private readonly cpg: CpgRouter;
  private transport!: LinkTransport;
  private ipc!: IpcServer;

  constructor(private readonly options: NodeOptions) {
    const { config, identity } = options;
    this.sealer = new PacketSealer({
      nodeid: identity.nodeid, clusterName: config.clusterName, cipher: config.cipher, hash: config.hash, epoch: bootEpoch(Date.now(), randomInt(0x10000)),
      ...(options.authkey === undefined ? {} : { authkey: options.authkey }),
    });
    this.stack = new StackDriver({
      nodeid: identity.nodeid as number as NodeId, totem: config.timings, quorum: options.quorum, stateDir: options.stateDir,
      onEffect: (effect) => this.onEffect(effect),
    });
    this.cpg = new CpgRouter((command) => this.stack.command(command));
  }

  async start(): Promise<void> {
    const { config, identity } = this.options;
    const pingIntervalMs = config.interfaces[0]?.pingIntervalMs ?? Math.max(20, Math.floor(config.timings.token / 4));
    const pingTimeoutMs = config.interfaces[0]?.pingTimeoutMs ?? Math.max(60, Math.floor(config.timings.token / 2));
    this.transport = this.store.add(await LinkTransport.open({
      self: identity.nodeid, links: identity.links, linkMode: config.linkMode, sealer: this.sealer, pingIntervalMs, pingTimeoutMs,
      onData: (from, payload) => this.stack.receive(from as number as NodeId, payload),
      onLinkChange: (link, peer, up) => this.log(up ? "info" : "notice", `link ${link} to node ${peer} is ${up ? "up" : "down"}`, "knet"),
      onSocketError: (link, error) => this.log("warning", `link ${link}: ${error.message}`, "knet"),
    }));
    this.ipc = this.store.add(await IpcServer.listen(this.options.runDir, (c, r) => this.request(c, r), (c) => this.cpg.disconnected(c)));
    this.store.add(this.stack);
    this.log("notice", `node ${identity.nodeid} starting: ${identity.links.map((l) => `link ${l.linknumber} ${l.local.addr}:${l.local.port}`).join(", ")}`);
    this.stack.start(this.transport);
  }

  /** SIGTERM: leave the ring so the others need not wait for timeouts, then release everything. */
  async stop(): Promise<void> {
    this.log("notice", "leaving the ring");
    this.stack.leave();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the leave datagrams reach the kernel
    await this.store.dispose();
  }

  private onEffect(effect: UpwardEffect): void {
    switch (effect.kind) {
      case "configuration": return this.configuration(effect.change);
      case "cpg_deliver": case "cpg_confchg": return this.cpg.route(effect);
      case "quorum": {
        if (effect.changed) this.log("notice", `quorum ${effect.quorate ? "regained" : "lost"}: ${effect.totalVotes} of ${effect.expectedVotes} votes, quorum ${effect.quorum}`, "quorum");
        this.ipc.publish({ event: "quorum", ring_id: effect.ring ?? "none", quorate: effect.quorate, members: [...effect.members] });
        return;
      }
      case "state": return this.log("debug", `state ${effect.state} (ring ${effect.ring})`);
      case "log": return this.log(effect.level, effect.message);
      case "cpg_synced": return this.log("debug", `CPG sync done for ring ${effect.ring}: ${effect.groups.length} groups`, "cpg");
      case "deliver": case "rejected": case "cpg_rejected": case "quorum_refused": return; // raw application payloads are not used; refusals answer the command
    }
  }

  private configuration(change: ConfigurationChange): void {
    if (change.kind === "transitional") {
      this.leftLastChange = change.left;
      this.log("info", `transitional configuration for ${change.ring}: members [${change.members.join(" ")}] left [${change.left.join(" ")}]`);
      return;
    }
    this.ring = { id: change.ring, members: change.members };
    this.ringChanges++;
    const joined = change.joined.length > 0 ? ` joined [${change.joined.join(" ")}]` : "";
    const left = this.leftLastChange.length > 0 ? ` left [${this.leftLastChange.join(" ")}]` : "";
    this.log("notice", `new ring ${change.ring}: members [${change.members.join(" ")}]${joined}${left}`, "totem", { ring_id: change.ring, members: change.members });
    this.ipc.publish({ event: "ring", ring_id: change.ring, members: [...change.members], joined: [...change.joined], left: [...this.leftLastChange] });
    this.leftLastChange = [];
  }

  log(level: LogLevel, message: string, subsys = "totem", fields: Record<string, unknown> = {}): void {
    this.options.logger.log(level, subsys, message, fields);
  }

  status(): NodeStatus {
    const { config, identity } = this.options;
    const stack = this.stack.status();
    return {
      nodeid: identity.nodeid, ...(identity.name === undefined ? {} : { name: identity.name }),
      cluster_name: config.clusterName, transport: config.transport, state: stack.totem.state,
      ring_id: this.ring.id, members: [...this.ring.members], ...this.quorumStatus(),
      links: this.transport.status(), ring_changes: this.ringChanges, uptime_ms: Math.round(performance.now() - this.startedMs),
      drops: { ...this.sealer.drops, decode: this.stack.counters.decodeErrors, spoofed_sender: this.stack.counters.spoofedSender, service: stack.malformedMessages, stale_join: this.stack.counters.staleJoins },
      packets: { rx: this.transport.counters.rxPackets, tx: this.transport.counters.txPackets, send_errors: this.transport.counters.sendErrors },
      cpg: {
        groups: stack.groups.map((g) => ({ name: g.group, members: g.members.map((m) => ({ nodeid: m.nodeid as number, pid: m.pid })) })),
        refused_messages: this.cpg.counters.refused, queued_payloads: stack.totem.queuedPayloads,
      },
    };
  }

  /** Without a quorum provider the partition is always quorate, as in corosync. */
  private quorumStatus(): { quorate: boolean; quorum: QuorumStatus } {
    const q = this.stack.status().quorum;
    const votesOf = (id: number) => this.options.config.nodes.find((n) => n.nodeid === id);
    const votes = this.ring.members.map((id) => {
      const node = votesOf(id);
      return { nodeid: id as number, votes: node?.votes ?? 1, ...(node?.name === undefined ? {} : { name: node.name }) };
    });
    if (q === null) {
      return { quorate: true, quorum: { provider: "none", ring_id: this.ring.id, expected_votes: 0, highest_expected: 0, total_votes: votes.length, quorum: 0, flags: ["quorate"], votes } };
    }
    return {
      quorate: q.quorate,
      quorum: { provider: "corosync_votequorum", ring_id: q.ring ?? "none", expected_votes: q.expectedVotes, highest_expected: q.expectedVotes, total_votes: q.totalVotes, quorum: q.quorum, flags: [...q.flags], votes },
    };
  }

  private request(connection: IpcConnection, request: Request): { result?: unknown } | { error: string } {
    switch (request.op) {
      case "status": return { result: this.status() };
      case "track":
        connection.tracking = true;
        return {};
      case "quorum_expected": {
        const refusal = this.stack.command({ kind: "quorum_expected", expectedVotes: request.expected });
        if (refusal !== undefined) return { error: refusal };
        this.log("notice", `expected votes set to ${request.expected} by the administrator`, "quorum");
        return {};
      }
      default: return this.cpg.request(connection, request);
    }
  }
}
