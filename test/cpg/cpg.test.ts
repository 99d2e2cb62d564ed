import { test } from "node:test";
import assert from "node:assert/strict";
import { CPG_REASON_CODES, decodeCpgMessage, encodeCpgMessage, type CpgChange } from "../../src/cpg/index.js";
import { createMembershipStack, quorumOptions, type StackEffect } from "../../src/quorum/index.js";
import { World } from "../../src/sim/index.js";
import { effectiveTotemConfig, nodeId, ringIdOf, type NodeId } from "../../src/totem/index.js";
import { seededRng } from "../../src/lib/rng.js";

// CPG on totem (protocol brief §6; corosync's cpg.h semantics).

function cluster(nodes: number): { world: World; seen: Array<{ node: NodeId; effect: StackEffect }> } {
  const totem = effectiveTotemConfig({ token: 1000, token_coefficient: 0, consensus: 1200 }, nodes);
  const quorum = quorumOptions({ nodelist: Array.from({ length: nodes }, (_, i) => ({ nodeid: nodeId(i + 1), votes: 1 })) });
  assert.ok(totem.ok && quorum.ok);
  const world = new World({ seed: 3, nodes, config: totem.value, quorum: quorum.value, faults: { lossRate: 0, duplicateRate: 0, delayMinMs: 0.05, delayMaxMs: 0.3 }, clockSkew: 0, wire: true });
  const seen: Array<{ node: NodeId; effect: StackEffect }> = [];
  world.observers.push((node, effect) => seen.push({ node, effect }));
  for (const node of world.nodes) world.start(node);
  world.runUntil(2000);
  return { world, seen };
}

const n = nodeId;
const changes = (seen: Array<{ node: NodeId; effect: StackEffect }>, node: NodeId, from = 0): Array<{ members: string; joined: CpgChange[]; left: CpgChange[] }> =>
  seen.slice(from).flatMap((s) => (s.node === node && s.effect.kind === "cpg_confchg"
    ? [{ members: s.effect.members.map((m) => `${m.nodeid}:${m.pid}`).join(" "), joined: [...s.effect.joined], left: [...s.effect.left] }] : []));

test("joins are seen by every member in the same order, with reason JOIN (brief §6: joins are totem messages)", () => {
  const { world, seen } = cluster(3);
  world.command(world.node(n(1)), { kind: "cpg_join", group: "crmd", pid: 10 });
  world.command(world.node(n(2)), { kind: "cpg_join", group: "crmd", pid: 20 });
  world.command(world.node(n(3)), { kind: "cpg_join", group: "crmd", pid: 30 });
  world.runUntil(world.nowMs + 500);
  const last = changes(seen, n(1)).at(-1)!;
  assert.equal(last.members, "1:10 2:20 3:30");
  for (const node of [n(1), n(2), n(3)]) assert.equal(changes(seen, node).at(-1)!.members, "1:10 2:20 3:30");
  const node1 = changes(seen, n(1));
  assert.deepEqual(node1.map((c) => c.joined.map((j) => `${j.nodeid}:${j.pid}:${j.reason}`).join()), ["1:10:join", "2:20:join", "3:30:join"]);
  assert.equal(CPG_REASON_CODES.join, 1);
});

test("group messages reach every member in one total order; non-members get nothing", () => {
  const { world, seen } = cluster(3);
  for (const node of [n(1), n(2)]) world.command(world.node(node), { kind: "cpg_join", group: "g", pid: 7 });
  world.runUntil(world.nowMs + 300);
  for (let i = 0; i < 50; i++) world.command(world.node(n(1 + (i % 3))), { kind: "cpg_mcast", group: "g", pid: 7, payload: new Uint8Array([i]) });
  world.runUntil(world.nowMs + 1000);
  const order = (node: NodeId): string => seen.flatMap((s) => (s.node === node && s.effect.kind === "cpg_deliver" ? [`${s.effect.from.nodeid}:${s.effect.payload[0]}`] : [])).join(" ");
  assert.equal(order(n(1)).split(" ").length, 50);
  assert.equal(order(n(1)), order(n(2)));
  assert.equal(order(n(3)), "");
});

test("leave and a vanished client give LEAVE and PROCDOWN", () => {
  const { world, seen } = cluster(2);
  world.command(world.node(n(1)), { kind: "cpg_join", group: "g", pid: 1 });
  world.command(world.node(n(2)), { kind: "cpg_join", group: "g", pid: 2 });
  world.command(world.node(n(2)), { kind: "cpg_join", group: "g", pid: 3 });
  world.runUntil(world.nowMs + 300);
  const from = seen.length;
  world.command(world.node(n(2)), { kind: "cpg_leave", group: "g", pid: 2 });
  world.command(world.node(n(2)), { kind: "procdown", pid: 3 });
  world.runUntil(world.nowMs + 300);
  const left = changes(seen, n(1), from).flatMap((c) => c.left.map((l) => `${l.nodeid}:${l.pid}:${l.reason}`));
  assert.deepEqual(left, ["2:2:leave", "2:3:procdown"]);
  assert.equal(changes(seen, n(1), from).at(-1)!.members, "1:1");
});

test("members on a crashed node leave with NODEDOWN; on a rejoining node they come back with NODEUP (brief §6 sync)", () => {
  const { world, seen } = cluster(3);
  for (const node of [n(1), n(2), n(3)]) world.command(world.node(node), { kind: "cpg_join", group: "g", pid: 5 });
  world.runUntil(world.nowMs + 300);
  let from = seen.length;
  world.groups = [0, 0, 1];
  world.runUntil(world.nowMs + 4000);
  assert.deepEqual(changes(seen, n(1), from).flatMap((c) => c.left.map((l) => `${l.nodeid}:${l.reason}`)), ["3:nodedown"]);
  assert.deepEqual(changes(seen, n(3), from).flatMap((c) => c.left.map((l) => `${l.nodeid}:${l.reason}`)).sort(), ["1:nodedown", "2:nodedown"]);
  from = seen.length;
  world.groups = [0, 0, 0];
  world.runUntil(world.nowMs + 4000);
  assert.deepEqual(changes(seen, n(1), from).flatMap((c) => c.joined.map((j) => `${j.nodeid}:${j.reason}`)), ["3:nodeup"]);
  for (const node of [n(1), n(2), n(3)]) assert.equal(changes(seen, node).at(-1)!.members, "1:5 2:5 3:5");
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("bad group names and pids are refused with a reason, and change nothing", () => {
  const { world, seen } = cluster(1);
  world.command(world.node(n(1)), { kind: "cpg_join", group: "x".repeat(129), pid: 1 });
  world.command(world.node(n(1)), { kind: "cpg_join", group: "", pid: 1 });
  world.command(world.node(n(1)), { kind: "cpg_join", group: "ok", pid: 0 });
  world.command(world.node(n(1)), { kind: "cpg_mcast", group: "ok", pid: 1, payload: new Uint8Array(2 * 1024 * 1024) });
  world.runUntil(world.nowMs + 300);
  const rejected = seen.flatMap((s) => (s.effect.kind === "cpg_rejected" ? [s.effect.reason] : []));
  assert.equal(rejected.length, 4);
  assert.match(rejected[3]!, /message of 2097152 bytes exceeds/);
  assert.match(rejected[0]!, /1\.\.128 bytes \(got 129\)/);
  assert.match(rejected[2]!, /pid must be a positive/);
  assert.deepEqual(world.node(n(1)).core!.status().groups, []);
});

test("CPG codec: every kind round-trips; random and mutated bytes never throw", () => {
  const samples = [
    { kind: "join" as const, group: "grp", pid: 4 },
    { kind: "leave" as const, group: "grp", pid: 4, reason: "procdown" as const },
    { kind: "mcast" as const, group: "grüppe", pid: 9, payload: new Uint8Array([1, 2, 3]) },
    { kind: "sync" as const, ring: ringIdOf(n(2), 44), groups: [{ group: "a", pids: [1, 2] }, { group: "b", pids: [] }] },
  ];
  for (const msg of samples) {
    const decoded = decodeCpgMessage(encodeCpgMessage(msg));
    assert.ok(decoded.ok);
    assert.deepEqual(JSON.stringify(decoded.value, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)), JSON.stringify(msg, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
  }
  const rng = seededRng(0xc9);
  for (let i = 0; i < 5000; i++) {
    const base = encodeCpgMessage(samples[rng.int(samples.length)]!);
    const bytes = Uint8Array.from(base);
    bytes[rng.int(bytes.length)] = rng.int(256);
    const cut = i % 3 === 0 ? bytes.subarray(0, rng.int(bytes.length)) : bytes;
    const decoded = decodeCpgMessage(cut);
    if (!decoded.ok) assert.match(decoded.error, /^offset \d+: /, `seed 0xc9 iteration ${i}`);
  }
});

test("a client that vanishes right after joining still leaves (its leave follows the join in total order)", () => {
  const { world, seen } = cluster(2);
  world.command(world.node(n(2)), { kind: "cpg_join", group: "watch", pid: 1 });
  world.runUntil(world.nowMs + 300);
  const from = seen.length;
  world.command(world.node(n(1)), { kind: "cpg_join", group: "watch", pid: 9 });
  world.command(world.node(n(1)), { kind: "procdown", pid: 9 });
  world.runUntil(world.nowMs + 300);
  const seenBy2 = changes(seen, n(2), from).map((c) => c.members);
  assert.deepEqual(seenBy2, ["1:9 2:1", "2:1"]);
  assert.deepEqual(changes(seen, n(2), from)[1]!.left.map((l) => l.reason), ["procdown"]);
});

test("a full send queue refuses CPG messages with 'try again' but keeps room for sync (CS_ERR_TRY_AGAIN)", () => {
  const totem = effectiveTotemConfig({}, 1);
  assert.ok(totem.ok);
  const stack = createMembershipStack({ nodeId: n(1), totem: totem.value, ringSeq: 0, quorum: null }); // not started: nothing drains the queue
  const rng = seededRng(1);
  const payload = new Uint8Array(1);
  for (let room = stack.queueSpace(); room > 64; room--) stack.step({ kind: "command", command: { kind: "multicast", payload } }, 0, rng);
  const effects = stack.step({ kind: "command", command: { kind: "cpg_mcast", group: "g", pid: 1, payload } }, 0, rng);
  assert.deepEqual(effects.map((e) => (e.kind === "cpg_rejected" ? e.reason : e.kind)), ["try again: the send queue is full"]);
  assert.equal(stack.queueSpace(), 64, "the reserve is still free for sync messages");
});

test("flow control: a burst beyond about one token visit gets 'try again', the accepted part is delivered within a few rotations, then the queue admits again", () => {
  const { world, seen } = cluster(3);
  for (const node of [n(1), n(2)]) world.command(world.node(node), { kind: "cpg_join", group: "fc", pid: 5 });
  world.runUntil(world.nowMs + 300);
  const payload = new Uint8Array(64);
  const from = seen.length;
  for (let i = 0; i < 5000; i++) world.command(world.node(n(1)), { kind: "cpg_mcast", group: "fc", pid: 5, payload });
  const burst = seen.slice(from);
  const refused = burst.filter((s) => s.effect.kind === "cpg_rejected" && /try again/.test(s.effect.reason)).length;
  const accepted = 5000 - refused;
  // max_messages (17) frames of 1452 bytes hold a few hundred 64-byte messages (with CPG headers).
  assert.ok(accepted >= 200 && accepted <= 400, `accepted ${accepted}: about one visit's worth`);
  const began = world.nowMs;
  world.runUntil(world.nowMs + 100);
  const delivered = seen.slice(from).filter((s) => s.node === n(2) && s.effect.kind === "cpg_deliver").length;
  assert.equal(delivered, accepted, `everything accepted is delivered within ${world.nowMs - began} ms`);
  const again = seen.length;
  world.command(world.node(n(1)), { kind: "cpg_mcast", group: "fc", pid: 5, payload });
  assert.ok(!seen.slice(again).some((s) => s.effect.kind === "cpg_rejected"), "the drained queue admits new messages");
});

test("1 KiB messages fill whole frames (fragments, as corosync's totempg packs) and arrive intact and in order", () => {
  const { world, seen } = cluster(3);
  for (const node of [n(1), n(3)]) world.command(world.node(node), { kind: "cpg_join", group: "big", pid: 5 });
  world.runUntil(world.nowMs + 300);
  const from = seen.length;
  const count = 100;
  for (let i = 0; i < count; i++) {
    const mark = seen.length;
    world.command(world.node(n(1)), { kind: "cpg_mcast", group: "big", pid: 5, payload: new Uint8Array(1024).fill(i) });
    if (seen.slice(mark).some((s) => s.effect.kind === "cpg_rejected")) {
      world.runUntil(world.nowMs + 5); // try again, as a client does
      i--;
    }
  }
  world.runUntil(world.nowMs + 500);
  const frames = seen.slice(from).flatMap((s) => (s.node === n(1) && s.effect.kind === "send" && s.effect.msg.kind === "mcast" ? s.effect.msg.frames : []));
  const got = seen.slice(from).flatMap((s) => (s.node === n(3) && s.effect.kind === "cpg_deliver" ? [s.effect.payload] : []));
  assert.equal(got.length, count);
  got.forEach((p, i) => assert.ok(p.byteLength === 1024 && p.every((b) => b === i), `message ${i} intact and in order`));
  const perFrame = count / frames.length;
  assert.ok(perFrame > 1.2, `${perFrame.toFixed(2)} messages per 1500-byte frame (1.0 without fragment packing)`);
});
