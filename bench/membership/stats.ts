/** Small helpers for benchmark figures: medians, formatting, waiting with a deadline. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

export async function until<T>(what: string, check: () => Promise<T | undefined>, deadlineMs: number, everyMs = 20): Promise<T> {
  const end = performance.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error(`timed out after ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function rssMiB(pid: number, read: (path: string) => string): number {
  const line = read(`/proc/${pid}/status`).split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0) / 1024;
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 10 ms). */
export function cpuSeconds(pid: number, read: (path: string) => string): number {
  const fields = read(`/proc/${pid}/stat`).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}
