// Benchmark: load, validate and serialise a generated 10,000-resource CIB, next to Pacemaker's own tools.
// Run: npm run build && node dist/bench/cib/run.js [--resources N] [--runs K]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseXml, loadCib, serializeXml, validateWithPacemakerSchema, diffCib, applyPatch, cloneElement, setVersion, nextVersion,
  versionOf, descend, primitives,
} from "../../src/cib/index.js";
import { generateCib } from "./generate.js";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time; the CPU time of the same call is recorded under "<label> (CPU)" by the caller's `record`. */
let lastCpuMs = 0;

function timeMs(action: () => unknown): number {
  const cpu = process.cpuUsage();
  const start = performance.now();
  action();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000;
  return wall;
}

async function timeAsyncMs(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

function row(label: string, samples: number[]): void {
  console.log(`${label.padEnd(50)} median ${median(samples).toFixed(1).padStart(8)} ms   (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}, n=${samples.length})`);
}

function external(command: string, args: string[], env: NodeJS.ProcessEnv): number | undefined {
  const start = performance.now();
  const run = spawnSync(command, args, { env, stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 });
  // crm_verify exits non-zero for configuration warnings (e.g. no fencing); the work is done all the same.
  if (run.error || run.status === null) return undefined;
  return performance.now() - start;
}

async function main(): Promise<void> {
  const count = option("resources", 10_000);
  const runs = option("runs", 5);
  const text = serializeXml(generateCib(count)) + "\n";
  const directory = mkdtempSync(join(tmpdir(), "quorate-bench-cib-"));
  const file = join(directory, "cib.xml");
  writeFileSync(file, text);
  console.log(`CIB with ${count} resources: ${(text.length / 1e6).toFixed(2)} MB, ${runs} runs each\n`);
  const samples: Record<string, number[]> = {};
  const record = (label: string, ms: number | undefined): void => {
    if (ms !== undefined) (samples[label] ??= []).push(ms);
  };
  for (let run = 0; run < runs; run++) {
    let parsed = parseXml(text, file);
    record("parse (text → tree)", timeMs(() => (parsed = parseXml(text, file))));
    record("parse (text → tree), CPU time", lastCpuMs);
    if (!parsed.ok) throw new Error("generated CIB does not parse");
    const document = parsed.value;
    const root = document.root;
    let model = loadCib(document);
    record("load model + model-level checks (tree → Cib)", timeMs(() => (model = loadCib(document))));
    record("load model + model-level checks, CPU time", lastCpuMs);
    if (!model.ok || model.value.warnings.length > 0 || primitives(model.value.configuration).length !== count) throw new Error("model is wrong");
    record("serialise (tree → text)", timeMs(() => serializeXml(root)));
    record("serialise (tree → text), CPU time", lastCpuMs);
    const last = (label: string): number => samples[label]!.at(-1)!;
    record("total: parse + load + serialise", last("parse (text → tree)") + last("load model + model-level checks (tree → Cib)") + last("serialise (tree → text)"));
    record("total, CPU time", last("parse (text → tree), CPU time") + last("load model + model-level checks, CPU time") + last("serialise (tree → text), CPU time"));
    const edited = cloneElement(root);
    descend(edited, ["configuration", "resources"])!.children.splice(5, 1);
    setVersion(edited, nextVersion(versionOf(root), true));
    record("diff (one resource removed) + apply", timeMs(() => applyPatch(root, diffCib(root, edited))));
    record("diff + apply, CPU time", lastCpuMs);
    let check: Awaited<ReturnType<typeof validateWithPacemakerSchema>> | undefined;
    record("schema check: xmllint --relaxng (Quorate helper)", await timeAsyncMs(async () => (check = await validateWithPacemakerSchema(text))));
    if (run === 0) console.log(`schema check of the generated CIB: ${check?.status}\n`);
    record("incumbent: cibadmin --query (CIB_file)", external("cibadmin", ["--query"], { ...process.env, CIB_file: file }));
    record("incumbent: crm_verify --xml-file", external("crm_verify", ["--xml-file", file], process.env));
  }
  for (const [label, values] of Object.entries(samples)) row(label, values);
  rmSync(directory, { recursive: true, force: true });
}

await main();
