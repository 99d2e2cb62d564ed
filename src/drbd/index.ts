/** Public surface of replicated storage (DRBD-compatible, two nodes, exported over NBD). */
export { loadConfig, parseConfigText, selectHost, DEFAULT_CONFIG, type LocalResource } from "./config/load.js";
export { dumpConfig } from "./config/dump.js";
export type { DrbdConfig, ResourceConfig, HostConfig, NetOptions, DiskOptions, Protocol, OnIoError, AfterSb0pri, AfterSb1pri, AfterSb2pri } from "./config/model.js";
export { Replica, type ReplicaSettings, type PeerView } from "./core/replica.js";
export { decideSync, type SyncDecision, type HandshakeView, type AfterSbPolicies } from "./core/handshake.js";
export { metaLayout, type Superblock, type Generations, type Uuid } from "./core/metadata.js";
export type { Role, DiskState, ConnState, ReplState, Command, Input, Effect, PeerMsg } from "./core/types.js";
export { ReplicatedResource } from "./driver/resource.js";
export { DrbdDaemon, socketPath, type ControlRequest, type ControlReply } from "./driver/daemon.js";
export { formatStatus, formatProc, statusJson, type ResourceStatus } from "./status.js";
