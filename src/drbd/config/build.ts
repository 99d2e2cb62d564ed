import { ConfigError, type Statement } from "./syntax.js";
import {
  AFTER_SB_0PRI, AFTER_SB_1PRI, AFTER_SB_2PRI, DIGEST_ALGS, LOCAL_DEVICE_MODES, SECTION_NAMES, emptySections,
  type AfterSb0pri, type AfterSb1pri, type AfterSb2pri, type DigestAlg, type DiskOptions, type DrbdConfig, type HmacAlg, type HostConfig, type LocalDeviceMode,
  type OnIoError, type OptionEntry, type ResourceConfig, type SectionName, type Sections, type SocketAddress,
} from "./model.js";
import { AL_EXTENTS_MAX } from "../core/metadata.js";
import { FENCING_POLICIES, type FencingPolicy } from "../core/fencing.js";

/** Keywords Quorate knows per section; anything else is kept for dump and warned about. */
const KNOWN: Record<SectionName, readonly string[]> = {
  handlers: ["split-brain", "pri-lost-after-sb", "local-io-error", "pri-on-incon-degr", "pri-lost", "fence-peer",
    "unfence-peer", "before-resync-target", "after-resync-target", "before-resync-source", "initial-split-brain",
    "out-of-sync", "quorum-lost"],
  startup: ["wfc-timeout", "degr-wfc-timeout", "outdated-wfc-timeout", "wait-after-sb", "become-primary-on"],
  disk: ["on-io-error", "resync-rate", "al-extents", "c-max-rate", "c-min-rate", "c-plan-ahead", "c-fill-target", "c-delay-target",
    "disk-flushes", "md-flushes", "disk-barrier", "fencing", "resync-after", "no-disk-flushes", "no-md-flushes"],
  net: ["protocol", "cram-hmac-alg", "shared-secret", "after-sb-0pri", "after-sb-1pri", "after-sb-2pri",
    "allow-two-primaries", "ping-timeout", "ping-int", "connect-int", "timeout", "max-buffers", "max-epoch-size",
    "sndbuf-size", "rcvbuf-size", "verify-alg", "csums-alg", "data-integrity-alg", "fencing", "ko-count", "rr-conflict"],
  syncer: ["rate", "al-extents", "verify-alg", "csums-alg", "c-max-rate", "c-min-rate", "c-plan-ahead", "c-fill-target", "c-delay-target"],
  options: ["auto-promote", "cpu-mask", "on-no-data-accessible", "quorum"],
};

const NBD_BASE_PORT = 10809;
/** DRBD 9's default; the activity log must fit a metadata slot (see core/metadata.ts). */
const AL_EXTENTS_DEFAULT = 1237;

function at(s: Statement): string {
  return `${s.file}:${s.line}`;
}

function fail(s: Statement, what: string): never {
  throw new ConfigError(s.file, s.line, what);
}

function readSection(name: SectionName, s: Statement, into: OptionEntry[], warnings: string[]): void {
  for (const entry of s.block ?? []) {
    if (entry.block !== undefined) fail(entry, `unexpected section '${entry.words[0]}' inside ${name}`);
    const [key, ...rest] = entry.words as [string, ...string[]];
    if (rest.length > 1) fail(entry, `${name} ${key} takes one value (got ${rest.length})`);
    if (!KNOWN[name].includes(key)) warnings.push(`${at(entry)}: unknown keyword '${key}' in ${name} (kept, ignored)`);
    into.push({ key, value: rest[0], at: at(entry) });
  }
}

function parseAddress(s: Statement, words: string[]): SocketAddress {
  const text = words[0] === "ipv4" ? words[1] : words[0];
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text ?? "");
  const port = Number(match?.[2]);
  if (match === null || port < 1 || port > 65535) fail(s, `${s.words[0]} must be IPv4:PORT (got "${words.join(" ")}")`);
  return { host: match[1]!, port };
}

function parseDevice(s: Statement, words: string[]): { device: string; minor: number } {
  const device = words[0];
  if (device === undefined) fail(s, "device needs a path");
  let minor = Number(/(\d+)$/.exec(device)?.[1] ?? Number.NaN);
  if (words[1] === "minor") minor = Number(words[2]);
  if (!Number.isInteger(minor) || minor < 0 || minor > 1_048_575) fail(s, `device ${device}: cannot tell the minor number; write 'device ${device} minor N;'`);
  return { device, minor };
}

type HostDraft = { [K in "device" | "disk" | "address" | "metaDisk" | "nbdAddress" | "nbdTls" | "nbdTlsCertificates" | "nbdTlsVerifyPeer" | "localDevice"]?: Statement };

function readHostStatements(list: Statement[], into: HostDraft): Statement[] {
  const rest: Statement[] = [];
  for (const s of list) {
    const key = s.words[0];
    if (key === "device") into.device = s;
    else if (key === "disk" && s.block === undefined) into.disk = s;
    else if (key === "address") into.address = s;
    else if (key === "meta-disk" || key === "flexible-meta-disk") into.metaDisk = s;
    else if (key === "nbd-address") into.nbdAddress = s;
    else if (key === "nbd-tls") into.nbdTls = s;
    else if (key === "nbd-tls-certificates") into.nbdTlsCertificates = s;
    else if (key === "nbd-tls-verify-peer") into.nbdTlsVerifyPeer = s;
    else if (key === "local-device") into.localDevice = s;
    else if (key === "node-id") continue;
    else rest.push(s);
  }
  return rest;
}

function buildHost(s: Statement, defaults: HostDraft, warnings: string[]): HostConfig {
  const name = s.words[1];
  if (name === undefined || s.words.length !== 2 || s.block === undefined) fail(s, "expected 'on HOSTNAME { … }'");
  const draft: HostDraft = { ...defaults };
  for (const extra of readHostStatements(s.block, draft)) {
    warnings.push(`${at(extra)}: unknown keyword '${extra.words[0]}' in 'on ${name}' (ignored)`);
  }
  const need = (key: keyof HostDraft, label: string): Statement => draft[key] ?? fail(s, `on ${name}: missing '${label}'`);
  const device = need("device", "device");
  const { device: path, minor } = parseDevice(device, device.words.slice(1));
  const disk = need("disk", "disk").words[1] ?? fail(need("disk", "disk"), "disk needs a path");
  const meta = need("metaDisk", "meta-disk");
  const metaDisk = meta.words[1] ?? fail(meta, "meta-disk needs 'internal' or a path");
  const nbd = draft.nbdAddress;
  const nbdAddress = nbd === undefined ? { host: "127.0.0.1", port: NBD_BASE_PORT + minor } : parseAddress(nbd, nbd.words.slice(1));
  const addressStatement = need("address", "address");
  const address = parseAddress(addressStatement, addressStatement.words.slice(1));
  return { name, device: path, minor, disk, address, metaDisk, nbdAddress, nbdTls: nbdTls(name, draft), localDevice: localDevice(draft.localDevice), at: at(s) };
}

function localDevice(s: Statement | undefined): LocalDeviceMode {
  if (s === undefined) return "auto";
  const mode = s.words[1];
  if (s.words.length !== 2 || !LOCAL_DEVICE_MODES.includes(mode as LocalDeviceMode)) fail(s, `local-device must be ${LOCAL_DEVICE_MODES.join(", ")} (got "${s.words.slice(1).join(" ")}")`);
  return mode as LocalDeviceMode;
}

function nbdTls(host: string, draft: HostDraft): HostConfig["nbdTls"] {
  const mode = draft.nbdTls;
  if (mode === undefined || mode.words[1] === "off") return undefined;
  if (mode.words[1] !== "on" && mode.words[1] !== "require") fail(mode, `nbd-tls must be off, on or require (got "${mode.words.slice(1).join(" ")}")`);
  const dir = draft.nbdTlsCertificates?.words[1];
  if (dir === undefined) fail(mode, `on ${host}: nbd-tls ${mode.words[1]} needs 'nbd-tls-certificates DIR'`);
  const verify = draft.nbdTlsVerifyPeer;
  const verifyPeer = verify === undefined ? false : verify.words[1] === undefined || verify.words[1] === "yes" ? true
    : verify.words[1] === "no" ? false : fail(verify, `nbd-tls-verify-peer must be yes or no (got "${verify.words[1]}")`);
  return { mode: mode.words[1], certificatesDir: dir, verifyPeer };
}

/** The effective value of an option: the resource's own, else common's, else the default. */
function lookup(resource: Sections, common: Sections, section: SectionName, key: string): OptionEntry | undefined {
  const find = (sections: Sections) => [...sections[section]].reverse().find((e) => e.key === key);
  return find(resource) ?? find(common);
}

function oneOf<T extends string>(entry: OptionEntry | undefined, allowed: readonly T[], fallback: T): T {
  if (entry === undefined) return fallback;
  if (!allowed.includes(entry.value as T)) {
    throw new ConfigError(...splitAt(entry.at), `${entry.key} must be one of ${allowed.join(", ")} (got "${entry.value ?? ""}")`);
  }
  return entry.value as T;
}

function splitAt(where: string): [string, number] {
  const colon = where.lastIndexOf(":");
  return [where.slice(0, colon), Number(where.slice(colon + 1))];
}

const UNITS: Record<string, number> = { "": 1024, k: 1024, K: 1024, m: 1 << 20, M: 1 << 20, g: 1 << 30, G: 1 << 30 };

/** DRBD rates are KiB/s unless a K/M/G suffix says otherwise; sizes like c-fill-target are in 512-byte sectors. */
export function parseRate(entry: OptionEntry, unitBytes = 1024): number {
  const match = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(entry.value ?? "");
  if (match === null) throw new ConfigError(...splitAt(entry.at), `${entry.key} must be a number with an optional K/M/G suffix (got "${entry.value ?? ""}")`);
  return Math.round(Number(match[1]) * (match[2] === "" ? unitBytes : UNITS[match[2]!]!));
}

const KiB = 1024;
const GiB = KiB * KiB * KiB;
const SECTOR_BYTES = 512;

/**
 * The dynamic resync controller's settings with DRBD's defaults, ranges and
 * units (tenths of a second, 512-byte sectors, KiB/s), as drbd.conf(5) and
 * `drbdsetup show --show-defaults` give them: c-plan-ahead 20 (0-300),
 * c-fill-target 100 sectors (0-2^20), c-delay-target 10 (1-100), c-max-rate
 * 100M (250K-4G), c-min-rate 250K (0-4G).
 */
function rateController(get: (section: SectionName, key: string) => OptionEntry | undefined): DiskOptions["rateController"] {
  const either = (key: string) => get("disk", key) ?? get("syncer", key);
  /** A size or rate in `unitBytes` (or with a K/M/G suffix), within DRBD's range (`range` says it in the same words). */
  const sized = (key: string, fallback: number, unitBytes: number, [minBytes, maxBytes]: [number, number], range: string) => {
    const entry = either(key);
    if (entry === undefined) return fallback * unitBytes;
    const bytes = parseRate(entry, unitBytes);
    if (bytes < minBytes || bytes > maxBytes) throw new ConfigError(...splitAt(entry.at), `${entry.key} must be between ${range} (got "${entry.value ?? ""}")`);
    return bytes;
  };
  return {
    planAheadMs: bounded(either("c-plan-ahead"), 20, 0, 300) * 100,
    fillTargetBytes: sized("c-fill-target", 100, SECTOR_BYTES, [0, (1 << 20) * SECTOR_BYTES], "0 and 1048576 sectors (512M)"),
    delayTargetMs: bounded(either("c-delay-target"), 10, 1, 100) * 100,
    maxRateBytesPerSec: sized("c-max-rate", 100 * KiB, KiB, [250 * KiB, 4 * GiB], "250K and 4G"),
    minRateBytesPerSec: sized("c-min-rate", 250, KiB, [0, 4 * GiB], "0 and 4G"),
  };
}

function integer(entry: OptionEntry | undefined, fallback: number, min: number): number {
  if (entry === undefined) return fallback;
  const value = Number(entry.value);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(...splitAt(entry.at), `${entry.key} must be an integer >= ${min} (got "${entry.value ?? ""}")`);
  return value;
}

function bounded(entry: OptionEntry | undefined, fallback: number, min: number, max: number): number {
  const value = integer(entry, fallback, min);
  if (value > max) throw new ConfigError(...splitAt(entry!.at), `${entry!.key} must be at most ${max} (got ${value})`);
  return value;
}

function digestAlg(entry: OptionEntry | undefined): DigestAlg | undefined {
  return entry === undefined ? undefined : oneOf(entry, DIGEST_ALGS, "sha256");
}

function flag(entry: OptionEntry | undefined): boolean {
  if (entry === undefined) return false;
  if (entry.value === undefined || entry.value === "yes") return true;
  if (entry.value === "no") return false;
  throw new ConfigError(...splitAt(entry.at), `${entry.key} must be yes or no (got "${entry.value}")`);
}

function resolveResource(name: string, sections: Sections, common: Sections, hosts: HostConfig[], where: string): ResourceConfig {
  const get = (section: SectionName, key: string) => lookup(sections, common, section, key);
  const rate = get("disk", "resync-rate") ?? get("syncer", "rate");
  const secret = get("net", "shared-secret")?.value;
  const alg = get("net", "cram-hmac-alg");
  const cramHmacAlg = alg === undefined ? undefined : oneOf<HmacAlg>(alg, ["sha1", "sha256", "sha512", "md5"], "sha256");
  if (cramHmacAlg !== undefined && (secret === undefined || secret === "")) {
    throw new ConfigError(...splitAt(alg!.at), `resource ${name}: cram-hmac-alg needs a shared-secret`);
  }
  const twoPrimaries = get("net", "allow-two-primaries");
  if (flag(twoPrimaries) && oneOf(get("net", "protocol"), ["A", "B", "C"], "C") !== "C") {
    throw new ConfigError(...splitAt(twoPrimaries!.at), `resource ${name}: allow-two-primaries needs protocol C`);
  }
  const fencing = get("net", "fencing") ?? get("disk", "fencing");
  if (fencing?.value === "resource-and-stonith" && oneOf(get("net", "protocol"), ["A", "B", "C"], "C") === "A") {
    throw new ConfigError(...splitAt(fencing.at), `resource ${name}: fencing resource-and-stonith does not work with protocol A`);
  }
  const handlers: Record<string, string> = {};
  for (const entry of [...common.handlers, ...sections.handlers]) if (entry.value !== undefined) handlers[entry.key] = entry.value;
  return {
    name, hosts, sections, at: where, handlers,
    net: {
      protocol: oneOf(get("net", "protocol"), ["A", "B", "C"], "C"),
      cramHmacAlg,
      sharedSecret: secret,
      afterSb0pri: oneOf<AfterSb0pri>(get("net", "after-sb-0pri"), AFTER_SB_0PRI, "disconnect"),
      afterSb1pri: oneOf<AfterSb1pri>(get("net", "after-sb-1pri"), AFTER_SB_1PRI, "disconnect"),
      afterSb2pri: oneOf<AfterSb2pri>(get("net", "after-sb-2pri"), AFTER_SB_2PRI, "disconnect"),
      allowTwoPrimaries: flag(get("net", "allow-two-primaries")),
      pingTimeoutMs: integer(get("net", "ping-timeout"), 5, 1) * 100,
      connectIntervalMs: integer(get("net", "connect-int"), 10, 1) * 1000,
      csumsAlg: digestAlg(get("net", "csums-alg") ?? get("syncer", "csums-alg")),
      dataIntegrityAlg: digestAlg(get("net", "data-integrity-alg")),
    },
    disk: {
      onIoError: oneOf<OnIoError>(get("disk", "on-io-error"), ["detach", "pass_on", "call-local-io-error"], "detach"),
      fencing: oneOf<FencingPolicy>(fencing, FENCING_POLICIES, "dont-care"),
      resyncRateBytesPerSec: rate === undefined ? 250 * 1024 * 1024 : parseRate(rate),
      rateController: rateController(get),
      alExtents: bounded(get("disk", "al-extents") ?? get("syncer", "al-extents"), AL_EXTENTS_DEFAULT, 7, AL_EXTENTS_MAX),
    },
    startup: {
      wfcTimeoutS: integer(get("startup", "wfc-timeout"), 0, 0),
      degrWfcTimeoutS: integer(get("startup", "degr-wfc-timeout"), 60, 0),
      outdatedWfcTimeoutS: integer(get("startup", "outdated-wfc-timeout"), 0, 0),
    },
    verifyAlg: digestAlg(get("net", "verify-alg") ?? get("syncer", "verify-alg")) ?? "sha256",
  };
}

function buildResource(s: Statement, common: Sections, warnings: string[]): ResourceConfig {
  const name = s.words[1];
  if (name === undefined || s.words.length !== 2 || s.block === undefined) fail(s, "expected 'resource NAME { … }'");
  const sections = emptySections();
  const defaults: HostDraft = {};
  const hostStatements: Statement[] = [];
  for (const entry of readHostStatements(s.block, defaults)) {
    const key = entry.words[0]!;
    if (key === "on") hostStatements.push(entry);
    else if (entry.block !== undefined && (SECTION_NAMES as readonly string[]).includes(key)) readSection(key as SectionName, entry, sections[key as SectionName], warnings);
    else if (key === "protocol") sections.net.push({ key, value: entry.words[1], at: at(entry) });
    else warnings.push(`${at(entry)}: unknown keyword '${key}' in resource ${name} (ignored)`);
  }
  const hosts = hostStatements.map((h) => buildHost(h, defaults, warnings));
  if (hosts.length !== 2) fail(s, `resource ${name} needs exactly two 'on HOST' sections (got ${hosts.length})`);
  if (hosts[0]!.name === hosts[1]!.name) fail(s, `resource ${name}: both 'on' sections name host ${hosts[0]!.name}`);
  return resolveResource(name, sections, common, hosts, at(s));
}

/** Builds the typed configuration from the statements of drbd.conf (includes already expanded). */
export function buildConfig(statements: Statement[], file: string): DrbdConfig {
  const warnings: string[] = [];
  const common = emptySections();
  let usageCount: string | undefined;
  const resourceStatements: Statement[] = [];
  for (const s of statements) {
    const key = s.words[0];
    if (key === "global") {
      for (const g of s.block ?? fail(s, "expected 'global { … }'")) {
        if (g.words[0] === "usage-count") usageCount = g.words[1];
        else warnings.push(`${at(g)}: unknown keyword '${g.words[0]}' in global (ignored)`);
      }
    } else if (key === "common") {
      for (const c of s.block ?? fail(s, "expected 'common { … }'")) {
        const section = c.words[0]!;
        if (c.block !== undefined && (SECTION_NAMES as readonly string[]).includes(section)) readSection(section as SectionName, c, common[section as SectionName], warnings);
        else if (section === "protocol") common.net.push({ key: section, value: c.words[1], at: at(c) });
        else warnings.push(`${at(c)}: unknown keyword '${section}' in common (ignored)`);
      }
      resolveResource("common", emptySections(), common, [], at(s)); // validates common's values once
    } else if (key === "resource") resourceStatements.push(s);
    else warnings.push(`${at(s)}: unknown top-level keyword '${key}' (ignored)`);
  }
  const resources = resourceStatements.map((s) => buildResource(s, common, warnings));
  const seen = new Set<string>();
  for (const [i, r] of resources.entries()) {
    if (seen.has(r.name)) fail(resourceStatements[i]!, `resource ${r.name} is defined twice`);
    seen.add(r.name);
  }
  return { file, usageCount, common, resources, warnings };
}
