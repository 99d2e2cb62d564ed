import { seededRng } from "../../src/lib/rng.js";
import { createMembershipStack, quorumOptions, type MembershipStack, type StackEffect } from "../../src/quorum/index.js";
import { decodeMessage, effectiveTotemConfig, encodeMessage, nodeId, type NodeId } from "../../src/totem/index.js";

/**
 * CPU cost of the protocol cores alone: N membership stacks in one process,
 * packets through the real codec, no network delay, every node multicasting
 * 64-byte payloads (raw totem, and CPG). Prints ordered deliveries per
 * second of CPU. Usage: node dist/bench/sim/core-throughput.js [nodes] [netmtu] [seconds]
 */
const nodes = Number(process.argv[2] ?? 3);
const netmtu = Number(process.argv[3] ?? 1500);
const seconds = Number(process.argv[4] ?? 3);
const totem = effectiveTotemConfig({ netmtu }, nodes);
const quorum = quorumOptions({ nodelist: Array.from({ length: nodes }, (_, i) => ({ nodeid: nodeId(i + 1), votes: 1 })) });
if (!totem.ok || !quorum.ok) throw new Error("bad bench configuration");
const rng = seededRng(7);
const stacks = new Map<NodeId, MembershipStack>();
for (let i = 1; i <= nodes; i++) stacks.set(nodeId(i), createMembershipStack({ nodeId: nodeId(i), totem: totem.value, ringSeq: 0, quorum: quorum.value }));
const inbox: Array<{ to: NodeId; bytes: Uint8Array }> = [];
let now = 0;
let delivered = 0;
const timers = new Map<string, number>();

function apply(id: NodeId, effects: StackEffect[]): void {
  for (const e of effects) {
    if (e.kind === "send") {
      const bytes = encodeMessage(e.msg);
      if (e.to === "all") for (const other of stacks.keys()) { if (other !== id) inbox.push({ to: other, bytes }); }
      else inbox.push({ to: e.to, bytes });
    } else if (e.kind === "deliver" || e.kind === "cpg_deliver") delivered++;
    else if (e.kind === "arm") timers.set(`${id}:${e.timer}`, e.atMs);
    else if (e.kind === "cancel") timers.delete(`${id}:${e.timer}`);
  }
}

for (const [id, stack] of stacks) apply(id, stack.step({ kind: "command", command: { kind: "start" } }, now, rng));
const payload = new Uint8Array(64);
let head = 0;
function pump(limit: number): void {
  for (let i = 0; i < limit && head < inbox.length; i++) {
    const packet = inbox[head++]!;
    const decoded = decodeMessage(packet.bytes);
    if (decoded.ok) apply(packet.to, stacks.get(packet.to)!.step({ kind: "recv", msg: decoded.value }, now, rng));
  }
}
for (let round = 0; round < 2000 && head < inbox.length; round++) { now += 1; pump(1000); }
for (const [id, stack] of stacks) apply(id, stack.step({ kind: "command", command: { kind: "cpg_join", group: "bench", pid: 1 } }, now, rng));
pump(100_000);
const start = performance.now();
const cpuStart = process.cpuUsage();
delivered = 0;
while (performance.now() - start < seconds * 1000) {
  for (const [id, stack] of stacks) {
    for (let k = 0; k < 200 && stack.queueSpace() > 1000; k++) {
      const command = k % 2 === 0 ? { kind: "multicast" as const, payload } : { kind: "cpg_mcast" as const, group: "bench", pid: 1, payload };
      apply(id, stack.step({ kind: "command", command }, now, rng));
    }
  }
  now += 0.1;
  pump(5000);
  if (head > 100_000) { inbox.splice(0, head); head = 0; }
}
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const wallSeconds = (performance.now() - start) / 1000;
process.stdout.write(`${nodes} cores in one process, netmtu ${netmtu}: ${Math.round(delivered / cpuSeconds)} deliveries per CPU second ` +
  `(each message is delivered on all ${nodes} nodes: ${Math.round(delivered / nodes / cpuSeconds)} messages per CPU second; ` +
  `${Math.round(delivered / nodes / wallSeconds)} per wall second)\n`);
