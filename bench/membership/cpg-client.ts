import { QuorateClient } from "../../src/node/ipc/client.js";

/**
 * One CPG load client (a separate process, as an upper layer would be): joins
 * "qbench" on the node at RUN_DIR, waits for MEMBERS members, then multicasts
 * SIZE-byte messages for SECONDS with a bounded number in flight, counting
 * ordered deliveries and its own messages' latency. Prints one JSON line.
 */
const [runDir, membersArg, sizeArg, secondsArg] = process.argv.slice(2);
const wanted = Number(membersArg), size = Number(sizeArg), seconds = Number(secondsArg);
const inFlightMax = 64;

const client = await QuorateClient.connect(runDir!);
let members = 0;
let counting = false;
let delivered = 0;
const latencies: number[] = [];
await client.cpgJoin("qbench", {
  deliver: (from, data) => {
    if (!counting) return;
    delivered++;
    if (from.pid === process.pid && data.length >= 8) latencies.push(performance.now() - data.readDoubleLE(0));
  },
  confchg: (view) => {
    members = view.members.length;
  },
});
const joinDeadline = performance.now() + 30_000;
while (members < wanted && performance.now() < joinDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
counting = true;
const began = performance.now();
const end = began + seconds * 1000;
let sent = 0;
let inFlight = 0;
let backoff = false;
await new Promise<void>((resolve) => {
  const pump = () => {
    while (inFlight < inFlightMax && !backoff && performance.now() < end) {
      const payload = Buffer.alloc(Math.max(8, size));
      payload.writeDoubleLE(performance.now(), 0);
      inFlight++;
      client.cpgMcast("qbench", payload).then(() => {
        sent++;
      }, () => {
        backoff = true; // "try again" (flow control): retry after 1 ms, as cpgload does with poll()
        setTimeout(() => { backoff = false; pump(); }, 1);
      }).finally(() => {
        inFlight--;
        pump();
      });
    }
    if (performance.now() >= end && inFlight === 0) resolve();
  };
  pump();
});
const elapsedS = (performance.now() - began) / 1000;
latencies.sort((a, b) => a - b);
const pick = (q: number) => (latencies.length === 0 ? 0 : Math.round(latencies[Math.floor(latencies.length * q)]! * 1000));
process.stdout.write(`${JSON.stringify({ sent, delivered, seconds: elapsedS, deliveries_per_s: Math.round(delivered / elapsedS), latency_p50_us: pick(0.5), latency_p99_us: pick(0.99) })}\n`);
client.close();
