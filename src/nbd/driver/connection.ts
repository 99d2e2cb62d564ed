import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import { AssertionFailure, assert, assertNever } from "../../lib/assert.js";
import { type BlockDevice, BlockDeviceError, type BlockErrno } from "../block-device.js";
import { NbdSession, type SessionEffect, type SessionLimits } from "../core/session.js";
import type { ExportCatalog } from "../core/handshake.js";
import { type NbdRequest, encodeErrorReply, writeSimpleReply } from "../core/transmission.js";
import { Command, SIMPLE_REPLY_HEADER_BYTES } from "../core/protocol.js";
import { BASE_ALLOCATION_ID, encodeBlockStatus, encodeReadChunks } from "../core/structured.js";
import type { NbdTls } from "./tls.js";
import { acceptWithInPlaceReads, inPlaceReads } from "../../lib/in-place-reads.js";
import type { BufferPool } from "../../lib/buffer-pool.js";

export interface ConnectionLimits {
  /** Requests being served at once before the connection stops reading. */
  readonly inFlightMax: number;
  /** Request payload and reply data held at once before the connection stops reading. */
  readonly inFlightBytesMax: number;
  /** A client that has not chosen an export by then is disconnected (an idle attached client is normal). */
  readonly negotiationTimeoutMs: number;
}

/** Replies ready together up to this size are copied into one buffer rather than written as a vector. */
const coalesceBytesMax = 64 * 1024;

export interface ConnectionHooks {
  readonly catalog: ExportCatalog;
  /** Memory for write payloads and read replies, reused across the server's connections. */
  readonly buffers: BufferPool;
  device(exportName: string): BlockDevice | undefined;
  onClose(connection: NbdConnection): void;
  log(line: string): void;
  readonly tls: NbdTls | undefined;
}

/**
 * Drives one NbdSession over a TCP socket: serves its requests on the
 * export's BlockDevice concurrently, replies as each completes (batched per
 * event-loop turn), and stops reading while too much is
 * in flight.
 */
export class NbdConnection {
  private readonly session: NbdSession;
  private device: BlockDevice | undefined;
  exportName: string | undefined;
  private inFlight = 0;
  private inFlightBytes = 0;
  private ending = false;
  private outgoing: Uint8Array[] = [];
  /** Called once the queued bytes are handed to the kernel (their memory may then be reused). */
  private outgoingWritten: Array<() => void> = [];
  private readingPaused = false;
  /** Shutting down: nothing more is read or parsed. */
  private stopped = false;
  /** Keep reading while a buffered write may still be incomplete: one maximal request plus a socket chunk. */
  private readonly bufferedBytesMax: number;
  requestsServed = 0;

  private socket: Socket;

  /** accepted: a socket that is not reading yet (the server pauses on connect). */
  constructor(
    accepted: Socket,
    sessionLimits: SessionLimits,
    private readonly limits: ConnectionLimits,
    private readonly hooks: ConnectionHooks,
  ) {
    // Payloads go into unzeroed memory: every byte is overwritten.
    const tlsMode = hooks.tls === undefined ? "off" : hooks.tls.required ? "required" : "optional";
    this.session = new NbdSession(hooks.catalog, sessionLimits, (byteCount) => hooks.buffers.take(byteCount), tlsMode);
    this.bufferedBytesMax = sessionLimits.requestBytesMax + 64 * 1024;
    const socket = acceptWithInPlaceReads(accepted, inPlaceReads(() => this.receiver));
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(limits.negotiationTimeoutMs, () => this.closeFor("negotiation timed out", true));
    this.listen(socket);
    socket.on("error", (error) => hooks.log(`nbd: connection error: ${error.message}`));
    socket.on("close", () => hooks.onClose(this));
    this.apply(this.session.greeting());
  }

  private listen(socket: Socket): void {
    socket.on("drain", () => this.updateReading());
  }

  /** Received bytes, read in place (write payloads straight into their buffers) until TLS takes the socket over. */
  private readonly receiver = {
    sink: () => this.session.payloadSink(),
    sunk: (byteCount: number) => {
      this.session.payloadReceived(byteCount);
      this.pump();
    },
    received: (chunk: Uint8Array) => this.onData(chunk),
  };

  private readonly onData = (chunk: Uint8Array): void => {
    this.session.push(chunk);
    this.pump();
  };

  /**
   * NBD_OPT_STARTTLS was acknowledged: the ACK leaves in plain text, then the
   * client's TLS handshake starts on the same socket and option haggling goes
   * on inside TLS.
   */
  private startTls(): void {
    const tls = this.hooks.tls;
    assert(tls !== undefined, "STARTTLS acknowledged without TLS configured");
    this.flushOutgoing();
    const raw = this.socket;
    const secure = new TLSSocket(raw, { isServer: true, secureContext: tls.context, requestCert: tls.verifyPeer, rejectUnauthorized: tls.verifyPeer });
    this.socket = secure;
    secure.on("error", (error) => {
      this.hooks.log(`nbd: TLS failed: ${error.message}`);
      raw.destroy();
    });
    secure.once("secure", () => {
      this.session.tlsStarted();
      secure.on("data", this.onData);
      this.listen(secure);
      this.pump();
    });
  }

  /** Hard disconnect (export removed). */
  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Server shutdown (proto.md: wait for in-flight requests before the hard
   * disconnect): stop reading, answer what is in flight, then close; cut the
   * connection if that takes longer than deadlineMs.
   */
  shutdown(deadlineMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
    if (this.socket.destroyed) return Promise.resolve();
    this.stopped = true;
    this.socket.pause();
    this.ending = true;
    const timer = setTimeout(() => this.socket.destroy(), deadlineMs);
    this.endIfIdle();
    return closed.finally(() => clearTimeout(timer));
  }

  private apply(effects: SessionEffect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case "send": this.send(effect.bytes); break;
        case "attach": this.attach(effect.exportName); break;
        case "starttls": this.startTls(); break;
        case "request": void this.serve(effect.request); break;
        case "close": this.closeFor(effect.reason, effect.violation); break;
        default: assertNever(effect, "session effect");
      }
    }
  }

  private attach(exportName: string): void {
    this.socket.setTimeout(0);
    this.device = this.hooks.device(exportName);
    this.exportName = exportName;
    if (this.device === undefined) this.closeFor(`export "${exportName}" went away during negotiation`, true);
  }

  private closeFor(reason: string, violation: boolean): void {
    if (violation) {
      this.hooks.log(`nbd: closing connection: ${reason}`);
      this.flushOutgoing();
      this.socket.destroy();
      return;
    }
    this.ending = true;
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.ending && this.inFlight === 0) {
      this.flushOutgoing();
      this.socket.end();
    }
  }

  /** Queues bytes; everything queued in one turn of the event loop leaves in one write. */
  private send(bytes: Uint8Array, written?: () => void): void {
    if (this.socket.destroyed) return;
    if (this.outgoing.length === 0) process.nextTick(this.flushOutgoing);
    this.outgoing.push(bytes);
    if (written !== undefined) this.outgoingWritten.push(written);
  }

  private readonly flushOutgoing = (): void => {
    const parts = this.outgoing;
    const written = this.outgoingWritten;
    if (parts.length === 0 || this.socket.destroyed) return;
    this.outgoing = [];
    this.outgoingWritten = [];
    const done = written.length === 0 ? undefined : () => written.forEach((callback) => callback());
    if (parts.length === 1) {
      this.socket.write(parts[0]!, done);
    } else if (parts.reduce((sum, part) => sum + part.length, 0) <= coalesceBytesMax) {
      this.socket.write(Buffer.concat(parts)); // one small copy is cheaper than a writev of many tiny replies
      done?.();
    } else {
      this.socket.cork();
      parts.forEach((part, index) => this.socket.write(part, index === parts.length - 1 ? done : undefined));
      this.socket.uncork();
    }
  };

  private async serve(request: NbdRequest): Promise<void> {
    const device = this.device;
    if (device === undefined) return; // the connection is already closing
    const bytes = request.kind === "read" ? request.lengthBytes : request.kind === "write" ? request.data.length : 0;
    this.inFlight++;
    this.inFlightBytes += bytes;
    try {
      this.reply(request, undefined, await perform(device, request, this.hooks.buffers));
    } catch (error) {
      this.reply(request, errnoOf(error, this.hooks), undefined);
    }
    if (request.kind === "write" && device.releasesWriteData === true) this.hooks.buffers.give(request.data);
    this.inFlight--;
    this.inFlightBytes -= bytes;
    this.requestsServed++;
    this.pump();
    this.endIfIdle();
  }

  private reply(request: NbdRequest, errno: BlockErrno | undefined, data: Uint8Array | undefined): void {
    const { handle } = request;
    const structured = this.session.structuredReplies && (request.kind === "read" || request.kind === "block-status");
    if (structured && errno !== undefined) return this.send(encodeErrorReply({ type: request.kind === "read" ? Command.READ : Command.BLOCK_STATUS, handle }, errno, true));
    const release = data === undefined ? undefined : () => this.hooks.buffers.give(data);
    if (structured && request.kind === "read") {
      const parts = encodeReadChunks(handle, request.offsetBytes, data!);
      parts.forEach((part, index) => this.send(part, index === parts.length - 1 ? release : undefined));
      return;
    }
    if (request.kind === "block-status") return this.send(encodeBlockStatus(handle, BASE_ALLOCATION_ID, [{ lengthBytes: request.lengthBytes, flags: 0 }]));
    // Node's shared pool: no allocation or zero-filling per reply.
    const header = Buffer.allocUnsafe(SIMPLE_REPLY_HEADER_BYTES);
    writeSimpleReply(header, 0, handle, errno);
    this.send(header);
    if (errno === undefined && data !== undefined) this.send(data, release);
  }

  /** Parses as many buffered requests as there are free in-flight slots, then decides whether to keep reading. */
  private pump(): void {
    if (this.stopped) return;
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

/** Reads land in pooled memory where the device can read into it; the reply gives it back once sent. */
function perform(device: BlockDevice, request: NbdRequest, buffers: BufferPool): Promise<Uint8Array | undefined> {
  switch (request.kind) {
    case "read": {
      if (device.readInto !== undefined) {
        const into = buffers.take(request.lengthBytes);
        return device.readInto(request.offsetBytes, into).then(() => into);
      }
      return device.read(request.offsetBytes, request.lengthBytes).then((data) => {
        assert(data.length === request.lengthBytes, "BlockDevice.read returned a short buffer");
        return data;
      });
    }
    case "write": return device.write(request.offsetBytes, request.data, request.fua).then(() => undefined);
    case "flush": return device.flush().then(() => undefined);
    case "trim": return device.trim(request.offsetBytes, request.lengthBytes).then(() => undefined);
    case "write-zeroes": return device.writeZeroes(request.offsetBytes, request.lengthBytes, request.fua).then(() => undefined);
    // The devices know no allocation: the whole range is reported as data (allowed by base:allocation).
    case "block-status": return Promise.resolve(undefined);
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
