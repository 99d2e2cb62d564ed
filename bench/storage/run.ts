// `npm run bench:storage`: the same workloads, through the same NBD client, on
// the same backing filesystem, against each export target in one run. Targets
// are interleaved per repetition and medians printed, as the machine is shared.
//   --repeat N --runtime S --size MiB --dir DIR --port P --json
//   --only A,B / --workload A,B   targets / workloads whose names contain A or B
//   --cpus free|split|same        where servers and clients run (placement.ts)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { CleanupStack, rethrowUnlessAborting } from "./cleanup.js";
import { BACKING_NOTE, type ExportUnderTest, standardTargets } from "./targets.js";
import { type Workload, standardWorkloads } from "./workloads.js";
import { type CpuPlacement, parsePlacement, placementNote, startPinned } from "./placement.js";

export interface BenchOptions {
  readonly repeat: number;
  readonly sizeBytes: number;
  readonly runtimeS: number;
  /** Where the backing files live (one filesystem for every target). */
  readonly dir: string;
  /** First TCP port; target i uses basePort + i. */
  readonly basePort: number;
  readonly placement: CpuPlacement;
}

export type BenchResults = Map<string, Map<string, number[]>>;

export function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, program)));
}

/** Runs every workload on every target `repeat` times; returns samples per target and workload. */
export async function runStorageBench(targets: readonly ExportUnderTest[], workloads: readonly Workload[], options: BenchOptions): Promise<BenchResults> {
  const results: BenchResults = new Map();
  const runnable = targets.filter((target) => {
    const missing = target.requires.filter((p) => !onPath(p));
    if (missing.length > 0) process.stderr.write(`skipping ${target.label}: needs ${missing.join(", ")}\n`);
    return missing.length === 0;
  });
  for (let round = 1; round <= options.repeat; round++) {
    for (const [index, target] of runnable.entries()) {
      const workDir = await mkdtemp(join(options.dir, "qn-bench-"));
      const cleanup = new CleanupStack();
      cleanup.push(() => rm(workDir, { recursive: true, force: true }));
      try {
        const running = await startPinned(options.placement, () => target.start({ workDir, port: options.basePort + index, sizeBytes: options.sizeBytes }));
        cleanup.push(() => running.stop());
        for (const workload of workloads) {
          const value = await workload.measure(running.uri, { sizeBytes: options.sizeBytes, runtimeS: options.runtimeS, serverPids: running.pids ?? [], placement: options.placement }).catch((error: unknown) => {
            process.stderr.write(`round ${round}/${options.repeat} ${target.label}: ${workload.name} failed: ${String(error)}\n`);
            return undefined;
          });
          if (value === undefined) continue;
          const byWorkload = results.get(target.label) ?? new Map<string, number[]>();
          results.set(target.label, byWorkload);
          byWorkload.set(workload.name, [...(byWorkload.get(workload.name) ?? []), value]);
          process.stderr.write(`round ${round}/${options.repeat} ${target.label}: ${workload.name} ${value.toFixed(1)} ${workload.unit}\n`);
        }
      } finally {
        await cleanup.run();
      }
    }
  }
  return results;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A Markdown table: one row per workload, one column per target (medians). */
export function formatTable(results: BenchResults, workloads: readonly Workload[]): string {
  const labels = [...results.keys()];
  const header = `| workload | ${labels.join(" | ")} |\n|---|${labels.map(() => "---:").join("|")}|`;
  const rows = workloads.map((workload) => {
    const cells = labels.map((label) => {
      const samples = results.get(label)?.get(workload.name);
      return samples === undefined ? "n/a" : `${median(samples).toFixed(workload.unit === "IOPS" ? 0 : 1)} ${workload.unit}`;
    });
    return `| ${workload.name} | ${cells.join(" | ")} |`;
  });
  return [header, ...rows].join("\n");
}

/**
 * Each other target's median divided by each reference's, per workload:
 * "0.68 / 0.52" against the references in column order. Higher is better
 * for MiB/s and IOPS, lower for µs.
 */
export function formatRatios(results: BenchResults, workloads: readonly Workload[], referenceLabels: readonly string[]): string {
  const references = referenceLabels.filter((label) => results.has(label));
  const others = [...results.keys()].filter((label) => !references.includes(label));
  if (references.length === 0 || others.length === 0) return "";
  const header = `| ÷ ${references.join(" / ")} | ${others.join(" | ")} |\n|---|${others.map(() => "---:").join("|")}|`;
  const value = (label: string, workload: Workload) => {
    const samples = results.get(label)?.get(workload.name);
    return samples === undefined ? undefined : median(samples);
  };
  const rows = workloads.map((workload) => {
    const cells = others.map((label) => references.map((reference) => {
      const [mine, theirs] = [value(label, workload), value(reference, workload)];
      return mine === undefined || theirs === undefined || theirs === 0 ? "n/a" : (mine / theirs).toFixed(2);
    }).join(" / "));
    return `| ${workload.name} (${workload.lowerIsBetter ? "lower" : "higher"} is better) | ${cells.join(" | ")} |`;
  });
  return [header, ...rows].join("\n");
}

type ParsedValues = Record<string, string | boolean | undefined>;

/** What a caller adds to the harness: its own options, and the targets (with notes for the header) they select. */
export interface TargetChoice {
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  choose(values: ParsedValues): { readonly targets: readonly ExportUnderTest[]; readonly notes: readonly string[] };
}

const standardChoice: TargetChoice = { options: {}, choose: () => ({ targets: standardTargets, notes: [] }) };

export async function main(argv: string[], choice: TargetChoice = standardChoice): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...choice.options,
      repeat: { type: "string", default: "3" },
      size: { type: "string", default: "1024" },
      runtime: { type: "string", default: "5" },
      dir: { type: "string", default: tmpdir() },
      port: { type: "string", default: "16400" },
      json: { type: "boolean", default: false },
      only: { type: "string" },
      workload: { type: "string" },
      cpus: { type: "string", default: "free" },
    },
  });
  const options: BenchOptions = {
    repeat: Number(values.repeat), sizeBytes: Number(values.size) * 1024 * 1024, runtimeS: Number(values.runtime),
    dir: values.dir, basePort: Number(values.port), placement: parsePlacement(values.cpus),
  };
  const { targets, notes } = choice.choose(values);
  const chosen = targets.filter((t) => matches(t.label, values.only));
  const workloads = standardWorkloads.filter((w) => matches(w.name, values.workload));
  const header = [`${options.sizeBytes / 1024 / 1024} MiB export, backing files in ${options.dir}`, BACKING_NOTE, placementNote(options.placement), ...notes].join("\n");
  process.stderr.write(`${header}\n`);
  const results = await runStorageBench(chosen, workloads, options).catch(rethrowUnlessAborting);
  if (values.json) {
    const plain = Object.fromEntries([...results].map(([label, byWorkload]) => [label, Object.fromEntries([...byWorkload].map(([w, s]) => [w, { median: median(s), samples: s }]))]));
    process.stdout.write(`${JSON.stringify(plain, null, 2)}\n`);
  } else {
    const ratios = formatRatios(results, workloads, chosen.filter((t) => t.reference === true).map((t) => t.label));
    process.stdout.write(`${header}\n\n${formatTable(results, workloads)}\n\nmedians of ${options.repeat} runs\n${ratios === "" ? "" : `\n${ratios}\n`}`);
  }
}

/** --only / --workload: case-insensitive substrings, separated by commas; absent means everything. */
function matches(name: string, filter: string | boolean | undefined): boolean {
  return typeof filter !== "string" || filter.split(",").some((part) => name.toLowerCase().includes(part.toLowerCase()));
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
