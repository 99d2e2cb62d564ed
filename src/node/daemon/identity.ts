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

/** An address may appear a moment after start (an interface or a namespace being set up): keep looking this long. */
const ADDRESS_WAIT_MS = 5000;
const ADDRESS_POLL_MS = 100;

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
export async function findIdentity(
  config: ClusterConfig, nodeidOption: number | undefined, onWaiting: (why: string) => void = () => undefined, waitMs = ADDRESS_WAIT_MS,
): Promise<Result<Identity, string>> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const found = await findIdentityNow(config, nodeidOption);
    if (found.ok || !found.error.missingAddress || performance.now() >= deadline) return found.ok ? found : err(found.error.message);
    if (attempt === 0) onWaiting(`${found.error.message}; waiting up to ${waitMs} ms for the address to appear`);
    await new Promise((resolve) => setTimeout(resolve, ADDRESS_POLL_MS));
  }
}

/** `missingAddress`: no local address matched yet, which waiting may cure. */
type IdentityProblem = { message: string; missingAddress: boolean };
const problem = (message: string, missingAddress = false): Result<never, IdentityProblem> => err({ message, missingAddress });

async function findIdentityNow(config: ClusterConfig, nodeidOption: number | undefined): Promise<Result<Identity, IdentityProblem>> {
  if (config.nodes.length === 0) return multicastIdentity(config, nodeidOption);
  const nodes: NodeConfig[] = await Promise.all(config.nodes.map(async (n) => ({ ...n, addrs: await Promise.all(n.addrs.map((a) => (a === undefined ? undefined : resolve(a)))) })));
  let self: NodeConfig | undefined;
  if (nodeidOption !== undefined) {
    self = nodes.find((n) => n.nodeid === nodeidOption);
    if (self === undefined) return problem(`node id ${nodeidOption} is not in the nodelist of ${config.file}`);
  } else {
    const locals = localAddresses();
    const mine = nodes.filter((n) => n.addrs.some((a) => a !== undefined && isLocal(a, locals)));
    if (mine.length === 0) return problem(`none of the nodelist addresses in ${config.file} is local to this machine; use --nodeid`, true);
    if (mine.length > 1) return problem(`several nodes of ${config.file} have local addresses (${mine.map((n) => n.nodeid).join(", ")}); choose one with --nodeid`);
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

function multicastIdentity(config: ClusterConfig, nodeidOption: number | undefined): Result<Identity, IdentityProblem> {
  const locals = localAddresses();
  const links: LinkSpec[] = [];
  for (const iface of config.interfaces) {
    if (iface.bindnetaddr === undefined || iface.mcastaddr === undefined) return problem(`link ${iface.linknumber} needs bindnetaddr and mcastaddr`);
    const local = interfaceFor(iface.bindnetaddr, locals);
    if (local === undefined) return problem(`no local interface matches bindnetaddr ${iface.bindnetaddr} (link ${iface.linknumber})`, true);
    links.push({ linknumber: iface.linknumber, local: { addr: local, port: iface.port }, multicast: { group: iface.mcastaddr, ttl: iface.ttl }, peers: new Map() });
  }
  const first = links[0];
  if (first === undefined) return problem("no totem.interface to run on");
  const nodeid = nodeidOption ?? config.localNodeid ?? nodeidFromAddress(first.local.addr, config.clearNodeHighBit);
  if (nodeid === undefined || nodeid === 0) return problem("cannot derive a node id from an IPv6 address; set totem.nodeid or --nodeid");
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
