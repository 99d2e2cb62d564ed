import { lookup } from "node:dns/promises";
import { isIP, isIPv4 } from "node:net";
import { networkInterfaces } from "node:os";
import { err, ok, type Result } from "../../lib/result.js";
import { defaultPort, linksMax, type ClusterConfig, type NodeConfig, type NodeId } from "../config/model.js";
import { nodeidFromAddress } from "../config/load.js";
import type { LinkSpec } from "../driver/links.js";

/** Who this node is in the cluster and which links it runs. */
export interface Identity {
  nodeid: NodeId;
  name?: string;
  links: LinkSpec[];
}

interface LocalAddress {
  address: string;
  netmask: string;
}

function localAddresses(): LocalAddress[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => ({ address: a.address, netmask: a.netmask })));
}

/** Loopback addresses beyond 127.0.0.1 are local too, but no interface lists them. */
function isLocal(addr: string, locals: LocalAddress[]): boolean {
  return (isIPv4(addr) && addr.startsWith("127.")) || locals.some((l) => l.address === addr);
}

async function resolve(addr: string): Promise<string> {
  return isIP(addr) !== 0 ? addr : (await lookup(addr, { family: 4 })).address;
}

/**
 * Finds this node: by --nodeid, else by the node whose addresses are local
 * (several nodes on one machine share 127.0.0.0/8, so they need --nodeid).
 * Without a nodelist (1.x multicast), by bindnetaddr's interface.
 */
export async function findIdentity(config: ClusterConfig, nodeidOption: number | undefined): Promise<Result<Identity, string>> {
  if (config.nodes.length === 0) return multicastIdentity(config, nodeidOption);
  const nodes: NodeConfig[] = await Promise.all(config.nodes.map(async (n) => ({ ...n, addrs: await Promise.all(n.addrs.map((a) => (a === undefined ? undefined : resolve(a)))) })));
  let self: NodeConfig | undefined;
  if (nodeidOption !== undefined) {
    self = nodes.find((n) => n.nodeid === nodeidOption);
    if (self === undefined) return err(`node id ${nodeidOption} is not in the nodelist of ${config.file}`);
  } else {
    const locals = localAddresses();
    const mine = nodes.filter((n) => n.addrs.some((a) => a !== undefined && isLocal(a, locals)));
    if (mine.length === 0) return err(`none of the nodelist addresses in ${config.file} is local to this machine; use --nodeid`);
    if (mine.length > 1) return err(`several nodes of ${config.file} have local addresses (${mine.map((n) => n.nodeid).join(", ")}); choose one with --nodeid`);
    self = mine[0]!;
  }
  const links: LinkSpec[] = [];
  for (let link = 0; link < linksMax; link++) {
    const local = self.addrs[link];
    if (local === undefined) continue;
    const iface = config.interfaces.find((i) => i.linknumber === link);
    const port = iface?.port ?? defaultPort;
    const peers = new Map(nodes.filter((n) => n !== self && n.addrs[link] !== undefined).map((n) => [n.nodeid, { addr: n.addrs[link]!, port }]));
    const multicast = config.transport === "udp" && iface?.mcastaddr !== undefined ? { multicast: { group: iface.mcastaddr, ttl: iface.ttl } } : {};
    links.push({ linknumber: link, local: { addr: local, port }, peers, ...multicast });
  }
  return ok({ nodeid: self.nodeid, links, ...(self.name === undefined ? {} : { name: self.name }) });
}

function multicastIdentity(config: ClusterConfig, nodeidOption: number | undefined): Result<Identity, string> {
  const locals = localAddresses();
  const links: LinkSpec[] = [];
  for (const iface of config.interfaces) {
    if (iface.bindnetaddr === undefined || iface.mcastaddr === undefined) return err(`link ${iface.linknumber} needs bindnetaddr and mcastaddr`);
    const local = interfaceFor(iface.bindnetaddr, locals);
    if (local === undefined) return err(`no local interface matches bindnetaddr ${iface.bindnetaddr} (link ${iface.linknumber})`);
    links.push({ linknumber: iface.linknumber, local: { addr: local, port: iface.port }, multicast: { group: iface.mcastaddr, ttl: iface.ttl }, peers: new Map() });
  }
  const first = links[0];
  if (first === undefined) return err("no totem.interface to run on");
  const nodeid = nodeidOption ?? config.localNodeid ?? nodeidFromAddress(first.local.addr, config.clearNodeHighBit);
  if (nodeid === undefined || nodeid === 0) return err("cannot derive a node id from an IPv6 address; set totem.nodeid or --nodeid");
  return ok({ nodeid: nodeid as NodeId, links });
}

/** bindnetaddr is a host address (used as is when local) or a network address: the local address in that network. */
export function interfaceFor(bindnetaddr: string, locals: LocalAddress[]): string | undefined {
  if (isLocal(bindnetaddr, locals) && !bindnetaddr.endsWith(".0")) return bindnetaddr;
  const toNumber = (addr: string) => addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  if (!isIPv4(bindnetaddr)) return locals.find((l) => l.address === bindnetaddr)?.address;
  const target = toNumber(bindnetaddr);
  const match = locals.find((l) => isIPv4(l.address) && (toNumber(l.address) & toNumber(l.netmask)) >>> 0 === (target & toNumber(l.netmask)) >>> 0);
  return match?.address;
}
