/** Public surface of the NBD export: the server, the file device and the BlockDevice interface. */
export { type BlockDevice, BlockDeviceError, type BlockErrno } from "./block-device.js";
export { NbdServer, type NbdServerOptions, type NbdServerStatus, type ExportOptions, defaultConnectionLimits } from "./driver/server.js";
export type { ConnectionLimits } from "./driver/connection.js";
export { FileBlockDevice, type FileDeviceOptions } from "./driver/file-device.js";
export { NbdSession, type SessionEffect, type SessionLimits, defaultSessionLimits } from "./core/session.js";
export type { ExportCatalog, ExportDescription } from "./core/handshake.js";
export type { NbdRequest } from "./core/transmission.js";
