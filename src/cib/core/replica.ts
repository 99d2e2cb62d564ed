import { assert } from "../../lib/assert.js";
import { applyPatch, diffCib, type Patch } from "./patch.js";
import { compareCibVersions, formatCibVersion, nextVersion, versionOf, type CibVersion } from "./version.js";
import { cloneElement, type XmlElement } from "./xml/tree.js";

/**
 * A change travelling between replicas: the patch, who proposed it and that
 * proposer's serial number (so it can tell its own changes apart).
 */
export interface CibUpdate {
  origin: string;
  serial: number;
  patch: Patch;
}

export type ReplicaEffect =
  /** Broadcast on the totally ordered channel (CPG); every replica, the sender too, gets it back through receive(). */
  | { kind: "broadcast"; update: CibUpdate }
  /** Write the new CIB durably before telling anyone it was applied. */
  | { kind: "persist"; root: XmlElement }
  /** An update (ours or a peer's) is now part of the CIB. */
  | { kind: "applied"; update: CibUpdate }
  /** Our own update lost a race with another change and was dropped everywhere; the client may retry. */
  | { kind: "rejected"; serial: number; reason: string }
  /** We missed updates: ask a peer for its whole CIB (answered with receiveFull). */
  | { kind: "request-sync"; have: CibVersion; seen: CibVersion }
  /** Answer a sync request: broadcast the whole CIB on the ordered channel. */
  | { kind: "broadcast-full"; root: XmlElement };

/**
 * One node's copy of the CIB as a replicated state machine. Changes are not
 * applied where they are made: propose() only broadcasts a patch against the
 * current version. Every replica applies delivered patches in the channel's
 * total order, and a patch whose source version is no longer current is
 * dropped by all of them alike, so replicas that start equal stay equal
 * without a master. A replica that falls behind asks for a full copy and
 * ignores patches until it has one.
 */
export class CibReplica {
  private current: XmlElement;
  private serial = 0;
  private syncing = false;

  constructor(readonly self: string, root: XmlElement) {
    assert(root.name === "cib", "a CIB replica holds a <cib> document");
    this.current = cloneElement(root);
  }

  /** The current CIB. Callers edit a clone (cloneElement) and propose it. */
  get root(): XmlElement {
    return this.current;
  }

  get version(): CibVersion {
    return versionOf(this.current);
  }

  get isSyncing(): boolean {
    return this.syncing;
  }

  /**
   * Proposes `next` (an edited copy of root) as the new CIB. A change to the
   * configuration bumps epoch, any other change num_updates. Returns the
   * proposal's serial and the broadcast; nothing changes until it is delivered.
   */
  propose(next: XmlElement): { serial: number; effects: ReplicaEffect[] } {
    assert(next !== this.current, "propose an edited copy, not the live tree");
    const patch = diffCib(this.current, next); // the version attributes of <cib> are not part of the changes
    const configurationChanged = patch.changes.some((change) => change.path.startsWith("/cib/configuration"));
    patch.target = nextVersion(this.version, configurationChanged);
    const update: CibUpdate = { origin: this.self, serial: ++this.serial, patch };
    return { serial: update.serial, effects: [{ kind: "broadcast", update }] };
  }

  /** An update delivered by the ordered channel. */
  receive(update: CibUpdate): ReplicaEffect[] {
    if (this.syncing) return [];
    const order = compareCibVersions(update.patch.source, this.version);
    if (order > 0) {
      this.syncing = true;
      return [{ kind: "request-sync", have: this.version, seen: update.patch.source }];
    }
    if (order < 0) return this.stale(update, `it was made against ${formatCibVersion(update.patch.source)}, the CIB is at ${formatCibVersion(this.version)}`);
    const applied = applyPatch(this.current, update.patch);
    if (!applied.ok) return this.stale(update, applied.error.message);
    this.current = applied.value;
    return [{ kind: "persist", root: this.current }, { kind: "applied", update }];
  }

  private stale(update: CibUpdate, reason: string): ReplicaEffect[] {
    return update.origin === this.self ? [{ kind: "rejected", serial: update.serial, reason }] : [];
  }

  /**
   * A peer asked for the whole CIB. One replica answers, so that a request
   * does not cause a flood: the first member in the membership's order that
   * is neither the asker nor syncing itself. `members` is the current
   * configuration, the same list on every node.
   */
  answerSyncRequest(asker: string, members: readonly string[]): ReplicaEffect[] {
    const responder = members.find((member) => member !== asker);
    if (responder !== this.self || this.syncing) return [];
    return [{ kind: "broadcast-full", root: this.current }];
  }

  /**
   * A whole CIB from a peer: the answer to request-sync, or the exchange after
   * a partition heals. The newer version wins. Send it on the ordered channel
   * too, so that it lands at the same place in every replica's sequence.
   */
  receiveFull(root: XmlElement): ReplicaEffect[] {
    this.syncing = false;
    if (compareCibVersions(versionOf(root), this.version) <= 0) return [];
    this.current = cloneElement(root);
    return [{ kind: "persist", root: this.current }];
  }
}
