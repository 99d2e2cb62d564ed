import type { KeyKind } from "./reader.js";

/**
 * Keys corosync.conf(5), votequorum(5) and the 1.x (whitetank) tutorials use.
 * Anything else warns. "ignored" keys are accepted for compatibility only.
 */
export const rootKeys: Record<string, KeyKind> = { compatibility: ["whitetank", "none"] };
export const rootSections = ["totem", "nodelist", "quorum", "logging", "amf", "service", "aisexec", "resources", "system", "uidgid", "nozzle", "qb"];

const timingKeys = [
  "token", "token_coefficient", "token_retransmit", "hold", "token_retransmits_before_loss_const", "join", "send_join",
  "consensus", "merge", "downcheck", "fail_recv_const", "seqno_unchanged_const", "miss_count_const", "window_size",
  "max_messages", "netmtu", "nodeid", "config_version", "fail_silent",
] as const;

export const totemKeys: Record<string, KeyKind> = {
  ...Object.fromEntries(timingKeys.map((key) => [key, "int" as const])),
  version: "int",
  cluster_name: "string",
  secauth: "bool",
  crypto_cipher: ["none", "aes256", "aes192", "aes128", "3des"],
  crypto_hash: ["none", "md5", "sha1", "sha256", "sha384", "sha512"],
  crypto_model: ["nss", "openssl"],
  crypto_type: ["nss", "aes256", "aes192", "aes128", "3des"],
  crypto_compat: "ignored",
  keyfile: "string",
  key: "ignored",
  transport: ["udp", "udpu", "knet"],
  rrp_mode: ["none", "active", "passive"],
  link_mode: ["passive", "active", "rr"],
  ip_version: ["ipv4", "ipv6", "ipv4-6", "ipv6-4"],
  clear_node_high_bit: "bool",
  threads: "ignored",
  vsftype: "ignored",
  heartbeat_failures_allowed: "ignored",
  max_network_delay: "ignored",
  rrp_problem_count_timeout: "ignored",
  rrp_problem_count_threshold: "ignored",
  rrp_token_expired_timeout: "ignored",
  knet_compression_model: "ignored",
  knet_compression_threshold: "ignored",
  knet_compression_level: "ignored",
  knet_pmtud_interval: "ignored",
  knet_mtu: "ignored",
  cancel_token_hold_on_retransmit: "bool",
  block_unlisted_ips: "bool",
  interface: "ignored",
};

export const interfaceKeys: Record<string, KeyKind> = {
  ringnumber: "int",
  linknumber: "int",
  bindnetaddr: "string",
  mcastaddr: "string",
  mcastport: "int",
  ttl: "int",
  broadcast: "bool",
  knet_link_priority: "int",
  knet_ping_interval: "int",
  knet_ping_timeout: "int",
  knet_ping_precision: "ignored",
  knet_pong_count: "int",
  knet_transport: ["udp", "sctp"],
};

export const memberKeys: Record<string, KeyKind> = { memberaddr: "string" };

export const nodeKeys: Record<string, KeyKind> = {
  ...Object.fromEntries(Array.from({ length: 8 }, (_, n) => [`ring${n}_addr`, "string" as const])),
  nodeid: "int",
  name: "string",
  quorum_votes: "int",
};

export const quorumKeys: Record<string, KeyKind> = {
  provider: ["corosync_votequorum"],
  expected_votes: "int",
  votes: "int",
  two_node: "bool",
  wait_for_all: "bool",
  last_man_standing: "bool",
  last_man_standing_window: "int",
  auto_tie_breaker: "bool",
  auto_tie_breaker_node: "string",
  allow_downscale: "bool",
  expected_votes_tracking: "bool",
};

const loggingCommon: Record<string, KeyKind> = {
  debug: ["on", "off", "trace", "yes", "no"],
  to_stderr: "bool",
  to_logfile: "bool",
  to_syslog: "bool",
  logfile: "string",
  logfile_priority: "string",
  syslog_facility: "string",
  syslog_priority: "string",
  timestamp: ["on", "off", "hires", "yes", "no"],
  fileline: "bool",
  function_name: "bool",
  blackbox: "bool",
  tags: "ignored",
};
export const loggingKeys: Record<string, KeyKind> = loggingCommon;
export const loggerSubsysKeys: Record<string, KeyKind> = { ...loggingCommon, subsys: "string" };

export const serviceKeys: Record<string, KeyKind> = { name: "string", ver: "int", use_mgmtd: "ignored", use_logd: "ignored", clustername: "ignored" };
export const ignoredSectionKeys: Record<string, Record<string, KeyKind>> = {
  amf: { mode: "ignored" },
  aisexec: { user: "ignored", group: "ignored" },
  resources: {},
  system: { qb_ipc_type: "ignored", sched_rr: "ignored", priority: "ignored", move_to_root_cgroup: "ignored", allow_knet_handle_fallback: "ignored", state_dir: "ignored", run_dir: "ignored" },
  uidgid: { uid: "ignored", gid: "ignored" },
  nozzle: { name: "ignored", ipaddr: "ignored", ipprefix: "ignored", macaddr: "ignored" },
  qb: { ipc_type: "ignored" },
};
