// Where the benchmark's processes run. On a small VM, a request that wakes a
// process on the other vCPU costs an inter-processor interrupt (tens of µs
// here), so a QD1 figure left to the kernel's placement measures where the
// scheduler happened to put client and server (seen: one server measured
// 15,000 and 44,000 IOPS in two consecutive runs). Pinning makes the figures
// repeatable and the comparison fair.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

export type CpuPlacement = "free" | "split" | "same";

interface Pinning {
  readonly server: string | undefined;
  readonly client: string | undefined;
  readonly note: string;
}

const PINNINGS: Record<CpuPlacement, Pinning> = {
  free: { server: undefined, client: undefined, note: "CPU placement left to the kernel" },
  split: { server: "0", client: "1", note: "every server process pinned to CPU 0, the clients (fio, the FUA probe) to CPU 1" },
  same: { server: "0", client: "0", note: "servers and clients pinned to CPU 0 (no cross-CPU wake-ups)" },
};

export function parsePlacement(value: string): CpuPlacement {
  if (value !== "free" && value !== "split" && value !== "same") throw new Error(`--cpus: '${value}' is none of free, split, same`);
  if (value === "split" && cpus().length < 2) throw new Error("--cpus split needs two CPUs");
  return value;
}

export function placementNote(placement: CpuPlacement): string {
  return PINNINGS[placement].note;
}

/**
 * Starts a target's servers on the server CPUs: this process is pinned while
 * they start (children inherit the affinity, the per-connection forks of
 * nbd-server and the detached DRBD daemons too), then released.
 */
export async function startPinned<T>(placement: CpuPlacement, start: () => Promise<T>): Promise<T> {
  const { server } = PINNINGS[placement];
  if (server === undefined) return start();
  pinSelf(server);
  try {
    return await start();
  } finally {
    pinSelf(`0-${cpus().length - 1}`);
  }
}

/** A client command, run on the client CPUs. */
export function clientCommand(placement: CpuPlacement, command: string, args: string[]): [string, string[]] {
  const { client } = PINNINGS[placement];
  return client === undefined ? [command, args] : ["taskset", ["-c", client, command, ...args]];
}

function pinSelf(cpuList: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpuList, String(process.pid)], { stdio: "ignore" });
}
