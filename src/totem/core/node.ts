import type { Rng } from "../../lib/rng.js";
import { assert } from "../../lib/assert.js";
import type { TotemConfig } from "./config.js";
import type { Effect, Event, NodeId, TotemStatus } from "./types.js";

/** Largest application payload one multicast command may carry (fragmented over frames). */
export const PAYLOAD_BYTES_MAX = 1024 * 1024;
/** Payloads queued for sending before multicast commands are rejected. */
export const SEND_QUEUE_PAYLOADS_MAX = 65536;

export interface TotemNodeOptions {
  readonly nodeId: NodeId;
  readonly config: TotemConfig;
  /** The last persisted ring seq (0 on first start); the node never reuses a lower one. */
  readonly ringSeq: number;
}

export interface TotemNode {
  /** One input, one step: returns the effects to carry out in order. */
  step(event: Event, nowMs: number, rng: Rng): Effect[];
  status(): TotemStatus;
  /** How many more payloads a multicast command would accept now. */
  queueSpace(): number;
}

export function createTotemNode(options: TotemNodeOptions): TotemNode {
  assert(false, `totem node ${options.nodeId}: the protocol core lands in the next commit`);
}
