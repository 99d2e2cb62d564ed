import type { Socket } from "node:net";
import { AssertionFailure, assert, assertNever } from "../../lib/assert.js";
import { type BlockDevice, BlockDeviceError, type BlockErrno } from "../block-device.js";
import { NbdSession, type SessionEffect, type SessionLimits } from "../core/session.js";
import type { ExportCatalog } from "../core/handshake.js";
import { type NbdRequest, encodeSimpleReply } from "../core/transmission.js";

export interface ConnectionLimits {
  /** Requests being served at once before the connection stops reading. */
  readonly inFlightMax: number;
  /** Request payload and reply data held at once before the connection stops reading. */
  readonly inFlightBytesMax: number;
}

export interface ConnectionHooks {
  readonly catalog: ExportCatalog;
  device(exportName: string): BlockDevice | undefined;
  onClose(connection: NbdConnection): void;
  log(line: string): void;
}

/**
 * Drives one NbdSession over a TCP socket: serves its requests on the
 * export's BlockDevice concurrently, replies as each completes (batched per
 * event-loop turn through cork/uncork), and stops reading while too much is
 * in flight.
 */
export class NbdConnection {
  private readonly session: NbdSession;
  private device: BlockDevice | undefined;
  exportName: string | undefined;
  private inFlight = 0;
  private inFlightBytes = 0;
  private ending = false;
  private corked = false;
  private readingPaused = false;
  /** Keep reading while a buffered write may still be incomplete: one maximal request plus a socket chunk. */
  private readonly bufferedBytesMax: number;
  requestsServed = 0;

  constructor(
    private readonly socket: Socket,
    sessionLimits: SessionLimits,
    private readonly limits: ConnectionLimits,
    private readonly hooks: ConnectionHooks,
  ) {
    this.session = new NbdSession(hooks.catalog, sessionLimits);
    this.bufferedBytesMax = sessionLimits.requestBytesMax + 64 * 1024;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.session.push(chunk);
      this.pump();
    });
    socket.on("drain", () => this.updateReading());
    socket.on("error", (error) => hooks.log(`nbd: connection error: ${error.message}`));
    socket.on("close", () => hooks.onClose(this));
    this.apply(this.session.greeting());
  }

  /** Hard disconnect (export removed, server closing). */
  destroy(): void {
    this.socket.destroy();
  }

  private apply(effects: SessionEffect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case "send": this.send(effect.bytes); break;
        case "attach": this.attach(effect.exportName); break;
        case "request": this.serve(effect.request); break;
        case "close": this.closeFor(effect.reason, effect.violation); break;
        default: assertNever(effect, "session effect");
      }
    }
  }

  private attach(exportName: string): void {
    this.device = this.hooks.device(exportName);
    this.exportName = exportName;
    if (this.device === undefined) this.closeFor(`export "${exportName}" went away during negotiation`, true);
  }

  private closeFor(reason: string, violation: boolean): void {
    if (violation) {
      this.hooks.log(`nbd: closing connection: ${reason}`);
      this.uncork();
      this.socket.destroy();
      return;
    }
    this.ending = true;
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.ending && this.inFlight === 0) {
      this.uncork();
      this.socket.end();
    }
  }

  private send(bytes: Uint8Array): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.uncork());
    }
    this.socket.write(bytes);
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  private serve(request: NbdRequest): void {
    const device = this.device;
    if (device === undefined) return; // the connection is already closing
    const bytes = request.kind === "read" ? request.lengthBytes : request.kind === "write" ? request.data.length : 0;
    this.inFlight++;
    this.inFlightBytes += bytes;
    this.updateReading();
    perform(device, request).then(
      (data) => this.reply(request.handle, undefined, data),
      (error: unknown) => this.reply(request.handle, errnoOf(error, this.hooks), undefined),
    ).finally(() => {
      this.inFlight--;
      this.inFlightBytes -= bytes;
      this.requestsServed++;
      this.pump();
      this.endIfIdle();
    });
  }

  private reply(handle: bigint, errno: BlockErrno | undefined, data: Uint8Array | undefined): void {
    this.send(encodeSimpleReply(handle, errno));
    if (errno === undefined && data !== undefined) this.send(data);
  }

  /** Parses as many buffered requests as there are free in-flight slots, then decides whether to keep reading. */
  private pump(): void {
    const slots = this.inFlightBytes >= this.limits.inFlightBytesMax ? 0 : this.limits.inFlightMax - this.inFlight;
    if (slots > 0) this.apply(this.session.take(slots));
    this.updateReading();
  }

  private updateReading(): void {
    const bufferFull = this.session.bufferedBytes >= this.bufferedBytesMax;
    const busy = bufferFull || this.inFlight >= this.limits.inFlightMax || this.inFlightBytes >= this.limits.inFlightBytesMax
      || this.socket.writableLength >= this.limits.inFlightBytesMax;
    if (busy && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    } else if (!busy && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }
}

function perform(device: BlockDevice, request: NbdRequest): Promise<Uint8Array | undefined> {
  switch (request.kind) {
    case "read": return device.read(request.offsetBytes, request.lengthBytes).then((data) => {
      assert(data.length === request.lengthBytes, "BlockDevice.read returned a short buffer");
      return data;
    });
    case "write": return device.write(request.offsetBytes, request.data, request.fua).then(() => undefined);
    case "flush": return device.flush().then(() => undefined);
    case "trim": return device.trim(request.offsetBytes, request.lengthBytes).then(() => undefined);
    case "write-zeroes": return device.writeZeroes(request.offsetBytes, request.lengthBytes, request.fua).then(() => undefined);
    default: return assertNever(request, "NBD request");
  }
}

/** A device's operating error becomes its NBD error; anything else is reported as EIO and logged. */
function errnoOf(error: unknown, hooks: ConnectionHooks): BlockErrno {
  if (error instanceof AssertionFailure) throw error;
  if (error instanceof BlockDeviceError) return error.errno;
  hooks.log(`nbd: device failed with an unexpected error, replying EIO: ${String(error)}`);
  return "EIO";
}
