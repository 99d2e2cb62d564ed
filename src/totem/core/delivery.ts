import { without } from "./node-set.js";
import type { RingContext } from "./ring-context.js";
import type { Step } from "./node-state.js";
import type { Frame, NodeId, RingId } from "./types.js";

/** Hands a frame's payloads up, joining fragments per origin. */
export function deliverFrame(s: Step, frame: Frame, ring: RingId): void {
  const n = s.n;
  for (const part of frame.parts) {
    const pieces = n.reassembly.get(frame.origin);
    if (part.more) {
      if (pieces === undefined) n.reassembly.set(frame.origin, [part.bytes]);
      else pieces.push(part.bytes);
      continue;
    }
    let payload = part.bytes;
    if (pieces !== undefined) {
      pieces.push(part.bytes);
      payload = concatBytes(pieces);
      n.reassembly.delete(frame.origin);
    }
    n.deliveredPayloads++;
    s.out.push({ kind: "deliver", from: frame.origin, ring, payload });
  }
}

function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const piece of pieces) total += piece.byteLength;
  const joined = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.byteLength;
  }
  return joined;
}

/**
 * Agreed delivery: every frame whose lower-numbered frames have all been
 * delivered; a safe frame also waits until it is stable (held by every member).
 * Recovery traffic is passed over.
 */
export function deliverContiguous(s: Step, ctx: RingContext, stable = ctx.stable): void {
  while (ctx.highDelivered < ctx.myAru) {
    const frame = ctx.frames.get(ctx.highDelivered + 1);
    if (frame !== undefined && frame.safe && frame.seq > stable) return;
    ctx.highDelivered++;
    if (frame !== undefined && frame.old === null) deliverFrame(s, frame, ctx.id);
  }
}

/**
 * Entering OPERATIONAL (Totem §3, EVS): the old ring's contiguous messages, the
 * transitional configuration, the old ring's remaining messages from
 * transitional members in seq order (skipping gaps), then the new regular
 * configuration. The first ring a node forms has no transitional predecessor.
 * Old safe frames not known stable in the old ring are delivered in the
 * transitional configuration, whose members all hold them (EVS 6).
 */
export function deliverInstallation(s: Step, old: RingContext, ring: RingContext, transitional: readonly NodeId[], oldStable: number): void {
  const n = s.n;
  // Every transitional member uses the same stability bound, so they all stop at the same frame.
  deliverContiguous(s, old, oldStable);
  if (n.installedOnce) {
    s.out.push({ kind: "configuration", change: { kind: "transitional", ring: ring.id, members: transitional, left: without(old.members, transitional), joined: [] } });
    deliverAfterGaps(s, old, new Set(transitional));
  }
  n.reassembly.clear();
  const joined = n.installedOnce ? without(ring.members, transitional) : ring.members;
  s.out.push({ kind: "configuration", change: { kind: "regular", ring: ring.id, members: ring.members, left: [], joined } });
  n.configurationChanges += n.installedOnce ? 2 : 1;
  n.installedOnce = true;
}

function deliverAfterGaps(s: Step, old: RingContext, transitional: ReadonlySet<NodeId>): void {
  const rest = [...old.frames.keys()].filter((seq) => seq > old.highDelivered).sort((a, b) => a - b);
  for (const seq of rest) {
    const frame = old.frames.get(seq)!;
    if (frame.old === null && transitional.has(frame.origin)) deliverFrame(s, frame, old.id);
    old.highDelivered = seq;
  }
}
