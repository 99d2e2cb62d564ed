import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { performance } from "node:perf_hooks";
import { assert } from "../../lib/assert.js";
import type { Disposable } from "../../lib/disposable.js";
import type { LinkMode, NodeId } from "../config/model.js";
import type { PacketSealer } from "./seal.js";

/**
 * The knet-like link layer: up to 8 UDP links per node, heartbeats per link and
 * peer, and failover: data goes on the best link that currently delivers. Every
 * datagram is sealed (seal.ts) and opened before anything else looks at it.
 * A link is unicast (udpu, knet: one datagram per peer) or multicast (udp: one
 * datagram to the group; peers are learned from what arrives).
 */
export interface Endpoint {
  addr: string;
  port: number;
}

export interface LinkSpec {
  linknumber: number;
  local: Endpoint;
  multicast?: { group: string; ttl: number };
  /** Listed peers (nodelist). Multicast links learn the rest. */
  peers: Map<NodeId, Endpoint>;
}

export interface TransportOptions {
  self: NodeId;
  links: LinkSpec[];
  linkMode: LinkMode;
  sealer: PacketSealer;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  onData: (from: NodeId, payload: Buffer) => void;
  onLinkChange?: (linknumber: number, peer: NodeId, connected: boolean) => void;
  onSocketError?: (linknumber: number, error: Error) => void;
}

export interface PeerLinkStatus {
  nodeid: NodeId;
  addr?: string;
  connected: boolean;
  rttMs?: number;
}

export interface LinkStatus {
  linknumber: number;
  local: string;
  mode: "unicast" | "multicast";
  peers: PeerLinkStatus[];
}

const frameData = 1;
const framePing = 2;
const framePong = 3;
const socketBufferBytes = 4 * 1024 * 1024;

interface PeerState {
  endpoint?: Endpoint;
  lastSeenMs: number;
  connected: boolean;
  rttMs?: number;
}

class Link {
  readonly peers = new Map<NodeId, PeerState>();
  sockets: Socket[] = [];
  constructor(readonly spec: LinkSpec) {
    for (const [nodeid, endpoint] of spec.peers) this.peers.set(nodeid, { endpoint, lastSeenMs: -Infinity, connected: false });
  }
  get unicast(): Socket {
    return this.sockets[0]!;
  }
}

export class LinkTransport implements Disposable {
  readonly counters = { rxPackets: 0, txPackets: 0, sendErrors: 0 };
  private readonly links: Link[];
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(private readonly options: TransportOptions) {
    assert(options.links.length > 0 && options.links.length <= 8, "a node has 1 to 8 links");
    this.links = options.links.map((spec) => new Link(spec));
  }

  static async open(options: TransportOptions): Promise<LinkTransport> {
    const transport = new LinkTransport(options);
    try {
      for (const link of transport.links) await transport.bind(link);
    } catch (error) {
      transport.dispose();
      throw error;
    }
    transport.heartbeat = setInterval(() => transport.tick(), options.pingIntervalMs);
    transport.tick();
    return transport;
  }

  /** Sends to one peer on its preferred link(s). */
  send(to: NodeId, payload: Uint8Array): void {
    const packet = this.options.sealer.seal(frame(frameData, payload));
    for (const link of this.linksFor(to)) this.sendTo(link, link.peers.get(to)?.endpoint, packet);
  }

  /** Sends to every peer: one datagram per peer on unicast links, one to the group on multicast links. */
  broadcast(payload: Uint8Array): void {
    const packet = this.options.sealer.seal(frame(frameData, payload));
    for (const link of this.links) {
      if (link.spec.multicast !== undefined) {
        if (this.preferred(link)) this.sendTo(link, { addr: link.spec.multicast.group, port: link.spec.local.port }, packet);
        continue;
      }
      for (const [nodeid, peer] of link.peers) {
        if (this.linksFor(nodeid).includes(link)) this.sendTo(link, peer.endpoint, packet);
      }
    }
  }

  status(): LinkStatus[] {
    return this.links.map((link) => ({
      linknumber: link.spec.linknumber,
      local: `${link.spec.local.addr}:${link.spec.local.port}`,
      mode: link.spec.multicast === undefined ? "unicast" : "multicast",
      peers: [...link.peers].sort(([a], [b]) => a - b).map(([nodeid, peer]) => ({
        nodeid, connected: peer.connected,
        ...(peer.endpoint === undefined ? {} : { addr: `${peer.endpoint.addr}:${peer.endpoint.port}` }),
        ...(peer.rttMs === undefined ? {} : { rttMs: Math.round(peer.rttMs * 1000) / 1000 }),
      })),
    }));
  }

  /** Peers heard from on at least one link within the ping timeout. */
  reachablePeers(): NodeId[] {
    const reachable = new Set<NodeId>();
    for (const link of this.links) for (const [nodeid, peer] of link.peers) if (peer.connected) reachable.add(nodeid);
    return [...reachable].sort((a, b) => a - b);
  }

  dispose(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const link of this.links) for (const socket of link.sockets) socket.close();
    for (const link of this.links) link.sockets = [];
  }

  private async bind(link: Link): Promise<void> {
    const type = isIPv6(link.spec.local.addr) ? "udp6" : "udp4";
    const unicast = createSocket({ type, reuseAddr: false });
    link.sockets.push(unicast);
    unicast.on("message", (packet, rinfo) => this.receive(link, packet, rinfo));
    unicast.on("error", (error) => this.socketError(link, error));
    await bindSocket(unicast, link.spec.local.port, link.spec.local.addr);
    tuneBuffers(unicast);
    const multicast = link.spec.multicast;
    if (multicast === undefined) return;
    unicast.setMulticastInterface(link.spec.local.addr);
    unicast.setMulticastTTL(multicast.ttl);
    unicast.setMulticastLoopback(true);
    const group = createSocket({ type, reuseAddr: true });
    link.sockets.push(group);
    group.on("message", (packet, rinfo) => this.receive(link, packet, rinfo));
    group.on("error", (error) => this.socketError(link, error));
    await bindSocket(group, link.spec.local.port, multicast.group);
    group.addMembership(multicast.group, link.spec.local.addr);
    tuneBuffers(group);
  }

  private socketError(link: Link, error: Error): void {
    this.counters.sendErrors++;
    this.options.onSocketError?.(link.spec.linknumber, error);
  }

  private receive(link: Link, packet: Buffer, rinfo: RemoteInfo): void {
    const opened = this.options.sealer.open(packet);
    if (!opened.ok) return;
    this.counters.rxPackets++;
    const { sender, payload } = opened;
    if (payload.length === 0) return;
    const peer = this.peerState(link, sender, rinfo);
    peer.lastSeenMs = performance.now();
    if (!peer.connected) this.setConnected(link, sender, peer, true);
    const kind = payload[0];
    if (kind === frameData) this.options.onData(sender, payload.subarray(1));
    else if (kind === framePing && payload.length === 9) this.sendTo(link, peer.endpoint, this.options.sealer.seal(frame(framePong, payload.subarray(1))));
    else if (kind === framePong && payload.length === 9) peer.rttMs = performance.now() - payload.readDoubleBE(1);
  }

  private peerState(link: Link, sender: NodeId, rinfo: RemoteInfo): PeerState {
    let peer = link.peers.get(sender);
    if (peer === undefined) {
      peer = { lastSeenMs: -Infinity, connected: false };
      link.peers.set(sender, peer);
    }
    // Multicast links learn where a peer's unicast socket is from what it sends.
    if (link.spec.multicast !== undefined) peer.endpoint = { addr: rinfo.address, port: rinfo.port };
    return peer;
  }

  private setConnected(link: Link, nodeid: NodeId, peer: PeerState, connected: boolean): void {
    peer.connected = connected;
    this.options.onLinkChange?.(link.spec.linknumber, nodeid, connected);
  }

  /** Heartbeats: ping every peer on every link, and mark silent links down. */
  private tick(): void {
    const now = performance.now();
    const ping = Buffer.alloc(9);
    ping.writeUInt8(framePing, 0);
    ping.writeDoubleBE(now, 1);
    for (const link of this.links) {
      for (const [nodeid, peer] of link.peers) {
        if (peer.connected && now - peer.lastSeenMs > this.options.pingTimeoutMs) this.setConnected(link, nodeid, peer, false);
      }
      const packet = this.options.sealer.seal(ping);
      if (link.spec.multicast !== undefined) this.sendTo(link, { addr: link.spec.multicast.group, port: link.spec.local.port }, packet);
      else for (const peer of link.peers.values()) this.sendTo(link, peer.endpoint, packet);
    }
  }

  /** Links to use for a peer: passive = the lowest-numbered connected link; active/rr = every connected link; none connected = all. */
  private linksFor(nodeid: NodeId): Link[] {
    const known = this.links.filter((link) => link.peers.get(nodeid)?.endpoint !== undefined);
    const connected = known.filter((link) => link.peers.get(nodeid)!.connected);
    if (connected.length === 0) return known;
    return this.options.linkMode === "passive" ? connected.slice(0, 1) : connected;
  }

  /** For multicast links: the lowest-numbered link any peer is connected on (or every link when none is). */
  private preferred(link: Link): boolean {
    const live = this.links.filter((l) => [...l.peers.values()].some((p) => p.connected));
    if (live.length === 0 || this.options.linkMode !== "passive") return true;
    return live[0] === link;
  }

  private sendTo(link: Link, endpoint: Endpoint | undefined, packet: Buffer): void {
    if (endpoint === undefined || link.sockets.length === 0) return;
    this.counters.txPackets++;
    link.unicast.send(packet, endpoint.port, endpoint.addr, (error) => {
      if (error) this.counters.sendErrors++;
    });
  }
}

function frame(kind: number, payload: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(payload.length + 1);
  framed[0] = kind;
  framed.set(payload, 1);
  return framed;
}

function bindSocket(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(new Error(`cannot bind ${address}:${port}: ${error.message}`));
    socket.once("error", onError);
    socket.bind(port, address, () => {
      socket.off("error", onError);
      resolve();
    });
  });
}

function tuneBuffers(socket: Socket): void {
  try {
    socket.setRecvBufferSize(socketBufferBytes);
    socket.setSendBufferSize(socketBufferBytes);
  } catch {
    // The kernel caps buffer sizes (net.core.rmem_max); the defaults still work, only slower under load.
  }
}
