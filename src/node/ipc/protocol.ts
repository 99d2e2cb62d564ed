/**
 * The local IPC protocol between a node daemon and its clients (the CLI, the
 * CIB and controller): newline-delimited JSON over a unix socket
 * `<run-dir>/quorate.sock`. Requests carry an id and get one reply with that id;
 * events (ordered CPG deliveries, group views, ring and quorum changes) are
 * pushed to clients that asked for them. Binary payloads are base64.
 */
export const socketName = "quorate.sock";
/** A line longer than this closes the connection: nothing queues without a bound. */
export const lineBytesMax = 2 * 1024 * 1024;

export type Request =
  | { id: number; op: "status" }
  | { id: number; op: "track" }
  | { id: number; op: "cpg_join"; group: string; pid: number }
  | { id: number; op: "cpg_leave"; group: string; pid: number }
  | { id: number; op: "cpg_mcast"; group: string; pid: number; data: string };

export type Reply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export interface CpgMember {
  nodeid: number;
  pid: number;
}

export type CpgReason = "join" | "leave" | "nodedown" | "nodeup" | "procdown";

export type Push =
  | { event: "cpg_deliver"; group: string; nodeid: number; pid: number; data: string }
  | { event: "cpg_confchg"; group: string; members: CpgMember[]; joined: Array<CpgMember & { reason: CpgReason }>; left: Array<CpgMember & { reason: CpgReason }> }
  | { event: "ring"; ring_id: string; members: number[]; joined: number[]; left: number[] }
  | { event: "quorum"; ring_id: string; quorate: boolean; members: number[] };

export type RequestOp = Request["op"];

/** Validates one decoded line; clients are local but still untrusted input. */
export function parseRequest(value: unknown): Request | string {
  if (typeof value !== "object" || value === null) return "a request must be a JSON object";
  const r = value as Record<string, unknown>;
  if (typeof r.id !== "number" || !Number.isSafeInteger(r.id)) return "a request needs an integer id";
  switch (r.op) {
    case "status":
    case "track":
      return { id: r.id, op: r.op };
    case "cpg_join":
    case "cpg_leave":
    case "cpg_mcast": {
      if (typeof r.group !== "string" || r.group.length === 0 || Buffer.byteLength(r.group) > 128) return "group must be a name of 1..128 bytes";
      if (typeof r.pid !== "number" || !Number.isSafeInteger(r.pid) || r.pid <= 0) return "pid must be a positive integer";
      if (r.op !== "cpg_mcast") return { id: r.id, op: r.op, group: r.group, pid: r.pid };
      if (typeof r.data !== "string") return "data must be base64";
      return { id: r.id, op: r.op, group: r.group, pid: r.pid, data: r.data };
    }
    default:
      return `unknown op ${JSON.stringify(r.op)}`;
  }
}
