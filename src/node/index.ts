/**
 * The node layer's public surface: corosync.conf reading, the IPC client for
 * upper layers (CPG, ring and quorum events, status), and a launcher for local
 * test clusters.
 */
export { loadConfigFile, parseConfig, type LoadedConfig, type ConfigErrors } from "./config/load.js";
export { formatDiagnostic, type ConfDiagnostic } from "./config/syntax.js";
export type { ClusterConfig, NodeConfig, QuorumConfig, LoggingConfig, InterfaceConfig, Transport } from "./config/model.js";
export { QuorateClient, type CpgHandlers } from "./ipc/client.js";
export type { CpgMember, CpgReason, Push } from "./ipc/protocol.js";
export type { NodeStatus, QuorumStatus } from "./daemon/status.js";
export { LocalCluster, localClusterConf, type LocalClusterOptions } from "./local-cluster.js";
export { writeAuthkey } from "./keygen.js";
