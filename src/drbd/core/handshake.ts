import type { AfterSb0pri, AfterSb1pri, AfterSb2pri } from "../config/model.js";
import { JUST_CREATED, NO_UUID, type Generations } from "./metadata.js";

/** What each side tells the other when a connection is established. */
export interface HandshakeView {
  node: string;
  primary: boolean;
  uuids: Generations;
  upToDate: boolean;
  /** Blocks this side changed since the common generation. */
  changes: number;
  crashedPrimary: boolean;
  primarySinceMs: number;
  discardMyData: boolean;
}

export interface AfterSbPolicies {
  afterSb0pri: AfterSb0pri;
  afterSb1pri: AfterSb1pri;
  afterSb2pri: AfterSb2pri;
}

export type SyncDirection = "source" | "target";

export type SyncDecision =
  | { kind: "in-sync" }
  /** Neither side has data yet: wait for `primary --force`. */
  | { kind: "no-data" }
  | { kind: "sync"; direction: SyncDirection; full: boolean; splitBrain: string | undefined }
  /** Split brain the policies could not resolve: disconnect, and maybe call pri-lost-after-sb on a side. */
  | { kind: "split-brain"; why: string; priLost: SyncDirection | undefined }
  | { kind: "unrelated"; why: string };

const mirror = (d: SyncDirection): SyncDirection => (d === "source" ? "target" : "source");

/** Ties break on node names so both sides reach mirrored decisions. */
function byName(self: HandshakeView, peer: HandshakeView, selfLoses: boolean): SyncDirection {
  return (self.node > peer.node) === selfLoses ? "target" : "source";
}

/** after-sb-0pri: which side discards its data (becomes SyncTarget), or undefined to disconnect. */
export function victim0pri(policy: AfterSb0pri, self: HandshakeView, peer: HandshakeView): SyncDirection | undefined {
  switch (policy) {
    case "disconnect": return undefined;
    case "discard-local": return "target";
    case "discard-remote": return "source";
    case "discard-younger-primary":
    case "discard-older-primary": {
      if (self.primarySinceMs === peer.primarySinceMs) return victim0pri("discard-least-changes", self, peer);
      const selfYounger = self.primarySinceMs > peer.primarySinceMs;
      return selfYounger === (policy === "discard-younger-primary") ? "target" : "source";
    }
    case "discard-zero-changes":
      if (self.changes === 0 && peer.changes === 0) return byName(self, peer, true);
      if (self.changes === 0) return "target";
      if (peer.changes === 0) return "source";
      return undefined;
    case "discard-least-changes":
      if (self.changes === peer.changes) return byName(self, peer, true);
      return self.changes < peer.changes ? "target" : "source";
  }
}

function resolveSplitBrain(self: HandshakeView, peer: HandshakeView, p: AfterSbPolicies, why: string): SyncDecision {
  if (self.discardMyData && !peer.discardMyData) return { kind: "sync", direction: "target", full: false, splitBrain: "discard-my-data" };
  if (peer.discardMyData && !self.discardMyData) return { kind: "sync", direction: "source", full: false, splitBrain: "discard-my-data" };
  const unresolved = (priLost: SyncDirection | undefined = undefined): SyncDecision => ({ kind: "split-brain", why, priLost });
  const primaries = Number(self.primary) + Number(peer.primary);
  const as0p = victim0pri(p.afterSb0pri, self, peer);
  const resolved = (direction: SyncDirection, policy: string): SyncDecision => ({ kind: "sync", direction, full: false, splitBrain: policy });
  if (primaries === 0) return as0p === undefined ? unresolved() : resolved(as0p, `after-sb-0pri ${p.afterSb0pri}`);
  const primaryLoses = (d: SyncDirection | undefined) => d !== undefined && (d === "target") === self.primary;
  if (primaries === 1) {
    const secondaryLoses: SyncDirection = self.primary ? "source" : "target";
    switch (p.afterSb1pri) {
      case "disconnect": return unresolved();
      case "discard-secondary": return resolved(secondaryLoses, "after-sb-1pri discard-secondary");
      case "consensus": return as0p === secondaryLoses ? resolved(as0p, "after-sb-1pri consensus") : unresolved();
      case "violently-as0p": return as0p === undefined ? unresolved() : resolved(as0p, "after-sb-1pri violently-as0p");
      case "call-pri-lost-after-sb":
        if (as0p === undefined) return unresolved();
        return primaryLoses(as0p) ? unresolved(self.primary ? "target" : "source") : resolved(as0p, "after-sb-1pri call-pri-lost-after-sb");
    }
  }
  switch (p.afterSb2pri) {
    case "disconnect": return unresolved();
    case "violently-as0p": return as0p === undefined ? unresolved() : resolved(as0p, "after-sb-2pri violently-as0p");
    case "call-pri-lost-after-sb": return unresolved(as0p);
  }
}

/**
 * The sync decision from both sides' generation identifiers (DRBD's rules):
 * equal current UUIDs mean in sync; one side's current being the other's
 * bitmap UUID means that other side changed data since, and is the source;
 * equal bitmap UUIDs mean both changed data apart: split brain.
 */
export function decideSync(self: HandshakeView, peer: HandshakeView, policies: AfterSbPolicies): SyncDecision {
  const s = self.uuids;
  const q = peer.uuids;
  // Only UpToDate data is ever a sync source; an interrupted SyncTarget resumes from its peer.
  if (!self.upToDate && !peer.upToDate) return { kind: "no-data" };
  if (!self.upToDate || !peer.upToDate) {
    const related = s.current === q.current || s.current === q.bitmap || q.current === s.bitmap;
    const fresh = s.current === JUST_CREATED || q.current === JUST_CREATED;
    return { kind: "sync", direction: self.upToDate ? "source" : "target", full: fresh || !related, splitBrain: undefined };
  }
  if (s.current === q.current) return sameGeneration(self, peer);
  if (s.current === q.bitmap && s.bitmap === NO_UUID) return { kind: "sync", direction: "target", full: false, splitBrain: undefined };
  if (q.current === s.bitmap && q.bitmap === NO_UUID) return { kind: "sync", direction: "source", full: false, splitBrain: undefined };
  if (s.bitmap !== NO_UUID && s.bitmap === q.bitmap) return resolveSplitBrain(self, peer, policies, "both sides changed data since the common generation " + s.bitmap);
  if (s.bitmap !== NO_UUID && q.bitmap !== NO_UUID && (q.history.includes(s.bitmap) || s.history.includes(q.bitmap))) {
    const decision = resolveSplitBrain(self, peer, policies, "both sides changed data since an older common generation");
    return decision.kind === "sync" ? { ...decision, full: true } : decision;
  }
  const selfOlder = s.current === q.bitmap || q.history.includes(s.current);
  const peerOlder = q.current === s.bitmap || s.history.includes(q.current);
  if (selfOlder !== peerOlder) return { kind: "sync", direction: selfOlder ? "target" : "source", full: true, splitBrain: undefined };
  return { kind: "unrelated", why: `unrelated data (current ${s.current} vs ${q.current})` };
}

function sameGeneration(self: HandshakeView, peer: HandshakeView): SyncDecision {
  const bitmap = (direction: SyncDirection): SyncDecision => ({ kind: "sync", direction, full: false, splitBrain: undefined });
  if (self.crashedPrimary !== peer.crashedPrimary) return bitmap(self.crashedPrimary ? "source" : "target");
  if (self.changes === 0 && peer.changes === 0) return { kind: "in-sync" };
  return bitmap(byName(self, peer, false));
}

export function mirrorDecision(d: SyncDecision): SyncDecision {
  if (d.kind === "sync") return { ...d, direction: mirror(d.direction) };
  if (d.kind === "split-brain") return { ...d, priLost: d.priLost === undefined ? undefined : mirror(d.priLost) };
  return d;
}
