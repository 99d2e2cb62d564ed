import { assert } from "../../lib/assert.js";
import { isDamped, noteFailed } from "./damping.js";
import { deliverContiguous, deliverInstallation } from "./delivery.js";
import { isSubsetOf, sameNodes, sortedNodes, successorOf, without } from "./node-set.js";
import { arm, cancel, log, persistRingSeq, setState, type GatherState, type NodeState, type Step } from "./node-state.js";
import { createRingContext } from "./ring-context.js";
import { sendToSuccessor, visit } from "./token.js";
import { ringIdOf, ringSeq, type CommitEntry, type CommitMessage, type JoinMessage, type NodeId } from "./types.js";

/** Extra consensus periods granted to members that disagree but are still talking. */
const CONSENSUS_EXTENSIONS_MAX = 2;
/** Ring seqs advance by 4 per new ring (corosync). */
const RING_SEQ_STEP = 4;

export function freshGather(members: Iterable<NodeId>, failed: Iterable<NodeId>, nowMs: number): GatherState {
  return { procSet: new Set(members), failSet: new Set(failed), agreed: new Set(), lastJoins: new Map(), heardMs: new Map(), sinceMs: nowMs, joinRepeats: 0, consensusExtensions: 0, procSizeAtConsensus: 0 };
}

function activeMembers(g: GatherState): NodeId[] {
  return sortedNodes([...g.procSet].filter((node) => !g.failSet.has(node)));
}

/**
 * Leave OPERATIONAL, COMMIT or RECOVERY for GATHER. An unfinished new ring is
 * abandoned and the old ring's state kept (Totem §3: "restore the saved old-ring state").
 */
export function startGather(s: Step, why: string, extra: readonly NodeId[] = [], joinToMerge: JoinMessage | null = null): void {
  const n = s.n;
  const members = n.pending !== null ? [...n.pending.members, ...n.gather.procSet] : n.regular.members;
  const failed = n.state === "operational" ? [] : n.gather.failSet;
  log(s, "notice", `entering GATHER: ${why}`);
  n.gather = freshGather([...members, ...extra], failed, s.nowMs);
  n.pending = null;
  n.recovery = null;
  n.holding = null;
  n.sendQueue.restartPartial();
  for (const timer of ["token_loss", "token_retransmit", "hold", "merge_detect"] as const) cancel(s, timer);
  setState(s, "gather");
  if (joinToMerge === null) return regather(s);
  // Merge the join before announcing, so consensus is never checked on the stale sets.
  n.gather.procSet.add(n.me);
  if (!mergeJoin(s, joinToMerge)) regather(s);
}

/**
 * (Re-)enter GATHER with the current sets and announce them. The consensus
 * wait runs from the first entry: set changes do not postpone it, so a stream
 * of joins after a heal cannot keep a node in GATHER for ever (pitfall 2).
 */
export function regather(s: Step): void {
  const n = s.n;
  const g = n.gather;
  g.procSet.add(n.me);
  g.agreed.clear();
  g.agreed.add(n.me);
  g.joinRepeats = 0;
  for (const [sender, join] of g.lastJoins) if (joinAgrees(g, join)) g.agreed.add(sender);
  if (n.config.send_join > 0) arm(s, "join", 1 + s.rng.int(n.config.send_join));
  else {
    sendJoin(s);
    arm(s, "join", n.config.join);
  }
  if (!n.timers.has("consensus")) armConsensus(s);
  checkConsensus(s);
}

export function sendJoin(s: Step, failSelf = false): void {
  const n = s.n;
  const failSet = failSelf ? [...n.gather.failSet, n.me] : n.gather.failSet;
  const msg: JoinMessage = {
    kind: "join", sender: n.me, ring: n.regular.id, procSet: sortedNodes(n.gather.procSet), failSet: sortedNodes(failSet),
    ringSeq: n.highestRingSeq,
  };
  s.out.push({ kind: "send", to: "all", msg });
}

/** Totem §3 "Processing a join". */
export function onJoin(s: Step, j: JoinMessage): void {
  const n = s.n;
  if (j.ringSeq > n.highestRingSeq) n.highestRingSeq = j.ringSeq;
  switch (n.state) {
    case "operational":
      if (j.failSet.includes(n.me) || (isDamped(n, j.sender, s.nowMs) && !n.regular.memberSet.has(j.sender))) return;
      if (n.regular.memberSet.has(j.sender) && j.ringSeq < ringSeq(n.regular.id)) return; // stale
      return startGather(s, `join from ${j.sender}`, [], j);
    case "commit":
    case "recovery":
      if (!n.pending!.memberSet.has(j.sender)) return;
      if (j.ringSeq < ringSeq(n.pending!.id) && !rejectsPending(n, j)) return;
      return startGather(s, `join from ${j.sender} while forming ${n.pending!.id}`, [], j);
    case "gather":
      mergeJoin(s, j);
      return;
    case "left":
      return;
  }
}

/**
 * A member of the ring being formed that still gathers with other sets will
 * refuse the commit token: give up now rather than wait for token loss.
 */
function rejectsPending(n: NodeState, j: JoinMessage): boolean {
  return n.state === "commit" && !sameNodes(without(j.procSet, j.failSet), n.pending!.members);
}

/** Returns whether it re-entered GATHER (announcing the merged sets). */
function mergeJoin(s: Step, j: JoinMessage): boolean {
  const n = s.n;
  const g = n.gather;
  g.lastJoins.set(j.sender, j);
  if (joinAgrees(g, j)) {
    g.agreed.add(j.sender);
    checkConsensus(s);
    return false;
  }
  if (isSubsetOf(j.procSet, g.procSet) && isSubsetOf(j.failSet, g.failSet)) return false;
  if (g.failSet.has(j.sender) || (isDamped(n, j.sender, s.nowMs) && !g.procSet.has(j.sender))) return false;
  let changed = false;
  for (const node of j.procSet) if (!g.procSet.has(node)) changed = addTo(g.procSet, node);
  if (j.failSet.includes(n.me)) changed = failNode(s, j.sender) || changed; // failure is symmetric
  else changed = adoptFailures(s, j) || changed;
  if (changed) regather(s);
  return changed;
}

/**
 * A sender from my old ring is trusted about every failure (brief §3). About
 * nodes that were not in my old ring I know nothing first-hand, so I take any
 * sender's word: otherwise two newcomers that fail each other hold the whole
 * gather hostage until consensus expires, round after round.
 */
function adoptFailures(s: Step, j: JoinMessage): boolean {
  const n = s.n;
  const trusted = n.regular.memberSet.has(j.sender);
  let changed = false;
  for (const node of j.failSet) {
    if (node === n.me || (!trusted && n.regular.memberSet.has(node))) continue;
    changed = failNode(s, node) || changed;
  }
  return changed;
}

/** Puts a peer in the fail set (noting it for damping); returns whether it was new there. */
function failNode(s: Step, node: NodeId): boolean {
  if (!addTo(s.n.gather.failSet, node)) return false;
  noteFailed(s.n, node, s.nowMs);
  return true;
}

function joinAgrees(g: GatherState, j: JoinMessage): boolean {
  return sameNodes(j.procSet, sortedNodes(g.procSet)) && sameNodes(j.failSet, sortedNodes(g.failSet));
}

function addTo(set: Set<NodeId>, node: NodeId): boolean {
  if (set.has(node)) return false;
  set.add(node);
  return true;
}

/** Consensus: every active member sent my exact sets; the lowest id builds the commit token. */
function checkConsensus(s: Step): void {
  const n = s.n;
  const active = activeMembers(n.gather);
  if (n.state !== "gather" || !active.every((node) => n.gather.agreed.has(node)) || active[0] !== n.me) return;
  const seq = Math.max(n.highestRingSeq, n.acceptedCommitSeq, ringSeq(n.regular.id)) + RING_SEQ_STEP;
  persistRingSeq(s, seq);
  const commit: CommitMessage = {
    kind: "commit", sender: n.me, ring: ringIdOf(n.me, seq), tokenSeq: 0, members: active, entries: active.map(() => null),
  };
  acceptCommit(s, commit);
}

/**
 * On consensus expiry, members that did not agree join the fail set (Totem §3).
 * Quorate refinement: while the proc set is still growing (a large ring whose
 * nodes start over several seconds), members heard within the last consensus
 * period are alive and merely still converging, so they get up to
 * CONSENSUS_EXTENSIONS_MAX more periods while the silent ones are failed.
 * Failing them would split the ring into fragments that then merge again.
 */
export function onConsensusTimeout(s: Step): void {
  const n = s.n;
  const g = n.gather;
  const disagreeing = activeMembers(g).filter((node) => !g.agreed.has(node));
  const talking = disagreeing.filter((node) => (g.heardMs.get(node) ?? -Infinity) > s.nowMs - n.config.consensus);
  const growing = g.procSet.size > g.procSizeAtConsensus;
  const extend = talking.length > 0 && growing && g.consensusExtensions < CONSENSUS_EXTENSIONS_MAX;
  const failing = extend ? disagreeing.filter((node) => !talking.includes(node)) : disagreeing;
  for (const node of failing) failNode(s, node);
  if (failing.length > 0) log(s, "notice", `consensus timeout: failing ${failing.join(" ")}`);
  if (extend) {
    g.consensusExtensions++;
    log(s, "notice", `consensus timeout: ${talking.join(" ")} still talking, waiting another ${n.config.consensus} ms`);
    armConsensus(s);
  }
  regather(s);
}

function armConsensus(s: Step): void {
  s.n.gather.procSizeAtConsensus = s.n.gather.procSet.size;
  arm(s, "consensus", s.n.config.consensus);
}

/**
 * Quorate addition (fail_silent): after fail_silent ms of GATHER, members that
 * have sent nothing at all since it began are failed as soon as every other
 * active member agrees, instead of waiting for the whole consensus timeout.
 */
export function onJoinTimer(s: Step): void {
  const n = s.n;
  const g = n.gather;
  sendJoin(s);
  g.joinRepeats++;
  arm(s, "join", joinResendDelay(n.config.join, g) + (n.config.send_join > 0 ? s.rng.int(n.config.send_join) : 0));
  if (n.config.fail_silent === 0 || s.nowMs - g.sinceMs < n.config.fail_silent) return;
  const active = activeMembers(g);
  const silent = active.filter((node) => node !== n.me && !g.heardMs.has(node) && !g.agreed.has(node));
  if (silent.length === 0 || !active.every((node) => silent.includes(node) || g.agreed.has(node))) return;
  // Hearing from nobody at all says more about me (starved, cut off) than about them: let consensus decide.
  if (active.length > 2 && silent.length === active.length - 1) return;
  for (const node of silent) failNode(s, node);
  log(s, "notice", `silent since ${g.sinceMs} ms, failing ${silent.join(" ")} without waiting for consensus`);
  regather(s);
}

/**
 * Re-sends of unchanged sets only repair loss, so on a large ring their period
 * doubles up to join × (active members / 4): 32 nodes re-sending every 50 ms
 * would cost every node ~600 joins a second to decrypt and compare, starving
 * the very processes whose joins consensus waits for (brief pitfall 5). Up to
 * 4 nodes the period stays `join`. A change of sets re-sends at once.
 */
function joinResendDelay(join: number, g: GatherState): number {
  const capMs = join * Math.max(1, Math.ceil(activeMembers(g).length / 4));
  return Math.min(capMs, join * 2 ** Math.min(g.joinRepeats, 10));
}

/** A message from another ring: merge (Totem §3 "Merge detection"). */
export function onForeign(s: Step, sender: NodeId, ring: import("./types.js").RingId): void {
  const n = s.n;
  if (isDamped(n, sender, s.nowMs)) return;
  if (n.state === "operational") {
    if (n.regular.memberSet.has(sender) && ringSeq(ring) <= ringSeq(n.regular.id)) return;
    startGather(s, `message from ${sender} on ring ${ring}`, [sender]);
  } else if (n.state === "gather" && !n.gather.procSet.has(sender) && !n.gather.failSet.has(sender)) {
    n.gather.procSet.add(sender);
    regather(s);
  }
}

// --- commit token ------------------------------------------------------------

export function onCommit(s: Step, c: CommitMessage): void {
  const n = s.n;
  if (n.state === "gather") {
    if (commitAcceptable(n, c)) acceptCommit(s, c);
    return;
  }
  const pending = n.pending;
  if (pending === null || c.ring !== pending.id || c.tokenSeq <= pending.tokenSeqLast) return;
  commitVisit(s, c);
}

function commitAcceptable(n: NodeState, c: CommitMessage): boolean {
  const index = c.members.indexOf(n.me);
  const seq = ringSeq(c.ring);
  return index >= 0 && c.entries[index] === null && seq > ringSeq(n.regular.id) && seq > n.acceptedCommitSeq &&
    sameNodes(c.members, activeMembers(n.gather));
}

/** First rotation: save the old ring, fill my entry, adopt the new ring id, enter COMMIT. */
function acceptCommit(s: Step, c: CommitMessage): void {
  const n = s.n;
  const old = n.regular;
  const entry: CommitEntry = {
    prevRing: old.id, aru: old.myAru, highDelivered: old.highDelivered, stable: old.stable, receivedFlg: old.myAru >= old.highSeqReceived,
  };
  const entries = c.entries.map((e, i) => (c.members[i] === n.me ? entry : e));
  assert(c.members.includes(n.me) && ringSeq(c.ring) > n.acceptedCommitSeq, "a commit token is accepted once, by its members");
  persistRingSeq(s, ringSeq(c.ring));
  n.acceptedCommitSeq = ringSeq(c.ring);
  n.pending = createRingContext(c.ring, c.members);
  cancel(s, "join");
  cancel(s, "consensus");
  setState(s, "commit");
  arm(s, "token_loss", n.config.token);
  forwardCommit(s, { ...c, sender: n.me, tokenSeq: c.tokenSeq + 1, entries });
}

function forwardCommit(s: Step, c: CommitMessage): void {
  const pending = s.n.pending!;
  pending.tokenSeqLast = c.tokenSeq;
  pending.lastForwarded = c;
  if (successorOf(c.members, s.n.me) === s.n.me) return commitVisit(s, c); // a one-node ring
  sendToSuccessor(s, c.members, c);
  arm(s, "token_retransmit", s.n.config.token_retransmit);
}

/** Second rotation: enter RECOVERY; back at the representative, the first regular token starts. */
function commitVisit(s: Step, c: CommitMessage): void {
  const n = s.n;
  const pending = n.pending!;
  pending.tokenSeqLast = c.tokenSeq;
  cancel(s, "token_retransmit");
  arm(s, "token_loss", n.config.token);
  if (n.state === "commit" && c.entries.every((e) => e !== null)) {
    enterRecovery(s, c);
    forwardCommit(s, { ...c, sender: n.me, tokenSeq: c.tokenSeq + 1 });
  } else if (n.state === "recovery" && c.members[0] === n.me && !n.recovery!.firstTokenSent) {
    n.recovery!.firstTokenSent = true;
    visit(s, pending, {
      kind: "token", sender: n.me, ring: pending.id, tokenSeq: c.tokenSeq, seq: 0, aru: 0, aruId: 0, rtr: [], fcc: 0, backlog: 0, retransFlg: false,
    });
  }
}

/** Totem §3 recovery step 1-2: the transitional set and the old-ring messages to re-send. */
function enterRecovery(s: Step, c: CommitMessage): void {
  const n = s.n;
  const old = n.regular;
  assert(c.entries.length === c.members.length && c.members.includes(n.me), "the commit token has one entry per member, me included");
  const transitional: NodeId[] = [];
  let low = Infinity;
  let oldStable = 0;
  c.members.forEach((member, i) => {
    const entry = c.entries[i]!;
    if (entry.prevRing !== old.id) return;
    transitional.push(member);
    low = Math.min(low, entry.aru);
    oldStable = Math.max(oldStable, entry.stable, entry.highDelivered);
  });
  const resend = [...old.frames.values()]
    .filter((frame) => frame.seq > low && frame.old === null)
    .sort((a, b) => a.seq - b.seq)
    .map((frame) => ({ seq: frame.seq, origin: frame.origin, safe: frame.safe, parts: frame.parts }));
  assert(transitional.includes(n.me), "I came from my own old ring, so I am transitional");
  n.recovery = {
    transitional, resend, oldStable, resendIndex: 0, iSetRetransFlg: false, flagClearVisits: 0, installSeq: null, aruAtInstallVisits: 0,
    firstTokenSent: false,
  };
  setState(s, "recovery");
}

/** RECOVERY → OPERATIONAL: deliver per EVS and switch to the new ring. */
export function installNewRing(s: Step): void {
  const n = s.n;
  assert(n.state === "recovery" && n.pending !== null && n.recovery !== null, "a ring is installed only from RECOVERY");
  const old = n.regular;
  const ring = n.pending;
  const transitional = n.recovery.transitional;
  deliverInstallation(s, old, ring, transitional, n.recovery.oldStable);
  n.regular = ring;
  n.pending = null;
  n.recovery = null;
  n.gather = freshGather(ring.members, [], s.nowMs);
  setState(s, "operational");
  const joined = without(ring.members, old.members);
  const left = without(old.members, ring.members);
  log(s, "notice", `A new membership (${ring.id}) was formed. Members${joined.length ? ` joined: ${joined.join(" ")}` : ""}${left.length ? ` left: ${left.join(" ")}` : ""}`);
  deliverContiguous(s, ring);
}

/** corosync's FAILED TO RECEIVE: announce myself failed (so the others need not wait) and regroup. */
export function failToReceive(s: Step): void {
  const n = s.n;
  log(s, "warning", "FAILED TO RECEIVE: leaving the ring to regroup");
  sendJoin(s, true);
  startGather(s, "failed to receive");
  for (const node of n.regular.members) if (node !== n.me) n.gather.failSet.add(node);
  regather(s);
}

/** Clean leave: a join listing myself as failed lets the others skip token loss and consensus. */
export function leave(s: Step): void {
  const n = s.n;
  if (n.state === "operational") n.gather = freshGather(n.regular.members, [], s.nowMs);
  else if (n.pending !== null) for (const node of n.pending.members) n.gather.procSet.add(node);
  n.gather.procSet.add(n.me);
  sendJoin(s, true);
  for (const timer of [...n.timers.keys()]) cancel(s, timer);
  n.pending = null;
  n.recovery = null;
  setState(s, "left");
}

