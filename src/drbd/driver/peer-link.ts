import { randomBytes } from "node:crypto";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { SocketAddress } from "../config/model.js";
import type { PeerMsg } from "../core/types.js";
import { encodeFrame, FrameReader } from "./framing.js";
import { BufferPool } from "../../lib/buffer-pool.js";
import { acceptWithInPlaceReads, type InPlaceConsumer, inPlaceReads } from "../../lib/in-place-reads.js";

const RECONNECT_MS = 100;

export interface PeerLinkEvents {
  up(nonce: string): void;
  down(why: string): void;
  message(msg: PeerMsg): void;
  log(line: string): void;
}

/**
 * The TCP connection to the peer. Both nodes listen on their `address`; the
 * node whose name sorts first also dials, every connect-int, so exactly one
 * connection forms. The core authenticates it.
 */
export class PeerLink {
  private server: Server | undefined;
  private socket: Socket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private wanted = false;
  /** Frames sent during this turn of the event loop; they leave together (one write, one wake-up of the peer). */
  private outgoing: Buffer[] = [];
  /** Index in `outgoing` of a frame's last part → who waits for it to reach the kernel. */
  private whenWritten = new Map<number, () => void>();
  /** Metadata writes the queued frames wait for. */
  private holds = 0;
  bytesSent = 0;
  bytesReceived = 0;
  /** Received payloads; a peer's write is given back once it is on the local disk. */
  readonly buffers = new BufferPool();

  constructor(
    private readonly local: SocketAddress,
    private readonly peer: SocketAddress,
    private readonly dials: boolean,
    private readonly connectIntervalMs: number,
    private readonly events: PeerLinkEvents,
  ) {}

  async want(wanted: boolean): Promise<void> {
    this.wanted = wanted;
    if (!wanted) {
      clearTimeout(this.retry);
      this.drop();
      await this.closeServer();
      return;
    }
    if (this.server === undefined) await this.listen();
    if (this.dials) this.dial();
  }

  /** Queues a frame; `written` runs once the frame is in the kernel's send buffer (never if the link drops first). */
  send(msg: PeerMsg, written?: () => void): void {
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) return;
    if (this.outgoing.length === 0) process.nextTick(this.flush);
    for (const part of encodeFrame(msg)) {
      this.bytesSent += part.length;
      this.outgoing.push(part);
    }
    if (written !== undefined) this.whenWritten.set(this.outgoing.length - 1, written);
  }

  /** Frames queued from now on leave only once `written` settles (and every earlier hold). */
  holdUntil(written: Promise<void>): void {
    this.holds++;
    const release = () => {
      this.holds--;
      this.flush();
    };
    written.then(release, release);
  }

  /** Writes the queued frames now (before the caller blocks the event loop, for one) unless held. */
  readonly flush = (): void => {
    if (this.holds > 0) return;
    const socket = this.socket;
    const parts = this.outgoing;
    const whenWritten = this.whenWritten;
    this.outgoing = [];
    this.whenWritten = new Map();
    if (parts.length === 0 || socket === undefined || socket.destroyed) return;
    socket.cork();
    parts.forEach((part, index) => {
      const written = whenWritten.get(index);
      socket.write(part, written === undefined ? undefined : (error) => error === undefined || error === null ? written() : undefined);
    });
    socket.uncork();
  };

  /** Closes the current connection (the core already knows). */
  drop(): void {
    this.flush();
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    // A drop the core asked for (re-handshake) reconnects at once; failures then retry every connect-int.
    if (this.wanted && this.dials) this.scheduleDial(RECONNECT_MS);
  }

  async dispose(): Promise<void> {
    await this.want(false);
  }

  private listen(): Promise<void> {
    const server = createServer({ pauseOnConnect: true }, (accepted) => {
      const inbound = new Inbound();
      this.adopt(acceptWithInPlaceReads(accepted, inPlaceReads(() => inbound.consumer)), inbound, "accepted");
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.local.port, this.local.host, () => {
        server.off("error", reject);
        server.on("error", (error) => this.events.log(`listener: ${error.message}`));
        resolve();
      });
    });
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  }

  private dial(): void {
    if (!this.wanted || this.socket !== undefined) return;
    const inbound = new Inbound();
    const onread = inPlaceReads(() => inbound.consumer);
    const socket = createConnection({ host: this.peer.host, port: this.peer.port, localAddress: this.local.host, onread });
    socket.once("connect", () => this.adopt(socket, inbound, "dialed"));
    socket.once("error", () => {
      socket.destroy();
      // After want(false) no retry may outlive the link (it would keep a stopped daemon alive).
      if (this.socket === undefined && this.wanted) this.scheduleDial();
    });
  }

  private scheduleDial(delayMs = this.connectIntervalMs): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.dial(), delayMs);
  }

  private adopt(socket: Socket, inbound: Inbound, how: string): void {
    if (!this.wanted || this.socket !== undefined) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    socket.setNoDelay(true);
    socket.removeAllListeners("error");
    const reader = new FrameReader((byteCount) => this.buffers.take(byteCount));
    const lost = (why: string) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.outgoing = [];
      this.whenWritten = new Map();
      socket.destroy();
      this.events.down(why);
      if (this.wanted && this.dials) this.scheduleDial();
    };
    const deliver = () => {
      for (let msg = reader.next(); msg !== undefined && this.socket === socket; msg = reader.next()) {
        if (msg instanceof Error) return lost(`protocol error: ${msg.message}`);
        this.events.message(msg);
      }
    };
    inbound.consumer = {
      sink: () => reader.sink(),
      sunk: (byteCount) => {
        this.bytesReceived += byteCount;
        reader.sunk(byteCount);
        deliver();
      },
      received: (chunk) => {
        this.bytesReceived += chunk.length;
        reader.push(chunk);
        deliver();
      },
    };
    socket.on("error", (error) => lost(error.message));
    socket.on("close", () => lost("connection closed"));
    this.events.log(`link ${how} ${socket.remoteAddress}:${socket.remotePort}`);
    this.events.up(randomBytes(24).toString("hex"));
  }
}

/** Where a link socket's bytes go: set once the link adopts the socket (nothing is read before). */
class Inbound {
  consumer: InPlaceConsumer | undefined;
}
