import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DisposableStore } from "../../lib/disposable.js";
import type { ConfigurationChange, NodeId, RingId } from "../../totem/index.js";
import type { ClusterConfig } from "../config/model.js";
import { LinkTransport } from "../driver/links.js";
import { bootEpoch, PacketSealer } from "../driver/seal.js";
import { TotemDriver, type RingListener } from "../driver/totem-driver.js";
import { IpcServer, type IpcConnection } from "../ipc/server.js";
import type { Request } from "../ipc/protocol.js";
import type { Identity } from "./identity.js";
import type { Logger, LogLevel } from "./log.js";
import type { NodeStatus } from "./status.js";
import { Services } from "./services.js";

export interface NodeOptions {
  config: ClusterConfig;
  identity: Identity;
  authkey: Buffer | undefined;
  runDir: string;
  stateDir: string;
  logger: Logger;
}

/**
 * One running cluster node: links, the totem ring, the services on top of it
 * (quorum, CPG) and the local IPC endpoint, owned as a tree of disposables.
 */
export class ClusterNode implements RingListener {
  private readonly store = new DisposableStore();
  private readonly startedMs = performance.now();
  private ring: { id: RingId | "none"; members: NodeId[] } = { id: "none", members: [] };
  private ringChanges = 0;
  private readonly sealer: PacketSealer;
  private readonly totem: TotemDriver;
  private readonly services: Services;
  private transport!: LinkTransport;
  private ipc!: IpcServer;

  constructor(private readonly options: NodeOptions) {
    const { config, identity } = options;
    this.sealer = new PacketSealer({
      nodeid: identity.nodeid, clusterName: config.clusterName, cipher: config.cipher, epoch: bootEpoch(Date.now(), randomInt(0x10000)),
      ...(options.authkey === undefined ? {} : { authkey: options.authkey }),
    });
    this.totem = new TotemDriver({ nodeid: identity.nodeid as NodeId, config: config.timings, stateDir: options.stateDir, listener: this });
    this.services = new Services(identity.nodeid as NodeId, config, (payload) => this.totem.multicast(payload), (push, to) => this.ipc.publish(push, to));
  }

  async start(): Promise<void> {
    const { config, identity } = this.options;
    const pingIntervalMs = config.interfaces[0]?.pingIntervalMs ?? Math.max(20, Math.floor(config.timings.token / 4));
    const pingTimeoutMs = config.interfaces[0]?.pingTimeoutMs ?? Math.max(60, Math.floor(config.timings.token / 2));
    this.transport = this.store.add(await LinkTransport.open({
      self: identity.nodeid, links: identity.links, linkMode: config.linkMode, sealer: this.sealer, pingIntervalMs, pingTimeoutMs,
      onData: (from, payload) => this.totem.receive(from as NodeId, payload),
      onLinkChange: (link, peer, up) => this.log(up ? "info" : "notice", `link ${link} to node ${peer} is ${up ? "up" : "down"}`, "knet"),
      onSocketError: (link, error) => this.log("warning", `link ${link}: ${error.message}`, "knet"),
    }));
    this.ipc = this.store.add(await IpcServer.listen(this.options.runDir, (c, r) => this.request(c, r), (c) => this.services.disconnected(c)));
    this.store.add(this.totem);
    this.log("notice", `node ${identity.nodeid} starting: ${identity.links.map((l) => `link ${l.linknumber} ${l.local.addr}:${l.local.port}`).join(", ")}`);
    this.totem.start(this.transport);
  }

  /** SIGTERM: leave the ring so the others need not wait for timeouts, then release everything. */
  async stop(): Promise<void> {
    this.log("notice", "leaving the ring");
    this.totem.leave();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the leave datagrams reach the kernel
    await this.store.dispose();
  }

  deliver(from: NodeId, ring: RingId, payload: Uint8Array): void {
    this.services.deliver(from, ring, payload);
  }

  configuration(change: ConfigurationChange): void {
    if (change.kind === "regular") {
      this.ring = { id: change.ring, members: [...change.members] };
      this.ringChanges++;
      this.log("notice", `new ring ${change.ring}: members [${change.members.join(" ")}]${change.joined.length > 0 ? ` joined [${change.joined.join(" ")}]` : ""}`, "totem", { ring_id: change.ring, members: change.members, joined: change.joined });
      this.ipc.publish({ event: "ring", ring_id: change.ring, members: [...change.members], joined: [...change.joined], left: this.services.leftSinceLastRing() });
    } else {
      this.log("info", `transitional configuration for ${change.ring}: members [${change.members.join(" ")}] left [${change.left.join(" ")}]`, "totem");
    }
    this.services.configuration(change);
  }

  log(level: LogLevel, message: string, subsys = "totem", fields: Record<string, unknown> = {}): void {
    this.options.logger.log(level, subsys, message, fields);
  }

  status(): NodeStatus {
    const { config, identity } = this.options;
    const totem = this.totem.status();
    const drops = this.sealer.drops;
    return {
      nodeid: identity.nodeid, ...(identity.name === undefined ? {} : { name: identity.name }),
      cluster_name: config.clusterName, transport: config.transport, state: totem.state,
      ring_id: this.ring.id, members: this.ring.members, ...this.services.quorumStatus(),
      links: this.transport.status(), ring_changes: this.ringChanges, uptime_ms: Math.round(performance.now() - this.startedMs),
      drops: { ...drops, decode: this.totem.counters.decodeErrors, spoofed_sender: this.totem.counters.spoofedSender },
      packets: { rx: this.transport.counters.rxPackets, tx: this.transport.counters.txPackets, send_errors: this.transport.counters.sendErrors },
      cpg: this.services.cpgStatus(this.totem.counters.rejectedPayloads),
    };
  }

  private request(connection: IpcConnection, request: Request): { result?: unknown } | { error: string } {
    switch (request.op) {
      case "status": return { result: this.status() };
      case "track":
        connection.tracking = true;
        return {};
      default: return this.services.request(connection, request);
    }
  }
}
