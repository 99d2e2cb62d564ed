import { test } from "node:test";
import assert from "node:assert/strict";
import { runSimulation } from "../../src/sim/run.js";

// Protocol brief §5: every invariant is checked after every simulator step, then
// a liveness phase heals the network. A fixed seed set keeps CI reproducible;
// a failure names the command that replays it.
function runSeeds(nodes: number, seeds: readonly number[], steps: number): void {
  const failures: string[] = [];
  for (const seed of seeds) {
    const report = runSimulation({ seed, nodes, steps });
    if (!report.ok) {
      failures.push(`${report.violation}\n  ${report.description}\n  seed=0x${seed.toString(16)} reproduce: quorate sim --seed 0x${seed.toString(16)} --nodes ${nodes} --steps ${steps}`);
    }
  }
  assert.deepEqual(failures, []);
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

test("simulated 3-node clusters keep total order, EVS, integrity, quorum and CPG agreement under faults, then re-form one quorate ring", () => {
  runSeeds(3, range(1, 100), 6000);
});

test("simulated 5-node clusters keep the invariants under partitions, crashes and asymmetric links", () => {
  runSeeds(5, range(1001, 50), 6000);
});

test("simulated 4-node clusters keep quorum safe with auto_tie_breaker and last_man_standing", () => {
  runSeeds(4, range(4001, 30), 6000);
});

test("simulated 2-node (two_node) and 1-node clusters keep the invariants", () => {
  runSeeds(2, range(2001, 30), 4000);
  runSeeds(1, range(3001, 20), 2000);
});

test("a seed replays exactly", () => {
  const a = runSimulation({ seed: 0xbeef, nodes: 4, steps: 5000 });
  const b = runSimulation({ seed: 0xbeef, nodes: 4, steps: 5000 });
  assert.deepEqual(a, b);
  assert.ok(a.deliveries > 0 && a.configurations > 0, "the run did something");
});
