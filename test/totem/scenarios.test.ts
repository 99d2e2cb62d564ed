import { test } from "node:test";
import assert from "node:assert/strict";
import { quorumOptions, type StackEffect } from "../../src/quorum/index.js";
import { World } from "../../src/sim/index.js";
import { effectiveTotemConfig, nodeId, ringSeq, type NodeId, type TotemSettings } from "../../src/totem/index.js";

// Scripted scenarios on the simulator (clean network unless stated). Each cites
// the Totem paper (Amir et al., TOCS 1995) or the protocol brief section it checks.

const CLEAN = { lossRate: 0, duplicateRate: 0, delayMinMs: 0.05, delayMaxMs: 0.3 };

interface Seen {
  node: NodeId;
  effect: StackEffect;
  atMs: number;
}

function cluster(nodes: number, settings: TotemSettings = {}, faults = CLEAN, seed = 1): { world: World; seen: Seen[] } {
  const totem = effectiveTotemConfig(settings, nodes);
  const quorum = quorumOptions({ nodelist: Array.from({ length: nodes }, (_, i) => ({ nodeid: nodeId(i + 1), votes: 1 })) });
  assert.ok(totem.ok && quorum.ok);
  const world = new World({ seed, nodes, config: totem.value, quorum: quorum.value, faults, clockSkew: 0, wire: true });
  const seen: Seen[] = [];
  world.observers.push((node, effect, atMs) => seen.push({ node, effect, atMs }));
  for (const node of world.nodes) world.start(node);
  return { world, seen };
}

function regularRings(seen: Seen[], node: NodeId): Array<{ ring: string; members: readonly NodeId[]; atMs: number }> {
  return seen.flatMap((s) => (s.node === node && s.effect.kind === "configuration" && s.effect.change.kind === "regular"
    ? [{ ring: s.effect.change.ring, members: s.effect.change.members, atMs: s.atMs }] : []));
}

function oneRing(world: World): string {
  const rings = new Set(world.live().map((n) => `${n.core!.status().totem.state} ${n.core!.status().totem.ring} ${n.core!.status().totem.members.join(",")}`));
  assert.equal(rings.size, 1, [...rings].join(" | "));
  return [...rings][0]!;
}

const ids = (...n: number[]): NodeId[] => n.map(nodeId);

/** Each survivor installed exactly one new ring, of the survivors, within `withinMs` of the event. */
function assertOneNewRing(seen: Seen[], survivors: NodeId[], afterMs: number, withinMs: number): void {
  for (const survivor of survivors) {
    const formed = regularRings(seen, survivor).filter((r) => r.atMs > afterMs);
    assert.equal(formed.length, 1, `node ${survivor} installed exactly one new ring`);
    assert.deepEqual(formed[0]!.members, survivors);
    const tookMs = Math.round(formed[0]!.atMs - afterMs);
    assert.ok(tookMs <= withinMs, `node ${survivor}: new ring ${tookMs} ms after the event (bound ${withinMs} ms)`);
  }
}

test("nodes started together form one ring of all of them (Totem §4 membership, brief §3)", () => {
  const { world } = cluster(5);
  world.runUntil(2000);
  assert.match(oneRing(world), /^operational \S+ 1,2,3,4,5$/);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("a crashed node is excluded after token + consensus; survivors agree on the transitional configuration (brief §3 consensus, EVS 1)", () => {
  const { world, seen } = cluster(3, { token: 1000, token_coefficient: 0, consensus: 1200, fail_silent: 0 });
  world.runUntil(2000);
  const crashAt = world.nowMs;
  world.crash(world.node(nodeId(3)));
  world.runUntil(crashAt + 4000);
  assertOneNewRing(seen, ids(1, 2), crashAt, 1000 + 1200 + 100);
  const transitional = seen.filter((s) => s.atMs > crashAt && s.effect.kind === "configuration" && s.effect.change.kind === "transitional");
  assert.equal(transitional.length, 2);
  for (const t of transitional) if (t.effect.kind === "configuration") assert.deepEqual([t.effect.change.members, t.effect.change.left], [ids(1, 2), ids(3)]);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("fail_silent: a crash is handled within token + 500 ms at corosync's 3-node defaults (docs: Membership and messaging)", () => {
  const { world, seen } = cluster(3, {});
  world.runUntil(5000);
  const crashAt = world.nowMs;
  world.crash(world.node(nodeId(2)));
  world.runUntil(crashAt + 10_000);
  assertOneNewRing(seen, ids(1, 3), crashAt, 3650 + 500);
});

test("a clean leave is handled without waiting for token loss or consensus (brief §3: join listing itself as failed)", () => {
  const { world, seen } = cluster(3, {});
  world.runUntil(5000);
  const leaveAt = world.nowMs;
  world.leave(world.node(nodeId(1)));
  world.runUntil(leaveAt + 1000);
  assertOneNewRing(seen, ids(2, 3), leaveAt, 100);
});

test("a restarted node rejoins and ring seqs keep growing across restarts (brief §1: persisted ring seq)", () => {
  const { world, seen } = cluster(3, { token: 1000, token_coefficient: 0, consensus: 1200 });
  world.runUntil(2000);
  const node3 = world.node(nodeId(3));
  const before = ringSeq(regularRings(seen, nodeId(3)).at(-1)!.ring as never);
  world.crash(node3);
  world.runUntil(world.nowMs + 3000);
  world.start(node3);
  world.runUntil(world.nowMs + 3000);
  assert.match(oneRing(world), / 1,2,3$/);
  const after = regularRings(seen, nodeId(3)).at(-1)!;
  assert.ok(ringSeq(after.ring as never) > before, `ring seq ${ringSeq(after.ring as never)} after restart > ${before}`);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("a 3/2 partition leaves only the majority quorate; after the heal one quorate ring forms (brief §7, §5.8-9)", () => {
  const { world, seen } = cluster(5, { token: 1000, token_coefficient: 0, consensus: 1200 });
  world.runUntil(2000);
  world.groups = [0, 0, 0, 1, 1];
  world.runUntil(world.nowMs + 5000);
  const verdicts = world.nodes.map((n) => world.checker.quorumOf(n.id));
  assert.deepEqual(verdicts.map((v) => v?.quorate), [true, true, true, false, false]);
  assert.deepEqual(verdicts.map((v) => v?.members.length), [3, 3, 3, 2, 2]);
  world.groups = [0, 0, 0, 0, 0];
  const healAt = world.nowMs;
  world.runUntil(healAt + 1000 + 2 * 1200 + 10 * 50);
  assert.match(oneRing(world), / 1,2,3,4,5$/);
  assert.ok(world.nodes.every((n) => world.checker.quorumOf(n.id)?.quorate === true));
  assert.ok(seen.some((s) => s.effect.kind === "quorum" && s.effect.changed && s.node === nodeId(4)), "node 4 was told when it regained quorum");
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("an idle ring holds the token and stays stable: no configuration change and few token passes (brief §2 idle ring)", () => {
  const { world, seen } = cluster(3, {});
  world.runUntil(5000);
  const from = seen.length;
  world.runUntil(65_000);
  const later = seen.slice(from);
  assert.equal(later.filter((s) => s.effect.kind === "configuration").length, 0);
  const tokens = later.filter((s) => s.effect.kind === "send" && s.effect.msg.kind === "token").length;
  assert.ok(tokens < 3 * (60_000 / 685) + 30, `${tokens} token passes in 60 s of idle (hold 685 ms per rotation)`);
});

test("5% packet loss with steady traffic causes no membership change (brief §5.8)", () => {
  const { world, seen } = cluster(3, {}, { ...CLEAN, lossRate: 0.05 }, 7);
  world.runUntil(5000);
  const from = seen.length;
  for (let i = 0; i < 2000; i++) world.at(i * 10, () => world.submit(world.node(nodeId(1 + (i % 3))), 64));
  world.runUntil(world.nowMs + 30_000);
  assert.equal(seen.slice(from).filter((s) => s.effect.kind === "configuration").length, 0);
  const delivered = seen.slice(from).filter((s) => s.effect.kind === "deliver").length;
  assert.equal(delivered, 3 * 2000, "every message reached every node");
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("flow control: one token visit sends at most max_messages new frames (brief §2 flow control)", () => {
  const { world, seen } = cluster(3, { max_messages: 5, window_size: 10, netmtu: 200 });
  world.runUntil(2000);
  const from = seen.length;
  for (let i = 0; i < 300; i++) world.submit(world.node(nodeId(1)), 150);
  world.runUntil(world.nowMs + 2000);
  const mcasts = seen.slice(from).flatMap((s) => (s.effect.kind === "send" && s.effect.msg.kind === "mcast" && s.node === nodeId(1) ? [s.effect.msg.frames.length] : []));
  assert.ok(mcasts.length >= 300 / 5, `${mcasts.length} multicasts`);
  assert.ok(mcasts.every((frames) => frames <= 5), `frames per visit: ${mcasts.join(",")}`);
  assert.equal(seen.slice(from).filter((s) => s.effect.kind === "deliver").length, 3 * 300);
});

test("payloads larger than a frame are fragmented and delivered whole (1 MiB limit)", () => {
  const { world, seen } = cluster(2, { netmtu: 600 });
  world.runUntil(2000);
  world.submit(world.node(nodeId(2)), 100_000);
  world.runUntil(world.nowMs + 3000);
  const sizes = seen.flatMap((s) => (s.effect.kind === "deliver" ? [s.effect.payload.byteLength] : []));
  assert.deepEqual(sizes, [100_012, 100_012]);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("failure to receive: a node that gets tokens but never messages leaves the ring and the others carry on (corosync fail_recv_const)", () => {
  const { world, seen } = cluster(3, { token: 1000, token_coefficient: 0, consensus: 1200, fail_recv_const: 20 });
  world.runUntil(2000);
  const from = seen.length;
  world.dropIf = (_from, to, msg) => to === nodeId(3) && msg.kind === "mcast";
  for (let i = 0; i < 200; i++) world.at(i * 20, () => world.submit(world.node(nodeId(1)), 32));
  world.runUntil(world.nowMs + 8000);
  const logs = seen.slice(from).flatMap((s) => (s.effect.kind === "log" ? [`${s.node}: ${s.effect.message}`] : []));
  assert.ok(logs.some((line) => line.startsWith("3: FAILED TO RECEIVE")), logs.join("\n"));
  assert.deepEqual(world.node(nodeId(1)).core!.status().totem.members, ids(1, 2));
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("an asymmetric link is damped: the majority ring changes about once per consensus, not every merge period (brief pitfall 3)", () => {
  const { world, seen } = cluster(3, { token: 1000, token_coefficient: 0, consensus: 1200 });
  world.runUntil(3000);
  world.blocked.add("3>1"); // 1 never hears 3; 3 and 2 hear everyone
  const from = seen.length;
  world.runUntil(world.nowMs + 60_000);
  const changes = seen.slice(from).filter((s) => s.node === nodeId(1) && s.effect.kind === "configuration" && s.effect.change.kind === "regular").length;
  assert.ok(changes <= 60_000 / 1200 + 5, `node 1 installed ${changes} rings in a minute (undamped: about 280)`);
  assert.equal(world.checker.quorumOf(nodeId(1))?.quorate, true);
  world.blocked.clear();
  world.runUntil(world.nowMs + 1000 + 2 * 1200 + 10 * 50);
  assert.match(oneRing(world), / 1,2,3$/);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("a node that was not scheduled for most of a token timeout says so (brief pitfall 1)", () => {
  const { world, seen } = cluster(2, { token: 1000, token_coefficient: 0, consensus: 1200 });
  world.runUntil(2000);
  const quiet = seen.filter((s) => s.effect.kind === "log" && s.effect.level === "warning").length;
  assert.equal(quiet, 0, "no warning while every node runs");
  const core = world.node(nodeId(1)).core!;
  const effects = core.step({ kind: "timer", timer: "join" }, world.localNow(world.node(nodeId(1))) + 900, { next: () => 0, int: () => 0 });
  assert.ok(effects.some((e) => e.kind === "log" && /not scheduled for 9\d\d ms \(threshold 750 ms\)/.test(e.message)));
});

test("safe delivery waits until every member holds the message; agreed delivery does not (brief §1, EVS 6)", () => {
  const { world, seen } = cluster(3, { token: 1000, token_coefficient: 0, consensus: 1200, fail_recv_const: 100_000 });
  world.runUntil(2000);
  world.dropIf = (_from, to, msg) => to === nodeId(3) && msg.kind === "mcast";
  const from = seen.length;
  world.submit(world.node(nodeId(1)), 8, true);
  world.runUntil(world.nowMs + 300);
  const delivered = (): NodeId[] => seen.slice(from).flatMap((s) => (s.effect.kind === "deliver" ? [s.node] : []));
  assert.deepEqual(delivered(), [], "nobody delivers a safe message that node 3 lacks");
  world.dropIf = null; // node 3's retransmission request can now be served
  world.runUntil(world.nowMs + 1000);
  assert.deepEqual(delivered().sort(), ids(1, 2, 3));
  world.dropIf = (_from, to, msg) => to === nodeId(3) && msg.kind === "mcast";
  const agreedFrom = seen.length;
  world.submit(world.node(nodeId(1)), 8, false);
  world.runUntil(world.nowMs + 300);
  assert.deepEqual(seen.slice(agreedFrom).flatMap((s) => (s.effect.kind === "deliver" ? [s.node] : [])).sort(), ids(1, 2), "agreed delivery does not wait for node 3");
});

test("32 nodes (corosync's supported maximum) form one ring, stay stable under light loss, and survive a crash", () => {
  const { world, seen } = cluster(32, {}, { ...CLEAN, lossRate: 0.001, delayMaxMs: 1 }, 11);
  world.runUntil(15_000);
  assert.match(oneRing(world), /^operational \S+ 1,2,3,.*,32$/);
  const from = seen.length;
  for (let i = 0; i < 1000; i++) world.at(i * 30, () => world.submit(world.node(nodeId(1 + (i % 32))), 64));
  world.runUntil(world.nowMs + 60_000);
  assert.equal(seen.slice(from).filter((s) => s.effect.kind === "configuration").length, 0, "no configuration change in a minute");
  const crashAt = world.nowMs;
  world.crash(world.node(nodeId(17)));
  world.runUntil(crashAt + 30_000);
  const token = 3000 + 30 * 650;
  assertOneNewRing(seen, world.live().map((n) => n.id), crashAt, token + 500);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});

test("32 nodes started over 6 s form one ring of all of them; join re-sends back off while sets are unchanged (brief pitfall 5)", () => {
  const totem = effectiveTotemConfig({ token: 3000, token_coefficient: 0 }, 32);
  const quorum = quorumOptions({ nodelist: Array.from({ length: 32 }, (_, i) => ({ nodeid: nodeId(i + 1), votes: 1 })) });
  assert.ok(totem.ok && quorum.ok);
  assert.equal(totem.value.fail_silent, 50 * (4 + 27), "fail_silent grows by one join period per node beyond 5");
  const world = new World({ seed: 32, nodes: 32, config: totem.value, quorum: quorum.value, faults: CLEAN, clockSkew: 0, wire: false });
  let joins = 0;
  world.observers.push((_node, effect) => {
    if (effect.kind === "send" && effect.msg.kind === "join") joins++;
  });
  for (const node of world.nodes) world.at(world.rng.int(6000), () => world.start(node));
  let formedAt: number | undefined;
  for (let t = 1000; t <= 60_000 && formedAt === undefined; t += 500) {
    world.runUntil(t);
    const rings = new Set(world.live().map((n) => `${n.core!.status().totem.state} ${n.core!.status().totem.members.length}`));
    if (world.live().length === 32 && rings.size === 1 && rings.has("operational 32")) formedAt = t;
  }
  assert.ok(formedAt !== undefined, "one ring of 32 within 60 s");
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
  // Re-sending every 50 ms for as long as the gathering took would cost 32 × formedAt / 50 joins at least.
  assert.ok(joins < (32 * formedAt) / 50 / 2, `${joins} joins in ${formedAt} ms`);
});

test("fail_silent: a node that hears no other member fails nobody by it (the silence is its own); the others exclude it quickly", () => {
  const { world, seen } = cluster(3, {});
  world.runUntil(5000);
  const cutAt = world.nowMs;
  world.groups = [1, 0, 0];
  world.runUntil(cutAt + 15_000);
  assertOneNewRing(seen, ids(2, 3), cutAt, 3650 + 500);
  const alone = regularRings(seen, nodeId(1)).filter((r) => r.atMs > cutAt);
  assert.deepEqual(alone.map((r) => r.members), [ids(1)]);
  assert.ok(alone[0]!.atMs - cutAt > 3650 + 4380 - 1000, `node 1 formed its own ring only after consensus (${Math.round(alone[0]!.atMs - cutAt)} ms)`);
  assert.equal(world.checker.violations.length, 0, world.checker.violations.join("\n"));
});
