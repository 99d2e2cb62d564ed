/**
 * The local IPC protocol between a node daemon and its clients (the CLI, the
 * CIB and controller) over a unix socket `<run-dir>/quorate.sock`, framed as in
 * frames.ts. Requests carry an id and get one reply with that id; events (CPG
 * deliveries and group views, ring and quorum changes) are pushed to clients
 * that asked for them. CPG messages travel in binary frames; the rest is JSON.
 */
export const socketName = "quorate.sock";
/** A frame longer than this closes the connection: nothing queues without a bound (totem payloads are at most 1 MiB). */
export const frameBytesMax = 2 * 1024 * 1024;

export type Request =
  | { id: number; op: "status" }
  | { id: number; op: "track" }
  | { id: number; op: "cpg_join"; group: string; pid: number }
  | { id: number; op: "cpg_leave"; group: string; pid: number }
  /** corosync-quorumtool -e: new expected votes for the whole cluster. */
  | { id: number; op: "quorum_expected"; expected: number }
  /** Sent as a binary frame (frames.ts), never as JSON. */
  | { id: number; op: "cpg_mcast"; group: string; pid: number; data: Buffer };

export type Reply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export interface CpgMember {
  nodeid: number;
  pid: number;
}

export type CpgReason = "join" | "leave" | "nodedown" | "nodeup" | "procdown";

export type Push =
  /** Sent as a binary frame (frames.ts). */
  | { event: "cpg_deliver"; group: string; nodeid: number; pid: number; data: Buffer }
  | { event: "cpg_confchg"; group: string; members: CpgMember[]; joined: Array<CpgMember & { reason: CpgReason }>; left: Array<CpgMember & { reason: CpgReason }> }
  | { event: "ring"; ring_id: string; members: number[]; joined: number[]; left: number[] }
  | { event: "quorum"; ring_id: string; quorate: boolean; members: number[] };

export type RequestOp = Request["op"];

/** Validates one decoded JSON request; clients are local but still untrusted input. */
export function parseRequest(value: unknown): Request | string {
  if (typeof value !== "object" || value === null) return "a request must be a JSON object";
  const r = value as Record<string, unknown>;
  if (typeof r.id !== "number" || !Number.isSafeInteger(r.id)) return "a request needs an integer id";
  switch (r.op) {
    case "status":
    case "track":
      return { id: r.id, op: r.op };
    case "cpg_join":
    case "cpg_leave": {
      const problem = cpgAddressProblem(r.group, r.pid);
      return problem ?? { id: r.id, op: r.op, group: r.group as string, pid: r.pid as number };
    }
    case "quorum_expected":
      if (typeof r.expected !== "number" || !Number.isSafeInteger(r.expected) || r.expected <= 0) return "expected must be a positive integer";
      return { id: r.id, op: r.op, expected: r.expected };
    default:
      return `unknown op ${JSON.stringify(r.op)}`;
  }
}

/** Checks a group name and pid from a client (JSON or binary frame). */
export function cpgAddressProblem(group: unknown, pid: unknown): string | undefined {
  if (typeof group !== "string" || group.length === 0 || Buffer.byteLength(group) > 128) return "group must be a name of 1..128 bytes";
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return "pid must be a positive integer";
  return undefined;
}
