import type { CpgMember } from "../../cpg/index.js";
import type { StackCommand } from "../../quorum/index.js";
import type { UpwardEffect } from "../driver/stack-driver.js";
import type { IpcConnection } from "../ipc/server.js";
import type { Request } from "../ipc/protocol.js";

/** How the stack's flow-control refusals begin (CS_ERR_TRY_AGAIN). */
const TRY_AGAIN = "try again";

type CpgEffectUp = Extract<UpwardEffect, { kind: "cpg_deliver" | "cpg_confchg" }>;

/**
 * Local CPG clients: which connection joined which group as which pid. The
 * stack emits deliveries and views once per group for its local members; they
 * go to every connection in that group. A connection that closes without
 * leaving becomes a PROCDOWN for each of its pids.
 */
export class CpgRouter {
  private readonly joined = new Map<IpcConnection, Set<string>>();
  /**
   * Connections told "try again": refused until they answer the go-ahead with
   * cpg_resume, so whatever they sent before seeing it is refused too and their
   * in-order re-sends keep their order. Value: whether the go-ahead went out.
   */
  private readonly blocked = new Map<IpcConnection, boolean>();
  readonly counters = { refused: 0 };

  constructor(private readonly command: (c: StackCommand) => string | undefined) {}

  request(connection: IpcConnection, request: Extract<Request, { op: "cpg_join" | "cpg_leave" | "cpg_mcast" | "cpg_resume" }>): { result?: unknown } | { error: string } {
    if (request.op === "cpg_resume") {
      if (this.blocked.get(connection) === true) this.blocked.delete(connection);
      return {};
    }
    const key = `${request.pid}\u0000${request.group}`;
    const memberships = this.joined.get(connection) ?? new Set<string>();
    if (request.op === "cpg_mcast" && !memberships.has(key)) return { error: `pid ${request.pid} has not joined ${request.group}` };
    if (request.op === "cpg_mcast" && this.blocked.has(connection)) {
      this.counters.refused++;
      return { error: `${TRY_AGAIN}: wait for the node's go-ahead (cpg_flow)` };
    }
    const command: StackCommand = request.op === "cpg_mcast"
      ? { kind: "cpg_mcast", group: request.group, pid: request.pid, payload: request.data }
      : { kind: request.op, group: request.group, pid: request.pid };
    const refusal = this.command(command);
    if (refusal !== undefined) {
      this.counters.refused++;
      if (refusal.startsWith(TRY_AGAIN)) this.blocked.set(connection, false);
      return { error: refusal };
    }
    if (request.op === "cpg_join") memberships.add(key);
    if (request.op === "cpg_leave") memberships.delete(key);
    this.joined.set(connection, memberships);
    return {};
  }

  /** The send queue has room again: wake the connections that were told to try again. */
  flowResumed(): void {
    for (const [connection, told] of this.blocked) {
      if (told) continue;
      connection.send({ event: "cpg_flow" });
      this.blocked.set(connection, true);
    }
  }

  /** A client went away: its pids are reported down (PROCDOWN) to every member of their groups. */
  disconnected(connection: IpcConnection): void {
    const memberships = this.joined.get(connection);
    this.joined.delete(connection);
    this.blocked.delete(connection);
    const pids = new Set([...(memberships ?? [])].map((key) => Number(key.slice(0, key.indexOf("\u0000")))));
    for (const pid of pids) this.command({ kind: "procdown", pid });
  }

  route(effect: CpgEffectUp): void {
    for (const [connection, memberships] of this.joined) {
      const pids = [...memberships].filter((key) => key.endsWith(`\u0000${effect.group}`));
      if (pids.length === 0) continue;
      if (effect.kind === "cpg_deliver") {
        connection.send({ event: "cpg_deliver", group: effect.group, nodeid: effect.from.nodeid, pid: effect.from.pid, data: Buffer.from(effect.payload.buffer, effect.payload.byteOffset, effect.payload.byteLength) });
      } else {
        const plain = (m: CpgMember) => ({ nodeid: m.nodeid as number, pid: m.pid });
        connection.send({
          event: "cpg_confchg", group: effect.group, members: effect.members.map(plain),
          joined: effect.joined.map((c) => ({ ...plain(c), reason: c.reason })), left: effect.left.map((c) => ({ ...plain(c), reason: c.reason })),
        });
      }
    }
  }
}
