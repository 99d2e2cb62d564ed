import { readFile, writeFile } from "node:fs/promises";
import type { CliCommand } from "../cli/command.js";
import { UsageError } from "../cli/command.js";
import { formatCibError, parseIsoDateTime, parseXml, readSchedulerInput, type SchedulerInput } from "../cib/index.js";
import { schedule } from "./schedule.js";
import type { Transition } from "./core/schedule.js";
import { formatStatus } from "./report/status.js";
import { formatScores } from "./report/scores.js";
import { graphXml } from "./report/graph-xml.js";
import { graphDot } from "./report/graph-dot.js";
import { applyWhatIfs, describeWhatIf, parseOpSpec, type WhatIf } from "./whatif.js";
import { explain as explainResource } from "./explain/explain.js";
import { renderExplanation } from "./explain/render.js";

interface SimulateArgs {
  xml: string;
  showScores: boolean;
  json: boolean;
  whatIfs: WhatIf[];
  saveGraph: string | undefined;
  saveDot: string | undefined;
  /** --set-datetime, seconds since the epoch. */
  now: number | undefined;
}

const TICKET_OPTIONS: Record<string, "grant" | "revoke" | "standby" | "activate"> = {
  "--ticket-grant": "grant", "-g": "grant", "--ticket-revoke": "revoke", "-r": "revoke",
  "--ticket-standby": "standby", "-b": "standby", "--ticket-activate": "activate", "-e": "activate",
};

function parseArgs(args: string[]): SimulateArgs {
  const out: SimulateArgs = { xml: "", showScores: false, json: false, whatIfs: [], saveGraph: undefined, saveDot: undefined, now: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const ticket = TICKET_OPTIONS[arg];
    if (ticket !== undefined) {
      out.whatIfs.push({ kind: "ticket", ticket: value(), change: ticket });
      continue;
    }
    switch (arg) {
      case "--xml": case "--xml-file": case "-x": out.xml = value(); break;
      case "--show-scores": case "-s": out.showScores = true; break;
      case "--json": out.json = true; break;
      case "-S": case "--simulate": case "-R": case "--run": break;
      case "--node-up": case "-u": out.whatIfs.push({ kind: "node-up", node: value() }); break;
      case "--node-down": case "-d": out.whatIfs.push({ kind: "node-down", node: value() }); break;
      case "--node-fail": case "-f": out.whatIfs.push({ kind: "node-fail", node: value() }); break;
      case "--op-inject": case "-i": case "--op-fail": case "-F": out.whatIfs.push(opInjection(value())); break;
      case "--quorum": case "-q": out.whatIfs.push({ kind: "quorum", quorate: ["1", "true", "yes", "on"].includes(value().toLowerCase()) }); break;
      case "--set-datetime": case "-t": out.now = dateTime(value()); break;
      case "--save-graph": case "-G": out.saveGraph = value(); break;
      case "--dot": case "--save-dotfile": case "-D": out.saveDot = value(); break;
      default: throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (out.xml === "") throw new UsageError("--xml FILE is required");
  return out;
}

function opInjection(text: string): WhatIf {
  const spec = parseOpSpec(text);
  if (!spec.ok) throw new UsageError(spec.error);
  return { kind: "op-inject", op: spec.value };
}

function dateTime(text: string): number {
  const parsed = parseIsoDateTime(text);
  if (parsed === undefined) throw new UsageError(`bad date/time "${text}": expected ISO 8601, e.g. 2026-01-31T12:00:00Z`);
  return parsed;
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

function wallClockS(): number {
  return Math.floor(Date.now() / 1000);
}

export const simulate: CliCommand = async (args) => {
  const options = parseArgs(args);
  const loaded = await loadInput(options.xml);
  if (typeof loaded === "string") return fail("simulate", loaded);
  const original = options.now === undefined ? loaded : { ...loaded, now: options.now };
  const input = applyWhatIfs(original, options.whatIfs, original.now ?? wallClockS());
  if (!input.ok) return fail("simulate", input.error);
  const before = options.whatIfs.length === 0 ? undefined : schedule(original, wallClockS());
  const transition = schedule(input.value, wallClockS());
  if (options.saveGraph !== undefined) await writeFile(options.saveGraph, graphXml(transition));
  if (options.saveDot !== undefined) await writeFile(options.saveDot, graphDot(transition));
  process.stdout.write(options.json ? JSON.stringify(toJson(transition, options.whatIfs), null, 2) + "\n" : render(input.value, before ?? transition, transition, options));
  return 0;
};

function fail(command: string, message: string): number {
  process.stderr.write(`quorate ${command}: ${message}\n`);
  return 1;
}

/** Like crm_simulate: the status before the what-ifs, the modifications, then the outcome. */
function render(input: SchedulerInput, before: Transition, t: Transition, options: SimulateArgs): string {
  const out: string[] = [];
  if (input.now !== undefined) out.push(`Using the original execution date of: ${new Date(input.now * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}`);
  out.push("Current cluster status:", ...formatStatus(before), "");
  if (options.whatIfs.length > 0) out.push("Performing Requested Modifications:", ...options.whatIfs.map((w) => `  * ${describeWhatIf(w)}`), "");
  if (options.showScores) out.push(...formatScores(t), "");
  out.push("Transition Summary:", ...t.summary, "");
  return out.join("\n") + "\n";
}

function toJson(t: Transition, whatIfs: WhatIf[]): unknown {
  return {
    modifications: whatIfs.map(describeWhatIf),
    summary: t.changes.map((c) => ({ verb: c.verb, resource: c.rsc.id, from: c.from ?? null, to: c.to ?? null, reason: c.reason ?? null, blocked: c.blocked })),
    summaryLines: t.summary,
    fencing: t.fences,
    actions: t.graph.actions,
    edges: t.graph.edges,
    scores: Object.fromEntries([...t.scores].map(([rsc, byNode]) => [rsc, Object.fromEntries(byNode)])),
  };
}

/** quorate explain RESOURCE [--xml FILE] [--json]; without --xml it reads CIB_file, like the crm shell. */
export const explain: CliCommand = async (args) => {
  let xml = process.env["CIB_file"];
  let json = false;
  let resource: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--xml" || arg === "-x") xml = args[++i] ?? "";
    else if (arg === "--json") json = true;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (resource === undefined) resource = arg;
    else throw new UsageError(`one resource at a time (got ${resource} and ${arg})`);
  }
  if (resource === undefined) throw new UsageError("which resource? quorate explain RESOURCE [--xml FILE] [--json]");
  if (xml === undefined || xml === "") throw new UsageError("--xml FILE is required (or set CIB_file)");
  const input = await loadInput(xml);
  if (typeof input === "string") return fail("explain", input);
  const explanation = explainResource(input, schedule(input, wallClockS()), resource);
  if (explanation === undefined) return fail("explain", `no resource named "${resource}" in ${xml}`);
  // Absent values are null in JSON, so every field is always present.
  const text = json ? JSON.stringify(explanation, (_key, value: unknown) => (value === undefined ? null : value), 2) + "\n" : renderExplanation(explanation);
  process.stdout.write(text);
  return 0;
};
