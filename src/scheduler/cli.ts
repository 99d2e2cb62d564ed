import { readFile, writeFile } from "node:fs/promises";
import type { CliCommand } from "../cli/command.js";
import { UsageError } from "../cli/command.js";
import { formatCibError, parseXml, readSchedulerInput, type SchedulerInput } from "../cib/index.js";
import { schedule, type Transition } from "./core/schedule.js";
import { applyWhatIfs, parseOpFail, type WhatIf } from "./core/whatif.js";
import { formatStatus } from "./report/status.js";
import { formatScores } from "./report/scores.js";
import { graphDot, graphXml } from "./report/graph.js";
import { explainResource } from "./report/explain.js";

interface SimulateArgs {
  xml: string;
  showScores: boolean;
  json: boolean;
  whatIfs: WhatIf[];
  saveGraph: string | undefined;
  dot: string | undefined;
  positional: string[];
}

function parseArgs(args: string[]): SimulateArgs {
  const out: SimulateArgs = { xml: "", showScores: false, json: false, whatIfs: [], saveGraph: undefined, dot: undefined, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--xml": case "--xml-file": case "-x": out.xml = value(); break;
      case "--show-scores": case "-s": out.showScores = true; break;
      case "--json": out.json = true; break;
      case "--node-up": case "-u": out.whatIfs.push({ kind: "node-up", node: value() }); break;
      case "--node-down": case "-d": out.whatIfs.push({ kind: "node-down", node: value() }); break;
      case "--node-fail": case "-f": out.whatIfs.push({ kind: "node-fail", node: value() }); break;
      case "--op-fail": case "-i": {
        const parsed = parseOpFail(value());
        if (typeof parsed === "string") throw new UsageError(parsed);
        out.whatIfs.push(parsed);
        break;
      }
      case "--save-graph": case "-G": out.saveGraph = value(); break;
      case "--dot": case "--save-dotfile": case "-D": out.dot = value(); break;
      case "-S": case "--simulate": case "-R": case "--run": break;
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        out.positional.push(arg);
    }
  }
  return out;
}

async function loadInput(file: string): Promise<SchedulerInput | string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return `${file}: ${(error as Error).message}`;
  }
  const parsed = parseXml(text, file);
  if (!parsed.ok) return formatCibError(parsed.error);
  return readSchedulerInput(parsed.value.root);
}

/** Loads the CIB, applies what-ifs and schedules; an operating error is returned as text. */
async function run(options: SimulateArgs): Promise<{ input: SchedulerInput; transition: Transition } | string> {
  if (options.xml === "") throw new UsageError("--xml FILE is required");
  const loaded = await loadInput(options.xml);
  if (typeof loaded === "string") return loaded;
  const input = applyWhatIfs(loaded, options.whatIfs);
  if (typeof input === "string") return input;
  return { input, transition: schedule(input, Math.floor(Date.now() / 1000)) };
}

export const simulate: CliCommand = async (args) => {
  const options = parseArgs(args);
  const result = await run(options);
  if (typeof result === "string") {
    process.stderr.write(`quorate simulate: ${result}\n`);
    return 1;
  }
  const { input, transition } = result;
  if (options.saveGraph !== undefined) await writeFile(options.saveGraph, graphXml(transition.graph));
  if (options.dot !== undefined) await writeFile(options.dot, graphDot(transition.graph));
  process.stdout.write(options.json ? JSON.stringify(toJson(transition), null, 2) + "\n" : render(input, transition, options));
  return 0;
};

function render(input: SchedulerInput, t: Transition, options: SimulateArgs): string {
  const out: string[] = [];
  if (input.now !== undefined) out.push(`Using the original execution date of: ${new Date(input.now * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}`);
  out.push("Current cluster status:", ...formatStatus(t), "");
  if (options.showScores) out.push(...formatScores(t), "");
  out.push("Transition Summary:", ...t.summary, "");
  return out.join("\n") + "\n";
}

function toJson(t: Transition): unknown {
  const scores: Record<string, Record<string, number>> = {};
  for (const [rsc, byNode] of t.scores) scores[rsc] = Object.fromEntries(byNode);
  return {
    summary: t.changes.map((c) => ({ verb: c.verb, resource: c.rsc.id, from: c.from ?? null, to: c.to ?? null, reason: c.reason ?? null, blocked: c.blocked })),
    fencing: t.fences,
    scores,
    actions: t.graph.actions,
    edges: t.graph.edges,
  };
}

/** `quorate explain RESOURCE --xml FILE`: why a resource is (or is not) where it is. */
export const explain: CliCommand = async (args) => {
  const options = parseArgs(args);
  const id = options.positional[0];
  if (id === undefined || options.positional.length > 1) throw new UsageError("usage: quorate explain RESOURCE --xml FILE");
  const result = await run(options);
  if (typeof result === "string") {
    process.stderr.write(`quorate explain: ${result}\n`);
    return 1;
  }
  const lines = explainResource(result.transition, id);
  if (lines === undefined) {
    process.stderr.write(`quorate explain: no resource named "${id}"\n`);
    return 1;
  }
  process.stdout.write(options.json ? JSON.stringify({ resource: id, explanation: lines }, null, 2) + "\n" : lines.join("\n") + "\n");
  return 0;
};
