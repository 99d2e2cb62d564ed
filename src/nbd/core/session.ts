import type { BlockErrno } from "../block-device.js";
import { assert } from "../../lib/assert.js";
import { ByteQueue } from "../../lib/byte-queue.js";
import { type BlockSizes, type ExportCatalog, type Negotiation, encodeGreeting, handleOption } from "./handshake.js";
import { CLIENT_FLAGS_KNOWN, Command, FLAG_NO_ZEROES, IHAVEOPT, OPTION_HEADER_BYTES, REQUEST_HEADER_BYTES } from "./protocol.js";
import {
  type AttachedExport, type NbdRequest, type RequestHeader, decodeRequestHeader, encodeErrorReply, payloadBytes, requestError, toRequest,
} from "./transmission.js";

export interface SessionLimits {
  /** Largest read or write payload; larger requests get EOVERFLOW (also advertised as the maximum block size). */
  readonly requestBytesMax: number;
  /** Largest option data accepted during negotiation; more is treated as a denial of service. */
  readonly optionBytesMax: number;
  /** Options accepted per connection before the server hangs up. */
  readonly optionsMax: number;
}

export const defaultSessionLimits: SessionLimits = {
  requestBytesMax: 32 * 1024 * 1024,
  optionBytesMax: 64 * 1024,
  optionsMax: 1024,
};

/** Effects, in order; the driver sends bytes in this order and closes after what precedes the close. */
export type SessionEffect =
  | { kind: "send"; bytes: Uint8Array }
  | { kind: "attach"; exportName: string }
  /** The STARTTLS acknowledgement is queued: upgrade the connection, then call tlsStarted(). */
  | { kind: "starttls" }
  | { kind: "request"; request: NbdRequest }
  | { kind: "close"; reason: string; violation: boolean };

/** The payload of a refused write, skipped before its error reply goes out (clients expect no reply mid-payload). */
interface Discard {
  remainingBytes: number;
  readonly reply: Uint8Array;
}

type Phase =
  | { name: "client-flags" }
  | { name: "options"; pendingOption: { option: number; dataBytes: number } | undefined; awaitingTls: boolean }
  | { name: "transmission"; exp: AttachedExport; pendingWrite: RequestHeader | undefined; discard: Discard | undefined }
  | { name: "closed" };

/**
 * One NBD connection seen from the server, as a pure state machine over
 * bytes: fixed newstyle handshake, option haggling, then transmission with
 * simple replies. Requests come out as effects; the driver carries them out
 * and encodes the replies (encodeSimpleReply), in any order.
 */
export class NbdSession {
  private phase: Phase = { name: "client-flags" };
  private readonly input: ByteQueue;
  private readonly negotiation: Negotiation;
  private optionCount = 0;

  /** allocate: for write payloads that span received chunks (see ByteQueue). */
  constructor(
    private readonly catalog: ExportCatalog,
    private readonly limits: SessionLimits = defaultSessionLimits,
    allocate?: (byteCount: number) => Uint8Array,
    tls: Negotiation["tls"] = "off",
  ) {
    this.negotiation = { noZeroes: false, structured: false, blockStatus: false, tls, tlsActive: false };
    this.input = new ByteQueue(allocate);
    assert(limits.requestBytesMax > 0 && limits.optionBytesMax >= 4096 + 6, "NBD session limits too small");
  }

  get closed(): boolean {
    return this.phase.name === "closed";
  }

  /** Whether READ (and BLOCK_STATUS) replies must be structured. */
  get structuredReplies(): boolean {
    return this.negotiation.structured;
  }

  /** The driver has completed the TLS handshake after a `starttls` effect: option haggling goes on, encrypted. */
  tlsStarted(): void {
    assert(this.phase.name === "options" && this.phase.awaitingTls, "tlsStarted without a pending STARTTLS");
    this.phase.awaitingTls = false;
    this.negotiation.tlsActive = true;
  }

  greeting(): SessionEffect[] {
    return [{ kind: "send", bytes: encodeGreeting() }];
  }

  /** Received bytes not yet consumed (the driver stops reading the socket when too many wait). */
  get bufferedBytes(): number {
    return this.input.length;
  }

  /** Buffers received bytes; take() turns them into effects. */
  push(chunk: Uint8Array): void {
    if (!this.closed) this.input.push(chunk);
  }

  /** Where the driver may receive the rest of a write payload in place (see ByteQueue.sink). */
  payloadSink(): Uint8Array | undefined {
    return this.closed ? undefined : this.input.sink();
  }

  /** byteCount bytes were received into the last payloadSink(). */
  payloadReceived(byteCount: number): void {
    this.input.sunk(byteCount);
  }

  /**
   * Consumes buffered input until `requestsMax` requests have come out or the
   * input runs short; the driver passes its free in-flight slots so that
   * requests beyond them stay unparsed bytes.
   */
  take(requestsMax: number): SessionEffect[] {
    const effects: SessionEffect[] = [];
    let requests = 0;
    while (requests < requestsMax && this.step(effects)) {
      if (effects.at(-1)?.kind === "request") requests++;
    }
    if (this.closed) this.input.skip(this.input.length);
    return effects;
  }

  /** push() then take() without a limit. */
  receive(chunk: Uint8Array): SessionEffect[] {
    this.push(chunk);
    return this.take(Number.POSITIVE_INFINITY);
  }

  /** Consumes one unit of input if enough bytes are there; returns whether it made progress. */
  private step(effects: SessionEffect[]): boolean {
    switch (this.phase.name) {
      case "client-flags": return this.stepClientFlags(effects);
      case "options": return this.stepOptions(this.phase, effects);
      case "transmission": return this.stepTransmission(this.phase, effects);
      case "closed": return false;
    }
  }

  private close(effects: SessionEffect[], reason: string, violation: boolean): true {
    effects.push({ kind: "close", reason, violation });
    this.phase = { name: "closed" };
    return true;
  }

  private stepClientFlags(effects: SessionEffect[]): boolean {
    if (this.input.length < 4) return false;
    const bytes = this.input.take(4);
    const flags = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    if ((flags & ~CLIENT_FLAGS_KNOWN) !== 0) return this.close(effects, `unknown client flags 0x${flags.toString(16)}`, true);
    this.negotiation.noZeroes = (flags & FLAG_NO_ZEROES) !== 0;
    this.phase = { name: "options", pendingOption: undefined, awaitingTls: false };
    return true;
  }

  private stepOptions(phase: Extract<Phase, { name: "options" }>, effects: SessionEffect[]): boolean {
    if (phase.awaitingTls) return false;
    if (phase.pendingOption === undefined) {
      if (this.input.length < OPTION_HEADER_BYTES) return false;
      const header = this.input.take(OPTION_HEADER_BYTES);
      const view = new DataView(header.buffer, header.byteOffset, OPTION_HEADER_BYTES);
      if (view.getBigUint64(0) !== IHAVEOPT) return this.close(effects, "bad option magic", true);
      const dataBytes = view.getUint32(12);
      if (dataBytes > this.limits.optionBytesMax) return this.close(effects, `option data of ${dataBytes} bytes exceeds the limit`, true);
      if (++this.optionCount > this.limits.optionsMax) return this.close(effects, "too many options", true);
      phase.pendingOption = { option: view.getUint32(8), dataBytes };
    }
    const { option, dataBytes } = phase.pendingOption;
    if (this.input.length < dataBytes) return false;
    phase.pendingOption = undefined;
    const sizes: BlockSizes = { minimumBytes: 1, preferredBytes: 4096, maximumBytes: this.limits.requestBytesMax };
    const outcome = handleOption(option, this.input.take(dataBytes), this.catalog, sizes, this.negotiation);
    for (const bytes of outcome.replies) effects.push({ kind: "send", bytes });
    if (outcome.next === "close") return this.close(effects, outcome.reason, outcome.violation);
    if (outcome.next === "options" && outcome.settled !== undefined) Object.assign(this.negotiation, outcome.settled);
    if (outcome.next === "starttls") {
      phase.awaitingTls = true;
      effects.push({ kind: "starttls" });
    }
    if (outcome.next === "attach") {
      effects.push({ kind: "attach", exportName: outcome.exportName });
      this.phase = { name: "transmission", exp: outcome.description, pendingWrite: undefined, discard: undefined };
    }
    return true;
  }

  private stepTransmission(phase: Extract<Phase, { name: "transmission" }>, effects: SessionEffect[]): boolean {
    if (phase.discard !== undefined) {
      phase.discard.remainingBytes -= this.input.skip(phase.discard.remainingBytes);
      if (phase.discard.remainingBytes > 0) return false;
      effects.push({ kind: "send", bytes: phase.discard.reply });
      phase.discard = undefined;
      return true;
    }
    if (phase.pendingWrite !== undefined) {
      if (this.input.length < phase.pendingWrite.lengthBytes) {
        this.input.reserve(phase.pendingWrite.lengthBytes);
        return false;
      }
      effects.push({ kind: "request", request: toRequest(phase.pendingWrite, this.input.take(phase.pendingWrite.lengthBytes)) });
      phase.pendingWrite = undefined;
      return true;
    }
    if (this.input.length < REQUEST_HEADER_BYTES) return false;
    const header = decodeRequestHeader(this.input.take(REQUEST_HEADER_BYTES));
    if (header === undefined) return this.close(effects, "bad request magic", true);
    if (header.type === Command.DISC) return this.close(effects, "client disconnected", false);
    const error: BlockErrno | undefined = requestError(header, phase.exp, this.limits.requestBytesMax, this.negotiation.blockStatus);
    if (error !== undefined) {
      phase.discard = { remainingBytes: payloadBytes(header), reply: encodeErrorReply(header, error, this.negotiation.structured) };
    } else if (header.type === Command.WRITE) {
      phase.pendingWrite = header;
    } else {
      effects.push({ kind: "request", request: toRequest(header, new Uint8Array(0)) });
    }
    return true;
  }
}
