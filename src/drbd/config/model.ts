/** The parsed drbd.conf, as Quorate uses it. Option sections keep their raw words for `dump`. */
import type { FencingPolicy } from "../core/fencing.js";

export type Protocol = "A" | "B" | "C";
export type HmacAlg = "sha1" | "sha256" | "sha512" | "md5";
export type OnIoError = "detach" | "pass_on" | "call-local-io-error";
/** csums-alg and data-integrity-alg: kernel crypto hash names, as drbd.conf spells them. */
export type DigestAlg = "md5" | "sha1" | "sha256" | "sha512" | "crc32c";
export const DIGEST_ALGS: readonly DigestAlg[] = ["md5", "sha1", "sha256", "sha512", "crc32c"];

/** after-sb-0pri: neither side was Primary when the split brain was found. */
export type AfterSb0pri =
  | "disconnect" | "discard-younger-primary" | "discard-older-primary" | "discard-zero-changes"
  | "discard-least-changes" | "discard-local" | "discard-remote";
/** after-sb-1pri: one side is Primary. */
export type AfterSb1pri = "disconnect" | "consensus" | "violently-as0p" | "discard-secondary" | "call-pri-lost-after-sb";
/** after-sb-2pri: both sides are Primary. */
export type AfterSb2pri = "disconnect" | "violently-as0p" | "call-pri-lost-after-sb";

export const AFTER_SB_0PRI: readonly AfterSb0pri[] = [
  "disconnect", "discard-younger-primary", "discard-older-primary", "discard-zero-changes",
  "discard-least-changes", "discard-local", "discard-remote",
];
export const AFTER_SB_1PRI: readonly AfterSb1pri[] = ["disconnect", "consensus", "violently-as0p", "discard-secondary", "call-pri-lost-after-sb"];
export const AFTER_SB_2PRI: readonly AfterSb2pri[] = ["disconnect", "violently-as0p", "call-pri-lost-after-sb"];

export interface SocketAddress {
  host: string;
  port: number;
}

/** One option statement (`protocol C;`), kept in file order. */
export interface OptionEntry {
  key: string;
  value: string | undefined;
  at: string;
}

export type SectionName = "handlers" | "startup" | "disk" | "net" | "syncer" | "options";
export const SECTION_NAMES: readonly SectionName[] = ["handlers", "startup", "disk", "net", "syncer", "options"];
export type Sections = Record<SectionName, OptionEntry[]>;

/** Quorate extension `local-device`: how a Primary makes its `device` path (see driver/local-device.ts). */
export type LocalDeviceMode = "auto" | "nbd" | "loop" | "none";
export const LOCAL_DEVICE_MODES: readonly LocalDeviceMode[] = ["auto", "nbd", "loop", "none"];

export interface HostConfig {
  name: string;
  device: string;
  minor: number;
  disk: string;
  address: SocketAddress;
  metaDisk: "internal" | string;
  nbdAddress: SocketAddress;
  /**
   * Quorate extension: `nbd-tls on|require;` with `nbd-tls-certificates DIR;` (server-cert.pem, server-key.pem,
   * and ca-cert.pem for `nbd-tls-verify-peer yes;`).
   */
  nbdTls: { mode: "on" | "require"; certificatesDir: string; verifyPeer: boolean } | undefined;
  localDevice: LocalDeviceMode;
  at: string;
}

export interface NetOptions {
  protocol: Protocol;
  cramHmacAlg: HmacAlg | undefined;
  sharedSecret: string | undefined;
  afterSb0pri: AfterSb0pri;
  afterSb1pri: AfterSb1pri;
  afterSb2pri: AfterSb2pri;
  allowTwoPrimaries: boolean;
  /** How long the peer may stay silent before the connection is dropped. */
  pingTimeoutMs: number;
  /** Retry interval while Connecting. */
  connectIntervalMs: number;
  /** Checksum-based resync: blocks whose digests match on both sides are not sent. */
  csumsAlg: DigestAlg | undefined;
  /** Every replicated write carries a digest of its data; the peer checks it before writing. */
  dataIntegrityAlg: DigestAlg | undefined;
}

export interface DiskOptions {
  onIoError: OnIoError;
  /** `fencing` (disk section in DRBD 8.4, net section in DRBD 9). */
  fencing: FencingPolicy;
  resyncRateBytesPerSec: number;
  /** c-plan-ahead, c-fill-target, c-delay-target, c-max-rate, c-min-rate (see core/resync-controller.ts). */
  rateController: { planAheadMs: number; fillTargetBytes: number; delayTargetMs: number; maxRateBytesPerSec: number; minRateBytesPerSec: number };
  alExtents: number;
}

export interface StartupOptions {
  wfcTimeoutS: number;
  degrWfcTimeoutS: number;
  outdatedWfcTimeoutS: number;
}

export interface ResourceConfig {
  name: string;
  hosts: HostConfig[];
  net: NetOptions;
  disk: DiskOptions;
  startup: StartupOptions;
  handlers: Record<string, string>;
  verifyAlg: DigestAlg;
  /** Options as written in the resource (for dump); common's are in DrbdConfig.common. */
  sections: Sections;
  at: string;
}

export interface DrbdConfig {
  file: string;
  usageCount: string | undefined;
  common: Sections;
  resources: ResourceConfig[];
  warnings: string[];
}

export function emptySections(): Sections {
  return { handlers: [], startup: [], disk: [], net: [], syncer: [], options: [] };
}
