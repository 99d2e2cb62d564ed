import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { decodeCpgFrame, encodeCpgFrame, encodeJsonFrame, frameKind, FrameWriter, onFrames } from "./frames.js";
import { socketName, type CpgMember, type CpgReason, type Push, type Reply } from "./protocol.js";

export interface CpgHandlers {
  deliver(from: CpgMember, data: Buffer): void;
  confchg(view: { members: CpgMember[]; joined: Array<CpgMember & { reason: CpgReason }>; left: Array<CpgMember & { reason: CpgReason }> }): void;
}

/**
 * The client library for upper layers and the CLI: node status, ring and
 * quorum changes, and CPG (join a group, multicast to it, receive its messages
 * and views in total order). Events: "ring", "quorum" (after track()), "close".
 */
export class QuorateClient extends EventEmitter {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly groups = new Map<string, CpgHandlers>();
  private readonly writer: FrameWriter;

  private constructor(private readonly socket: Socket, readonly pid: number) {
    super();
    this.writer = new FrameWriter(socket);
    onFrames(socket, (kind, body) => {
      if (kind === frameKind.cpgDeliver) return this.deliver(body);
      if (kind === frameKind.json) return this.receive(JSON.parse(body.toString("utf8")) as Reply | Push);
      socket.destroy(new Error("the node sent a request frame"));
    }, (why) => socket.destroy(new Error(why)));
    socket.on("close", () => {
      for (const { reject } of this.pending.values()) reject(new Error("the node closed the connection"));
      this.pending.clear();
      this.emit("close");
    });
    socket.on("error", () => undefined); // surfaced through "close" and pending rejections
  }

  static connect(runDir: string, timeoutMs = 2000, pid = process.pid): Promise<QuorateClient> {
    const path = join(runDir, socketName);
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => socket.destroy(new Error(`no answer from ${path} within ${timeoutMs} ms`)), timeoutMs);
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(error.code === "ENOENT" || error.code === "ECONNREFUSED" ? `no quorate node is running (${path}: ${error.code})` : error.message));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new QuorateClient(socket, pid));
      });
    });
  }

  status<T = unknown>(): Promise<T> {
    return this.request({ op: "status" }) as Promise<T>;
  }

  /** Ask for "ring" and "quorum" events. */
  async track(): Promise<void> {
    await this.request({ op: "track" });
  }

  /** corosync-quorumtool -e: ask the cluster to use new expected votes (applied once it has gone round the ring). */
  async setExpectedVotes(expected: number): Promise<void> {
    await this.request({ op: "quorum_expected", expected });
  }

  async cpgJoin(group: string, handlers: CpgHandlers): Promise<void> {
    this.groups.set(group, handlers);
    await this.request({ op: "cpg_join", group, pid: this.pid });
  }

  async cpgLeave(group: string): Promise<void> {
    await this.request({ op: "cpg_leave", group, pid: this.pid });
    this.groups.delete(group);
  }

  /** Resolves once the node has queued the message for ordered delivery (it is not delivered yet). */
  async cpgMcast(group: string, data: Uint8Array): Promise<void> {
    const payload = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await this.send((id) => encodeCpgFrame(frameKind.cpgMcast, { number: id, pid: this.pid, group, payload }));
  }

  close(): void {
    this.socket.end();
  }

  private request(body: Record<string, unknown>): Promise<unknown> {
    return this.send((id) => encodeJsonFrame({ id, ...body }));
  }

  private send(frame: (id: number) => Buffer): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.writer.write(frame(id));
    });
  }

  private deliver(body: Buffer): void {
    const frame = decodeCpgFrame(body);
    if (typeof frame === "string") return;
    this.groups.get(frame.group)?.deliver({ nodeid: frame.number, pid: frame.pid }, frame.payload);
  }

  private receive(message: Reply | Push): void {
    if ("event" in message) return this.dispatch(message);
    const waiter = this.pending.get(message.id);
    if (waiter === undefined) return;
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(message.error));
  }

  private dispatch(push: Push): void {
    switch (push.event) {
      case "cpg_confchg":
        this.groups.get(push.group)?.confchg({ members: push.members, joined: push.joined, left: push.left });
        return;
      default:
        this.emit(push.event, push);
    }
  }
}
