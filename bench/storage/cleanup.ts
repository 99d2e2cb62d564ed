// Undo steps for what a benchmark sets up (daemons, mounts, loop devices, temp
// dirs). They run in reverse order when a target stops, when its start fails
// half-way, and on SIGINT/SIGTERM, so an interrupted run leaves nothing behind.

type Step = () => Promise<unknown>;

const live = new Set<CleanupStack>();
let signalsHooked = false;
let aborting = false;

export class CleanupStack {
  private readonly steps: Step[] = [];
  private unwinding: Promise<void> | undefined;

  constructor() {
    live.add(this);
    hookSignals();
  }

  push(step: Step): void {
    this.steps.push(step);
  }

  /** Runs every step (latest first) even if one fails; rethrows the first failure. Callers during a run share it. */
  run(): Promise<void> {
    this.unwinding ??= this.unwind();
    return this.unwinding;
  }

  private async unwind(): Promise<void> {
    live.delete(this);
    let failure: unknown;
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      await step().catch((error: unknown) => (failure ??= error));
    }
    if (failure !== undefined) throw failure;
  }
}

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void abort(signal));
}

/**
 * For the benchmark's top level: an error after a signal is the interrupted
 * work failing, so wait for the signal's cleanup to exit instead of dying first.
 */
export async function rethrowUnlessAborting(error: unknown): Promise<never> {
  if (aborting) await new Promise(() => {});
  throw error;
}

async function abort(signal: NodeJS.Signals): Promise<void> {
  aborting = true;
  process.stderr.write(`${signal}: cleaning up\n`);
  for (const stack of [...live].reverse()) {
    await stack.run().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`));
  }
  process.exit(130);
}
