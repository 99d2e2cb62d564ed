/** The deterministic simulator: N membership stacks on a virtual clock and network. */
export { World, type WorldOptions, type NetworkFaults } from "./world.js";
export { runSimulation, type SimOptions, type SimReport } from "./run.js";
export { InvariantChecker } from "./checker.js";
export { makePayload, readPayload, type PayloadId } from "./payload.js";
