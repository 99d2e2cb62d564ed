import type { SchedulerInput } from "../cib/index.js";
import { opDigest } from "../executor/index.js";
import { schedule as scheduleCore, type Transition } from "./core/schedule.js";

/**
 * The scheduler with the executor's parameter digest, so that a resource whose
 * definition changed since it started (op-digest) is restarted or reloaded.
 */
export function schedule(input: SchedulerInput, nowS: number): Transition {
  return scheduleCore(input, nowS, opDigest);
}
