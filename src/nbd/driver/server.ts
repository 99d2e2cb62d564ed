import { type AddressInfo, type Server, type Socket, createServer } from "node:net";
import { assert } from "../../lib/assert.js";
import { BufferPool } from "../../lib/buffer-pool.js";
import type { Disposable } from "../../lib/disposable.js";
import type { BlockDevice } from "../block-device.js";
import type { ExportCatalog, ExportDescription } from "../core/handshake.js";
import { type SessionLimits, defaultSessionLimits } from "../core/session.js";
import { type ConnectionLimits, NbdConnection } from "./connection.js";
import type { NbdTls } from "./tls.js";

export interface NbdServerOptions {
  readonly sessionLimits?: SessionLimits;
  readonly connectionLimits?: ConnectionLimits;
  /** Connections served at once; more are refused. */
  readonly connectionsMax?: number;
  readonly log?: (line: string) => void;
  /** Offer (or require) NBD_OPT_STARTTLS. */
  readonly tls?: NbdTls;
}

export interface ExportOptions {
  /**
   * Advertise NBD_FLAG_CAN_MULTI_CONN: the device has no per-connection cache,
   * so a flush on one connection covers writes acknowledged on any (true for
   * the file device and the replicated device).
   */
  readonly multiConn?: boolean;
}

interface ExportEntry {
  readonly device: BlockDevice;
  readonly multiConn: boolean;
}

export interface NbdServerStatus {
  readonly exports: Array<{ name: string; sizeBytes: number; writable: boolean; connections: number }>;
  readonly connections: number;
  readonly connectionsRefused: number;
}

export const defaultConnectionLimits: ConnectionLimits = { inFlightMax: 128, inFlightBytesMax: 128 * 1024 * 1024, negotiationTimeoutMs: 30_000 };

/** An NBD server (fixed newstyle, simple replies) serving named BlockDevices over TCP. */
export class NbdServer implements Disposable {
  private readonly exports = new Map<string, ExportEntry>();
  private readonly connections = new Set<NbdConnection>();
  private readonly server: Server;
  private readonly sessionLimits: SessionLimits;
  private readonly connectionLimits: ConnectionLimits;
  private readonly connectionsMax: number;
  private readonly log: (line: string) => void;
  private connectionsRefused = 0;
  private readonly tls: NbdTls | undefined;
  private readonly buffers = new BufferPool();

  readonly catalog: ExportCatalog = {
    names: () => [...this.exports.keys()],
    describe: (name) => {
      const entry = this.exports.get(name);
      return entry === undefined ? undefined : describe(entry);
    },
  };

  constructor(options: NbdServerOptions = {}) {
    this.sessionLimits = options.sessionLimits ?? defaultSessionLimits;
    this.connectionLimits = options.connectionLimits ?? defaultConnectionLimits;
    this.tls = options.tls;
    this.connectionsMax = options.connectionsMax ?? 256;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket)); // NbdConnection starts reading
  }

  addExport(name: string, device: BlockDevice, options: ExportOptions = {}): void {
    assert(!this.exports.has(name), `export "${name}" already exists`);
    assert(new TextEncoder().encode(name).length <= 4096 && !name.includes("\0"), "export names are at most 4096 bytes without NUL");
    this.exports.set(name, { device, multiConn: options.multiConn ?? true });
  }

  /** Stops serving an export; its connections are cut (clients see a hard disconnect). */
  removeExport(name: string): void {
    this.exports.delete(name);
    for (const connection of this.connections) if (connection.exportName === name) connection.destroy();
  }

  listen(port: number, host = "127.0.0.1"): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  status(): NbdServerStatus {
    const exports = [...this.exports].map(([name, entry]) => ({
      name,
      sizeBytes: entry.device.sizeBytes,
      writable: entry.device.writable(),
      connections: [...this.connections].filter((c) => c.exportName === name).length,
    }));
    return { exports, connections: this.connections.size, connectionsRefused: this.connectionsRefused };
  }

  /** Stops listening, lets each connection answer its in-flight requests (at most shutdownDeadlineMs), then closes. */
  async dispose(shutdownDeadlineMs = 5_000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((connection) => connection.shutdown(shutdownDeadlineMs)));
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= this.connectionsMax) {
      this.connectionsRefused++;
      socket.destroy();
      return;
    }
    const connection = new NbdConnection(socket, this.sessionLimits, this.connectionLimits, {
      catalog: this.catalog,
      buffers: this.buffers,
      device: (name) => this.exports.get(name)?.device,
      onClose: (c) => this.connections.delete(c),
      log: this.log,
      tls: this.tls,
    });
    this.connections.add(connection);
  }
}

function describe(entry: ExportEntry): ExportDescription {
  return { sizeBytes: entry.device.sizeBytes, readOnly: !entry.device.writable(), multiConn: entry.multiConn };
}
