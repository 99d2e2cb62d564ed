import type { Brand } from "../../lib/brand.js";
import type { TotemConfig } from "../../totem/index.js";

/** The effective cluster configuration a node runs with, decoded once from corosync.conf. */
export type NodeId = Brand<number, "NodeId">;

export const linksMax = 8;

export type Transport = "udp" | "udpu" | "knet";
export type Cipher = "none" | "aes128" | "aes192" | "aes256";
export type Hash = "none" | "md5" | "sha1" | "sha256" | "sha384" | "sha512";
export type LinkMode = "passive" | "active" | "rr";


/** One `totem { interface { ... } }` block: where link N binds and, for udp, which group it uses. */
export interface InterfaceConfig {
  linknumber: number;
  bindnetaddr?: string;
  mcastaddr?: string;
  port: number;
  ttl: number;
  broadcast: boolean;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

export interface NodeConfig {
  nodeid: NodeId;
  name?: string;
  /** Index = link number; an absent link is undefined. */
  addrs: Array<string | undefined>;
  votes: number;
}

export type TieBreaker = "lowest" | "highest" | NodeId[];

export interface QuorumConfig {
  provider: "corosync_votequorum" | "none";
  expectedVotes?: number;
  twoNode: boolean;
  waitForAll: boolean;
  lastManStanding: boolean;
  lastManStandingWindowMs: number;
  autoTieBreaker: boolean;
  autoTieBreakerNode: TieBreaker;
  allowDownscale: boolean;
}

export type LogPriority = "emerg" | "alert" | "crit" | "err" | "warning" | "notice" | "info" | "debug";

export interface LoggingConfig {
  toStderr: boolean;
  toLogfile: boolean;
  logfile?: string;
  toSyslog: boolean;
  debug: boolean;
  timestamp: boolean;
  fileline: boolean;
}

export interface ClusterConfig {
  file: string;
  /** "1.x" when the file uses the whitetank-era form (no nodelist, compatibility/aisexec/service blocks). */
  form: "1.x" | "2.x+";
  clusterName: string;
  transport: Transport;
  cipher: Cipher;
  hash: Hash;
  keyfile: string;
  linkMode: LinkMode;
  /** totem { nodeid } of the 1.x form, used when there is no nodelist. */
  localNodeid?: NodeId;
  clearNodeHighBit: boolean;
  /** Effective totem timings (token_coefficient applied, derived values computed by the totem layer). */
  timings: TotemConfig;
  interfaces: InterfaceConfig[];
  nodes: NodeConfig[];
  quorum: QuorumConfig;
  logging: LoggingConfig;
  /** service { name: pacemaker; ver: 0 } blocks: recorded, the resource manager reads them. */
  services: Array<{ name: string; ver: number }>;
}

export const defaultPort = 5405;
export const defaultKeyfile = "/etc/corosync/authkey";
