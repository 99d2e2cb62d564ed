/**
 * Totem single-ring ordering and membership (Amir et al., TOCS 1995), as a pure
 * state machine. The driver feeds events (received messages, timers, local
 * commands) with the current monotonic time and a seeded Rng into `step`, and
 * carries out the returned effects in order (persist before send).
 */
export {
  nodeId, ringIdOf, ringRep, ringSeq, RING_SEQ_MAX,
  type NodeId, type RingId, type TotemMessage, type McastMessage, type TokenMessage, type JoinMessage,
  type CommitMessage, type CommitEntry, type MergeDetectMessage, type HoldCancelMessage, type Frame,
  type PayloadPart, type Encapsulated, type TimerName, type LocalCommand, type Event, type Effect,
  type ConfigurationChange, type ConfigurationKind, type TotemState, type TotemStatus, type LogLevel,
} from "./core/types.js";
export {
  effectiveTotemConfig, defaultTotemConfig, totemConfigProblems,
  type TotemConfig, type TotemSettings,
} from "./core/config.js";
export { encodeMessage, decodeMessage, WIRE_VERSION, MEMBERS_MAX, type DecodeError } from "./core/codec.js";
export { createTotemNode, PAYLOAD_BYTES_MAX, SEND_QUEUE_PAYLOADS_MAX, type TotemNode, type TotemNodeOptions } from "./core/node.js";
export { ByteReader, ByteWriter, allocate } from "./core/wire.js";
