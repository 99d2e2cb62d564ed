import { readFile } from "node:fs/promises";
import { isIPv4, isIP } from "node:net";
import { err, ok, type Result } from "../../lib/result.js";
import {
  defaultKeyfile, defaultPort, linksMax,
  type Cipher, type ClusterConfig, type Hash, type InterfaceConfig, type LoggingConfig, type NodeConfig, type NodeId,
  type QuorumConfig, type TieBreaker, type Transport,
} from "./model.js";
import { defaultTotemConfig, effectiveTotemConfig, type TotemConfig, type TotemSettings } from "../../totem/index.js";
import { Diagnostics, readersOf, SectionReader, type KeyKind } from "./reader.js";
import * as schema from "./schema.js";
import { votequorumOptions } from "./quorum.js";
import { parseConfText, type ConfDiagnostic, type ConfSection } from "./syntax.js";

export interface LoadedConfig {
  config: ClusterConfig;
  warnings: ConfDiagnostic[];
}
export interface ConfigErrors {
  errors: ConfDiagnostic[];
  warnings: ConfDiagnostic[];
}

export async function loadConfigFile(file: string): Promise<Result<LoadedConfig, ConfigErrors>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return err({ errors: [{ file, line: 0, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }], warnings: [] });
  }
  return parseConfig(text, file);
}

/** Parses and validates corosync.conf text; on any error nothing is returned to start from. */
export function parseConfig(text: string, file: string): Result<LoadedConfig, ConfigErrors> {
  const tree = parseConfText(text, file);
  if (!tree.ok) return err({ errors: [tree.error], warnings: [] });
  const diag = new Diagnostics(file);
  const config = decode(tree.value, diag);
  const byLine = (a: ConfDiagnostic, b: ConfDiagnostic) => a.line - b.line;
  const warnings = [...diag.warnings].sort(byLine);
  if (diag.errors.length > 0) return err({ errors: [...diag.errors].sort(byLine), warnings });
  return ok({ config, warnings });
}

function single(root: SectionReader, name: string, diag: Diagnostics): ConfSection | undefined {
  const found = root.section.sections.filter((s) => s.name === name);
  for (const extra of found.slice(1)) diag.error(extra.line, `section ${name} appears more than once (first at line ${found[0]!.line})`);
  return found[0];
}

function reader(section: ConfSection | undefined, path: string, known: Record<string, KeyKind>, diag: Diagnostics): SectionReader {
  return new SectionReader(section ?? { name: path, line: 0, entries: [], sections: [] }, path, known, diag);
}

function decode(tree: ConfSection, diag: Diagnostics): ClusterConfig {
  const root = new SectionReader(tree, "", schema.rootKeys, diag);
  root.subsections(schema.rootSections);
  const totemSection = single(root, "totem", diag);
  if (totemSection === undefined) diag.error(0, "no totem { } section");
  const totem = reader(totemSection, "totem", schema.totemKeys, diag);
  totem.subsections(["interface"]);
  const nodelist = single(root, "nodelist", diag);
  const nodelistReader = reader(nodelist, "nodelist", {}, diag);
  nodelistReader.subsections(["node"]);
  for (const [name, keys] of Object.entries(schema.ignoredSectionKeys)) {
    for (const r of readersOf(root, name, keys, diag)) r.subsections([]);
  }
  const services = readersOf(root, "service", schema.serviceKeys, diag).map((s) => ({ name: s.string("name") ?? "", ver: s.int("ver") ?? 0 }));
  const form = detectForm(root, nodelist);
  if (totem.has("version") && totem.int("version") !== 2) diag.error(totem.line("version"), "totem.version must be 2");
  const { interfaces, members } = decodeInterfaces(totem, diag);
  const transport = decodeTransport(totem, nodelist !== undefined, form);
  const clearNodeHighBit = totem.bool("clear_node_high_bit") ?? false;
  const nodes = decodeNodes(nodelistReader, transport, clearNodeHighBit, diag);
  if (nodes.length === 0) nodes.push(...membersOf(members, clearNodeHighBit, diag));
  checkTransport(totem, transport, interfaces, nodes, diag);
  const { cipher, hash } = decodeCrypto(totem, diag);
  const localNodeid = totem.int("nodeid", 1, 0xffffffff);
  return {
    file: diag.file, form, clusterName: totem.string("cluster_name") ?? "", transport, cipher, hash,
    keyfile: totem.string("keyfile") ?? defaultKeyfile,
    linkMode: totem.choice("link_mode", ["passive", "active", "rr"] as const) ?? "passive",
    ...(localNodeid === undefined ? {} : { localNodeid: localNodeid as NodeId }),
    clearNodeHighBit,
    timings: decodeTimings(totem, form, nodelist === undefined ? undefined : nodes.length, diag),
    interfaces, nodes,
    quorum: decodeQuorum(reader(single(root, "quorum", diag), "quorum", schema.quorumKeys, diag), nodes, diag),
    logging: decodeLogging(reader(single(root, "logging", diag), "logging", schema.loggingKeys, diag), diag),
    services,
  };
}

function detectForm(root: SectionReader, nodelist: ConfSection | undefined): "1.x" | "2.x+" {
  if (nodelist !== undefined) return "2.x+";
  const legacy = root.has("compatibility") || root.section.sections.some((s) => ["aisexec", "amf", "service"].includes(s.name));
  return legacy ? "1.x" : "2.x+";
}

function decodeTransport(totem: SectionReader, hasNodelist: boolean, form: "1.x" | "2.x+"): Transport {
  const chosen = totem.choice("transport", ["udp", "udpu", "knet"] as const);
  if (chosen !== undefined) return chosen;
  return hasNodelist && form === "2.x+" ? "knet" : "udp";
}

const timingKeys = [
  "token", "token_coefficient", "token_retransmit", "hold", "token_retransmits_before_loss_const", "join", "send_join",
  "consensus", "merge", "downcheck", "fail_recv_const", "seqno_unchanged_const", "miss_count_const", "window_size", "max_messages", "fail_silent",
] as const;

/** Explicit totem settings from the file; the totem layer derives the rest and checks their relations. */
function decodeTimings(totem: SectionReader, form: "1.x" | "2.x+", nodelistSize: number | undefined, diag: Diagnostics): TotemConfig {
  const settings: { -readonly [K in keyof TotemSettings]: TotemSettings[K] } = {};
  for (const key of timingKeys) {
    const value = totem.int(key, key === "token_coefficient" || key === "send_join" || key === "fail_silent" ? 0 : 1);
    if (value !== undefined) settings[key] = value;
  }
  if (settings.token === undefined && form === "1.x") settings.token = 1000; // corosync 1.x's default
  const netmtu = totem.int("netmtu", 576, 60_000);
  if (netmtu !== undefined) settings.netmtu = netmtu;
  const cancelHold = totem.bool("cancel_token_hold_on_retransmit");
  if (cancelHold !== undefined) settings.cancel_token_hold_on_retransmit = cancelHold;
  const effective = effectiveTotemConfig(settings, nodelistSize);
  if (!effective.ok) {
    for (const problem of effective.error) diag.error(lineOfProblem(totem, problem), problem);
    return defaultTotemConfig(nodelistSize);
  }
  const t = effective.value;
  if (t.consensus < 1.2 * t.token) {
    diag.error(totem.line("consensus"), `totem.consensus (${t.consensus} ms) must be at least 1.2 * token (${t.token} ms): a smaller value ends membership rounds before every join can arrive`);
  }
  return t;
}

/** The line of the first key a totem problem names ("totem.hold (..) must be less than token_retransmit"). */
function lineOfProblem(totem: SectionReader, problem: string): number {
  const key = /^totem\.([a-z_]+)/.exec(problem)?.[1];
  return key !== undefined && totem.has(key) ? totem.line(key) : totem.section.line;
}

interface MemberAddr {
  link: number;
  index: number;
  addr: string;
  line: number;
}

function decodeInterfaces(totem: SectionReader, diag: Diagnostics): { interfaces: InterfaceConfig[]; members: MemberAddr[] } {
  const result: InterfaceConfig[] = [];
  const members: MemberAddr[] = [];
  for (const iface of readersOf(totem, "interface", schema.interfaceKeys, diag)) {
    iface.subsections(["member"]);
    const linknumber = iface.int("linknumber", 0, linksMax - 1) ?? iface.int("ringnumber", 0, linksMax - 1) ?? 0;
    readersOf(iface, "member", schema.memberKeys, diag).forEach((member, index) => {
      const addr = member.string("memberaddr");
      if (addr === undefined) diag.error(member.section.line, "totem.interface.member needs a memberaddr");
      else members.push({ link: linknumber, index, addr, line: member.line("memberaddr") });
    });
    if (result.some((r) => r.linknumber === linknumber)) diag.error(iface.section.line, `two interface sections for link ${linknumber}`);
    const mcastaddr = iface.string("mcastaddr");
    if (mcastaddr !== undefined && !isMulticast(mcastaddr)) diag.error(iface.line("mcastaddr"), `totem.interface.mcastaddr must be a multicast address (got "${mcastaddr}")`);
    const bindnetaddr = iface.string("bindnetaddr");
    if (bindnetaddr !== undefined && isIP(bindnetaddr) === 0) diag.error(iface.line("bindnetaddr"), `totem.interface.bindnetaddr must be an IP address (got "${bindnetaddr}")`);
    const pingIntervalMs = iface.int("knet_ping_interval", 1);
    const pingTimeoutMs = iface.int("knet_ping_timeout", 1);
    result.push({
      linknumber, port: iface.int("mcastport", 1, 65535) ?? defaultPort, ttl: iface.int("ttl", 0, 255) ?? 1,
      broadcast: iface.bool("broadcast") ?? false,
      ...(bindnetaddr === undefined ? {} : { bindnetaddr }),
      ...(mcastaddr === undefined ? {} : { mcastaddr }),
      ...(pingIntervalMs === undefined ? {} : { pingIntervalMs }),
      ...(pingTimeoutMs === undefined ? {} : { pingTimeoutMs }),
    });
  }
  return { interfaces: result.sort((a, b) => a.linknumber - b.linknumber), members };
}

export function isMulticast(addr: string): boolean {
  if (isIPv4(addr)) {
    const first = Number(addr.split(".")[0]);
    return first >= 224 && first <= 239;
  }
  return isIP(addr) === 6 && addr.toLowerCase().startsWith("ff");
}

/** corosync's automatic node id: the IPv4 address as a 32-bit number (high bit cleared on request). */
export function nodeidFromAddress(addr: string, clearHighBit: boolean): number | undefined {
  if (!isIPv4(addr)) return undefined;
  const value = addr.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return clearHighBit ? value & 0x7fffffff : value;
}

function decodeNodes(nodelist: SectionReader, transport: Transport, clearHighBit: boolean, diag: Diagnostics): NodeConfig[] {
  const nodes: NodeConfig[] = [];
  for (const node of readersOf(nodelist, "node", schema.nodeKeys, diag)) {
    node.subsections([]);
    const addrs = Array.from({ length: linksMax }, (_, n) => node.string(`ring${n}_addr`));
    const ring0 = addrs[0];
    if (addrs.every((a) => a === undefined)) diag.error(node.section.line, "nodelist.node has no ring0_addr");
    let nodeid = node.int("nodeid", 1, 0xffffffff);
    if (nodeid === undefined && !node.has("nodeid")) {
      if (transport === "knet") diag.error(node.section.line, "nodelist.node needs a nodeid with transport knet");
      else if (ring0 !== undefined) nodeid = nodeidFromAddress(ring0, clearHighBit);
      if (nodeid === undefined && transport !== "knet") diag.error(node.section.line, "nodelist.node needs a nodeid (its ring0_addr is not an IPv4 address)");
    }
    if (nodeid === undefined) continue;
    const name = node.string("name");
    nodes.push({ nodeid: nodeid as NodeId, addrs, votes: node.int("quorum_votes", 0) ?? 1, ...(name === undefined ? {} : { name }) });
    checkUnique(nodes, node, diag);
  }
  return nodes;
}

function checkUnique(nodes: NodeConfig[], node: SectionReader, diag: Diagnostics): void {
  const added = nodes[nodes.length - 1]!;
  for (const other of nodes.slice(0, -1)) {
    if (other.nodeid === added.nodeid) diag.error(node.section.line, `nodeid ${added.nodeid} is used by two nodes`);
    added.addrs.forEach((addr, link) => {
      if (addr !== undefined && other.addrs[link] === addr) diag.error(node.line(`ring${link}_addr`), `address ${addr} is used by two nodes on link ${link}`);
    });
    if (added.name !== undefined && other.name === added.name) diag.error(node.line("name"), `node name ${added.name} is used twice`);
  }
}

/** The 1.4 udpu form: `interface { member { memberaddr: ... } }`; the n-th member of each link is the n-th node. */
function membersOf(members: MemberAddr[], clearHighBit: boolean, diag: Diagnostics): NodeConfig[] {
  const nodes: NodeConfig[] = [];
  for (const { link, index, addr, line } of members) {
    const nodeid = nodeidFromAddress(addr, clearHighBit);
    if (nodeid === undefined) {
      diag.error(line, `totem.interface.member.memberaddr must be an IPv4 address (got "${addr}")`);
      continue;
    }
    const node = nodes[index] ?? { nodeid: nodeid as NodeId, addrs: new Array<string | undefined>(linksMax).fill(undefined), votes: 1 };
    node.addrs[link] = addr;
    nodes[index] = node;
  }
  return nodes.filter((n) => n !== undefined);
}

function checkTransport(totem: SectionReader, transport: Transport, interfaces: InterfaceConfig[], nodes: NodeConfig[], diag: Diagnostics): void {
  if (transport === "udp") {
    if (interfaces.length === 0 && nodes.length === 0) diag.error(totem.section.line, "transport udp needs a totem.interface with mcastaddr (or a nodelist)");
    for (const iface of interfaces) {
      if (iface.mcastaddr === undefined && !iface.broadcast && nodes.length === 0) {
        diag.error(totem.section.line, `totem.interface (link ${iface.linknumber}) needs mcastaddr or broadcast: yes for transport udp`);
      }
      if (iface.bindnetaddr === undefined && nodes.length === 0) diag.error(totem.section.line, `totem.interface (link ${iface.linknumber}) needs bindnetaddr`);
    }
    return;
  }
  if (nodes.length === 0) diag.error(totem.line("transport"), `transport ${transport} needs a nodelist`);
  const links = new Set(nodes.flatMap((n) => n.addrs.flatMap((a, i) => (a === undefined ? [] : [i]))));
  if (transport === "udpu" && [...links].some((l) => l > 1)) diag.error(totem.line("transport"), "transport udpu supports links 0 and 1 only (use knet for up to 8)");
  for (const node of nodes) {
    for (const link of links) {
      if (node.addrs[link] === undefined) diag.warn(totem.section.line, `node ${node.nodeid} has no ring${link}_addr while other nodes do: link ${link} will not reach it`);
    }
  }
}

function decodeCrypto(totem: SectionReader, diag: Diagnostics): { cipher: Cipher; hash: Hash } {
  const secauth = totem.bool("secauth") ?? false;
  let cipher = totem.choice("crypto_cipher", ["none", "aes256", "aes192", "aes128", "3des"] as const) ?? (secauth ? "aes256" : "none");
  const hash = totem.choice("crypto_hash", ["none", "md5", "sha1", "sha256", "sha384", "sha512"] as const) ?? (secauth ? "sha1" : "none");
  if (cipher === "3des") {
    diag.error(totem.line("crypto_cipher"), "totem.crypto_cipher 3des is not supported; use aes256");
    cipher = "none";
  }
  if (cipher !== "none" && hash === "none") diag.error(totem.line("crypto_cipher"), "totem.crypto_cipher needs crypto_hash as well (corosync refuses encryption without authentication)");
  return { cipher, hash };
}

function decodeTieBreaker(quorum: SectionReader, diag: Diagnostics): TieBreaker {
  const value = quorum.string("auto_tie_breaker_node") ?? "lowest";
  if (value === "lowest" || value === "highest") return value;
  const ids = value.split(/\s+/).map(Number);
  if (ids.some((id) => !Number.isInteger(id) || id <= 0)) {
    diag.error(quorum.line("auto_tie_breaker_node"), `quorum.auto_tie_breaker_node must be lowest, highest or a list of node ids (got "${value}")`);
    return "lowest";
  }
  return ids as NodeId[];
}

function decodeQuorum(quorum: SectionReader, nodes: NodeConfig[], diag: Diagnostics): QuorumConfig {
  const decoded = decodeQuorumKeys(quorum, nodes, diag);
  const checked = votequorumOptions({ quorum: decoded, nodes }, undefined);
  if (checked !== null && !checked.ok) for (const problem of checked.error) diag.error(quorum.section.line, problem);
  return decoded;
}

function decodeQuorumKeys(quorum: SectionReader, nodes: NodeConfig[], diag: Diagnostics): QuorumConfig {
  quorum.subsections([]);
  const twoNode = quorum.bool("two_node") ?? false;
  const expectedVotes = quorum.int("expected_votes", 1);
  if (twoNode && nodes.length > 2) diag.warn(quorum.line("two_node"), `quorum.two_node is set but the nodelist has ${nodes.length} nodes: it only applies while at most 2 are present`);
  if (!quorum.has("provider") && quorum.section.entries.length > 0) diag.warn(quorum.section.line, "quorum options are set but no provider: add provider: corosync_votequorum");
  return {
    provider: quorum.has("provider") ? "corosync_votequorum" : "none",
    ...(expectedVotes === undefined ? {} : { expectedVotes }),
    twoNode,
    waitForAll: quorum.bool("wait_for_all") ?? twoNode,
    lastManStanding: quorum.bool("last_man_standing") ?? false,
    lastManStandingWindowMs: quorum.int("last_man_standing_window", 1) ?? 10_000,
    autoTieBreaker: quorum.bool("auto_tie_breaker") ?? false,
    autoTieBreakerNode: decodeTieBreaker(quorum, diag),
    allowDownscale: quorum.bool("allow_downscale") ?? false,
  };
}

function decodeLogging(logging: SectionReader, diag: Diagnostics): LoggingConfig {
  for (const sub of readersOf(logging, "logger_subsys", schema.loggerSubsysKeys, diag)) sub.subsections([]);
  logging.subsections(["logger_subsys"]);
  const on = (key: string) => ["on", "yes", "trace", "hires"].includes(logging.string(key) ?? "");
  const toLogfile = logging.bool("to_logfile") ?? false;
  const logfile = logging.string("logfile");
  if (toLogfile && logfile === undefined) diag.error(logging.line("to_logfile"), "logging.to_logfile is on but no logfile is named");
  return {
    toStderr: logging.bool("to_stderr") ?? true,
    toLogfile, toSyslog: logging.bool("to_syslog") ?? false,
    debug: on("debug"), timestamp: logging.has("timestamp") ? on("timestamp") : true,
    fileline: logging.bool("fileline") ?? false,
    ...(logfile === undefined ? {} : { logfile }),
  };
}
