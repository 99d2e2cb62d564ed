import { chmodSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { Disposable } from "../../lib/disposable.js";
import { decodeCpgFrame, encodeCpgFrame, encodeJsonFrame, frameKind, FrameWriter, onFrames, type FrameKind } from "./frames.js";
import { cpgAddressProblem, parseRequest, socketName, type Push, type Reply, type Request } from "./protocol.js";

/** Unsent bytes a client may leave queued before it is disconnected: a slow client must not hold the node. */
const clientBacklogBytesMax = 64 * 1024 * 1024;

export class IpcConnection {
  tracking = false;
  closed = false;
  private readonly writer: FrameWriter;
  constructor(readonly id: number, private readonly socket: Socket, private readonly onOverflow: () => void) {
    this.writer = new FrameWriter(socket);
  }

  send(message: Reply | Push): void {
    if (this.closed) return;
    if (this.writer.backlog > clientBacklogBytesMax) {
      this.onOverflow();
      this.socket.destroy();
      return;
    }
    if ("event" in message && message.event === "cpg_deliver") {
      this.writer.write(encodeCpgFrame(frameKind.cpgDeliver, { number: message.nodeid, pid: message.pid, group: message.group, payload: message.data }));
    } else {
      this.writer.write(encodeJsonFrame(message));
    }
  }
}

/** Answers a request: a result, or an error string the client sees. Exceptions are bugs and are not caught. */
export type RequestHandler = (connection: IpcConnection, request: Request) => { result?: unknown } | { error: string };

export class IpcServer implements Disposable {
  readonly connections = new Set<IpcConnection>();
  readonly counters = { badRequests: 0, slowClientsDropped: 0 };
  private nextId = 1;

  private constructor(private readonly server: Server, readonly path: string) {}

  static async listen(runDir: string, handle: RequestHandler, onClose: (c: IpcConnection) => void): Promise<IpcServer> {
    const path = join(runDir, socketName);
    await unlink(path).catch(() => undefined); // a socket left by a killed daemon
    let ipc: IpcServer | undefined;
    const server = createServer((socket) => ipc!.accept(socket, handle, onClose));
    ipc = new IpcServer(server, path);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
    chmodSync(path, 0o600);
    return ipc;
  }

  /** Sends an event to every client that asked to track changes. */
  publish(push: Push, to: (c: IpcConnection) => boolean = (c) => c.tracking): void {
    for (const connection of this.connections) if (to(connection)) connection.send(push);
  }

  async dispose(): Promise<void> {
    for (const connection of this.connections) connection.closed = true;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await unlink(this.path).catch(() => undefined);
  }

  private accept(socket: Socket, handle: RequestHandler, onClose: (c: IpcConnection) => void): void {
    const connection = new IpcConnection(this.nextId++, socket, () => this.counters.slowClientsDropped++);
    this.connections.add(connection);
    socket.on("close", () => {
      connection.closed = true;
      this.connections.delete(connection);
      onClose(connection);
    });
    socket.on("error", () => socket.destroy());
    onFrames(socket, (kind, body) => {
      const request = decodeRequest(kind, body);
      if (typeof request === "string") {
        this.counters.badRequests++;
        connection.send({ id: requestIdOf(kind, body), ok: false, error: request });
        return;
      }
      const answer = handle(connection, request);
      connection.send("error" in answer ? { id: request.id, ok: false, error: answer.error } : { id: request.id, ok: true, result: answer.result });
    }, (why) => {
      this.counters.badRequests++;
      socket.end(encodeJsonFrame({ id: 0, ok: false, error: why }));
    });
  }
}

function decodeRequest(kind: FrameKind, body: Buffer): Request | string {
  if (kind === frameKind.cpgMcast) {
    const frame = decodeCpgFrame(body);
    if (typeof frame === "string") return frame;
    return cpgAddressProblem(frame.group, frame.pid) ?? { id: frame.number, op: "cpg_mcast", group: frame.group, pid: frame.pid, data: frame.payload };
  }
  if (kind !== frameKind.json) return "clients do not send delivery frames";
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return "a request is not JSON";
  }
  return parseRequest(value);
}

/** The id to answer a request that could not be decoded, when one can be found. */
function requestIdOf(kind: FrameKind, body: Buffer): number {
  if (kind === frameKind.cpgMcast) return body.length >= 4 ? body.readUInt32BE(0) : 0;
  try {
    const id = (JSON.parse(body.toString("utf8")) as { id?: unknown }).id;
    return typeof id === "number" ? id : 0;
  } catch {
    return 0;
  }
}
