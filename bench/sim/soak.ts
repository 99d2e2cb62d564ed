import { runSimulation } from "../../src/sim/run.js";

/**
 * Long simulator soak: random seeds and cluster sizes until the time budget
 * runs out (SOAK_MINUTES, default 10). Prints every failing seed with the
 * command that replays it; exits non-zero if any failed.
 */
const minutes = Number(process.env["SOAK_MINUTES"] ?? "10");
const steps = Number(process.env["SOAK_STEPS"] ?? "40000");
const deadline = performance.now() + minutes * 60_000;
let seed = (Number(process.env["SOAK_SEED"] ?? Date.now()) >>> 0) || 1;
let runs = 0;
let failures = 0;
while (performance.now() < deadline) {
  const nodes = 1 + (seed % 7);
  const report = runSimulation({ seed, nodes, steps });
  runs++;
  if (!report.ok) {
    failures++;
    process.stdout.write(`${report.violation}\n  ${report.description}\n  seed=0x${seed.toString(16)} reproduce: quorate sim --seed 0x${seed.toString(16)} --nodes ${nodes} --steps ${steps}\n`);
  }
  seed = (seed + 0x9e3779b9) >>> 0;
}
process.stdout.write(`soak: ${runs} runs, ${failures} failed\n`);
process.exitCode = failures > 0 ? 1 : 0;
