import { test } from "node:test";
import assert from "node:assert/strict";
import {
  calculateQuorum, decodeQuorumMessage, encodeQuorumMessage, quorumOptions, type QuorumInput, type QuorumSettings, type QuorumState,
} from "../../src/quorum/index.js";
import { World } from "../../src/sim/index.js";
import { effectiveTotemConfig, nodeId, ringIdOf, type NodeId } from "../../src/totem/index.js";
import { seededRng } from "../../src/lib/rng.js";

// votequorum (votequorum(5); protocol brief §7).

/** A deliberately dumb calculator: count up to the smallest majority instead of using floor arithmetic. */
function dumbQuorate(i: QuorumInput): boolean {
  if (i.waitingForAll) return false;
  const expected = Math.max(i.expectedVotes, i.totalVotes);
  let quorum = 1;
  while (quorum * 2 <= expected) quorum++;
  if (i.twoNode && i.memberCount <= 2 && expected <= 2) quorum = 1;
  if (i.totalVotes >= quorum) return true;
  return i.autoTieBreaker && i.holdsTieBreaker && i.totalVotes + i.totalVotes === expected;
}

test("calculateQuorum agrees with a dumb calculator on every small case", () => {
  let cases = 0;
  for (let expectedVotes = 1; expectedVotes <= 12; expectedVotes++) {
    for (let totalVotes = 0; totalVotes <= 14; totalVotes++) {
      for (let flags = 0; flags < 16; flags++) {
        const input: QuorumInput = {
          expectedVotes, totalVotes, memberCount: Math.max(1, totalVotes), twoNode: (flags & 1) !== 0, waitingForAll: (flags & 2) !== 0,
          autoTieBreaker: (flags & 4) !== 0, holdsTieBreaker: (flags & 8) !== 0,
        };
        assert.equal(calculateQuorum(input).quorate, dumbQuorate(input), JSON.stringify(input));
        cases++;
      }
    }
  }
  assert.equal(cases, 12 * 15 * 16);
});

test("quorum options: two_node implies wait_for_all unless it is set to 0; contradictions are errors", () => {
  const two = quorumOptions({ two_node: true, expected_votes: 2 });
  assert.ok(two.ok && two.value.waitForAll);
  const off = quorumOptions({ two_node: true, expected_votes: 2, wait_for_all: false });
  assert.ok(off.ok && !off.value.waitForAll);
  const none = quorumOptions({});
  assert.ok(!none.ok && none.error[0]!.includes("expected_votes is required"));
  const bad = quorumOptions({ two_node: true, expected_votes: 3 });
  assert.ok(!bad.ok && bad.error[0]!.includes("two_node needs exactly 2"));
  const atb = quorumOptions({ auto_tie_breaker: true, expected_votes: 4 });
  assert.ok(!atb.ok && atb.error[0]!.includes("auto_tie_breaker needs a nodelist"));
  const list = quorumOptions({ nodelist: [{ nodeid: nodeId(1), votes: 2 }, { nodeid: nodeId(2), votes: 1 }] });
  assert.ok(list.ok && list.value.expectedVotes === 3);
});

function cluster(nodes: number, settings: QuorumSettings, start: readonly number[] = Array.from({ length: nodes }, (_, i) => i + 1)): World {
  const totem = effectiveTotemConfig({ token: 1000, token_coefficient: 0, consensus: 1200 }, nodes);
  const quorum = quorumOptions({ ...settings, nodelist: Array.from({ length: nodes }, (_, i) => ({ nodeid: nodeId(i + 1), votes: 1 })) });
  assert.ok(totem.ok && quorum.ok);
  const world = new World({ seed: 5, nodes, config: totem.value, quorum: quorum.value, faults: { lossRate: 0, duplicateRate: 0, delayMinMs: 0.05, delayMaxMs: 0.3 }, clockSkew: 0, wire: true });
  for (const id of start) world.start(world.node(nodeId(id)));
  world.runUntil(3000);
  return world;
}

const verdict = (world: World, id: number): QuorumState | undefined => world.checker.quorumOf(nodeId(id));
const quorate = (world: World, ...ids: number[]): boolean[] => ids.map((id) => verdict(world, id)?.quorate ?? false);
const later = (world: World, ms: number): void => world.runUntil(world.nowMs + ms);
const crash = (world: World, ...ids: number[]): void => ids.forEach((id) => world.crash(world.node(nodeId(id))));

test("two_node: both halves of a split stay quorate, and a node booting alone is not (wait_for_all)", () => {
  const world = cluster(2, { two_node: true });
  assert.deepEqual(quorate(world, 1, 2), [true, true]);
  world.groups = [0, 1];
  later(world, 4000);
  assert.deepEqual(quorate(world, 1, 2), [true, true]);
  assert.equal(verdict(world, 1)?.quorum, 1);
  const alone = cluster(2, { two_node: true }, [1]);
  assert.deepEqual(quorate(alone, 1), [false]);
  alone.start(alone.node(nodeId(2)));
  later(alone, 3000);
  assert.deepEqual(quorate(alone, 1, 2), [true, true]);
});

test("wait_for_all: not quorate until all votes were seen together, and again after quorum is lost", () => {
  const world = cluster(3, { wait_for_all: true }, [1, 2]);
  assert.deepEqual(quorate(world, 1, 2), [false, false], "2 of 3 votes but not all seen yet");
  world.start(world.node(nodeId(3)));
  later(world, 3000);
  assert.deepEqual(quorate(world, 1, 2, 3), [true, true, true]);
  crash(world, 3);
  later(world, 4000);
  assert.deepEqual(quorate(world, 1, 2), [true, true], "2 of 3 after all were seen");
  crash(world, 2);
  later(world, 4000);
  assert.deepEqual(quorate(world, 1), [false]);
  world.start(world.node(nodeId(2)));
  later(world, 4000);
  assert.deepEqual(quorate(world, 1, 2), [false, false], "wait_for_all re-armed when quorum was lost");
});

test("last_man_standing lowers expected votes after the window: 5 → 3 → 2 nodes stay quorate, 1 does not without auto_tie_breaker", () => {
  const world = cluster(5, { last_man_standing: true, last_man_standing_window: 2000, wait_for_all: true });
  assert.equal(verdict(world, 1)?.expectedVotes, 5);
  crash(world, 4, 5);
  later(world, 6000);
  assert.deepEqual([verdict(world, 1)?.quorate, verdict(world, 1)?.expectedVotes], [true, 3]);
  crash(world, 3);
  later(world, 6000);
  assert.deepEqual([verdict(world, 1)?.quorate, verdict(world, 1)?.expectedVotes], [true, 2]);
  crash(world, 2);
  later(world, 6000);
  assert.deepEqual([verdict(world, 1)?.quorate, verdict(world, 1)?.expectedVotes], [false, 2]);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("auto_tie_breaker decides an exact half: lowest, highest, or the first listed node", () => {
  const cases: Array<[QuorumSettings, boolean[]]> = [
    [{ auto_tie_breaker: true }, [true, true, false, false]],
    [{ auto_tie_breaker: true, auto_tie_breaker_node: "highest" }, [false, false, true, true]],
    [{ auto_tie_breaker: true, auto_tie_breaker_node: [nodeId(3), nodeId(1)] }, [false, false, true, true]],
    [{}, [false, false, false, false]],
  ];
  for (const [settings, expected] of cases) {
    const world = cluster(4, settings);
    world.groups = [0, 0, 1, 1];
    later(world, 4000);
    assert.deepEqual(quorate(world, 1, 2, 3, 4), expected, JSON.stringify(settings));
  }
});

test("quorum events carry the ring id and the vote counts", () => {
  const world = cluster(3, {});
  const ring = world.node(nodeId(2)).core!.status().totem.ring;
  const state = verdict(world, 2)!;
  assert.deepEqual([state.ring, state.quorate, state.expectedVotes, state.totalVotes, state.quorum, state.members], [ring, true, 3, 3, 2, [1, 2, 3] as NodeId[]]);
});

test("votequorum codec round-trips and never throws on garbage", () => {
  const info = { kind: "nodeinfo" as const, ring: ringIdOf(nodeId(1), 8), votes: 1, expectedVotes: 3, quorate: true, waitingForAll: false, seen: [nodeId(1), nodeId(2)], lms: { seq: 4, members: [nodeId(2)] } };
  const back = decodeQuorumMessage(encodeQuorumMessage(info));
  assert.ok(back.ok);
  assert.deepEqual(back.value, info);
  const rng = seededRng(0x9a);
  for (let i = 0; i < 5000; i++) {
    const bytes = Uint8Array.from({ length: rng.int(40) }, () => rng.int(256));
    const decoded = decodeQuorumMessage(bytes);
    if (!decoded.ok) assert.match(decoded.error, /^offset \d+: /);
  }
});

test("runtime expected votes (corosync-quorumtool -e): every member applies it; below the votes present or making the cluster inquorate is refused", () => {
  const world = cluster(5, {});
  const refusals: string[] = [];
  world.observers.push((_node, effect) => {
    if (effect.kind === "quorum_refused") refusals.push(effect.reason);
  });
  const expect = (id: number, votes: number): string[] => {
    const from = refusals.length;
    world.command(world.node(nodeId(id)), { kind: "quorum_expected", expectedVotes: votes });
    return refusals.slice(from);
  };
  assert.match(expect(1, 4)[0] ?? "", /below the 5 votes present/);
  crash(world, 4, 5);
  later(world, 4000);
  assert.deepEqual([verdict(world, 1)?.quorate, verdict(world, 1)?.expectedVotes, verdict(world, 1)?.quorum], [true, 5, 3]);
  assert.match(expect(2, 7)[0] ?? "", /would make the cluster inquorate \(quorum 4, 3 votes present\)/);
  assert.deepEqual(expect(2, 3), [], "accepted");
  later(world, 500);
  for (const id of [1, 2, 3]) assert.deepEqual([verdict(world, id)?.expectedVotes, verdict(world, id)?.quorum], [3, 2], `node ${id}`);
  crash(world, 3);
  later(world, 4000);
  assert.deepEqual(quorate(world, 1, 2), [true, true], "2 of the 3 expected");
  crash(world, 2);
  later(world, 4000);
  assert.deepEqual(quorate(world, 1), [false]);
  assert.deepEqual(expect(1, 1), [], "the last node may be made quorate by the administrator");
  later(world, 500);
  assert.deepEqual(quorate(world, 1), [true]);
  world.start(world.node(nodeId(2)));
  later(world, 4000);
  assert.deepEqual([verdict(world, 2)?.quorate, verdict(world, 2)?.expectedVotes], [false, 5], "a restarted node's configured expected votes are higher: the highest wins again (the safe side)");
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});
