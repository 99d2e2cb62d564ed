import type { BlockErrno } from "../../nbd/block-device.js";
import type { Generations, Superblock } from "./metadata.js";

export type Role = "Primary" | "Secondary";
export type DiskState = "Diskless" | "Attaching" | "Failed" | "Inconsistent" | "Outdated" | "DUnknown" | "UpToDate";
/** DRBD 9 splits connection state (the link) from replication state (what flows over it). */
export type ConnState = "StandAlone" | "Connecting" | "Connected";
export type ReplState = "Off" | "Established" | "SyncSource" | "SyncTarget" | "VerifyS" | "VerifyT";

/** Frames between the two nodes. Binary payloads travel beside the header (see the driver's framing). */
export type PeerMsg =
  | { t: "hello"; node: string; nonce: string; options: NetAgreement }
  | { t: "auth"; mac: string }
  | { t: "state"; handshake: boolean; role: Role; disk: DiskState; sizeBytes: number; uuids: Generations;
      changes: number; crashedPrimary: boolean; primarySinceMs: number; discardMyData: boolean; bitmap?: Uint8Array }
  | { t: "sync-start"; full: boolean; bitmap: Uint8Array }
  | { t: "sync-request" }
  | { t: "promote-req" }
  | { t: "promote-reply"; granted: boolean }
  /** `digest` (here and in rs-data): data-integrity-alg's digest of `data`, checked by the receiver before it writes. */
  | { t: "write"; seq: number; off: number; fua: boolean; data: Uint8Array; digest?: string }
  | { t: "recv-ack"; seq: number }
  /** allow-two-primaries: the arbiter wrote the peer's write `seq` at this point of its own order. */
  | { t: "placed"; seq: number }
  | { t: "write-ack"; seq: number; ok: boolean }
  | { t: "flush"; seq: number }
  | { t: "flush-ack"; seq: number; ok: boolean }
  | { t: "read"; id: number; off: number; len: number }
  | { t: "read-reply"; id: number; ok: boolean; data?: Uint8Array }
  | { t: "rs-data"; block: number; data: Uint8Array; digest?: string }
  | { t: "rs-ack"; block: number; count: number; ok: boolean }
  /** csums-alg: the SyncSource's digests of a run it read, one per block, instead of its data. */
  | { t: "rs-digests"; block: number; digests: string[] }
  /** csums-alg: the SyncTarget's answer; the run's other blocks were identical and are in sync now. */
  | { t: "rs-compared"; block: number; differing: number[] }
  | { t: "sync-done"; uuids: Generations }
  | { t: "verify"; block: number; digests: string[] }
  | { t: "verify-reply"; block: number; differing: number[] }
  | { t: "verify-done"; differing: number }
  | { t: "ping" }
  | { t: "pong" };

/** Settings both nodes must agree on before they replicate (DRBD refuses to connect otherwise). */
export interface NetAgreement {
  protocol: string;
  afterSb0pri: string;
  afterSb1pri: string;
  afterSb2pri: string;
  allowTwoPrimaries: boolean;
  /** The algorithm name, or "none". */
  csumsAlg: string;
  dataIntegrityAlg: string;
}

/** Local administrative commands (drbdadm verbs that reach a running resource). */
export type Command =
  | { verb: "connect"; discardMyData: boolean }
  | { verb: "disconnect" }
  | { verb: "primary"; force: boolean }
  | { verb: "secondary" }
  | { verb: "detach" }
  | { verb: "invalidate" }
  | { verb: "verify" }
  /** Mark the local (UpToDate) disk Outdated: what a peer's fence-peer handler asks for. */
  | { verb: "outdate" }
  /** Resume I/O frozen by resource-and-stonith fencing. */
  | { verb: "resume-io" };

export type Input =
  | { kind: "command"; reqId: number; command: Command }
  | { kind: "link-up"; nonce: string }
  | { kind: "link-down"; why: string }
  | { kind: "recv"; msg: PeerMsg }
  | { kind: "client-write"; reqId: number; off: number; data: Uint8Array; fua: boolean }
  | { kind: "client-read"; reqId: number; off: number; len: number }
  | { kind: "client-flush"; reqId: number }
  | { kind: "disk-done"; op: number; ok: boolean; data?: Uint8Array }
  /** A send effect with reportSent: its frame is in the kernel's send buffer (protocol A's "handed to the network"). */
  | { kind: "frame-sent"; seq: number }
  /** A handler finished: its exit code, or null when none is configured or it died of a signal. */
  | { kind: "handler-done"; name: string; exitCode: number | null }
  | { kind: "tick" };

export type Effect =
  /** reportSent: answer with a frame-sent input once the frame is handed to the kernel. */
  | { kind: "send"; msg: PeerMsg; reportSent?: true }
  /** Disk effects run in issue order for overlapping ranges; persist-md is a barrier for later disk writes. */
  /** releasesData: nothing in the core refers to data after this write (a peer's write, resync data), so its memory may be reused once written. */
  | { kind: "disk-write"; op: number; off: number; data: Uint8Array; fua: boolean; releasesData?: true }
  | { kind: "disk-read"; op: number; off: number; len: number }
  | { kind: "disk-flush"; op: number }
  /** gatesSends: frames sent after it wait until it is on disk (an activity-log change precedes the write it covers on both copies). */
  | { kind: "persist-md"; sb: Superblock; pages: Array<{ index: number; bytes: Uint8Array }>; gatesSends: boolean }
  | { kind: "complete"; reqId: number; error: BlockErrno | undefined; data?: Uint8Array; message?: string }
  | { kind: "reply"; reqId: number; error: string | undefined }
  | { kind: "link"; want: boolean }
  | { kind: "drop-link" }
  | { kind: "handler"; name: string }
  | { kind: "log"; message: string };

/** Host-provided pure functions the core needs but must not implement with I/O. */
export interface Crypto {
  hmac(data: string): string;
  /** `alg` is a verify-alg, csums-alg or data-integrity-alg name; equal data gives equal digests on both nodes. */
  digest(alg: string, data: Uint8Array): string;
}
