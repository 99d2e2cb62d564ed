import { readFile } from "node:fs/promises";
import type { CliCommand } from "../cli/command.js";
import { UsageError } from "../cli/command.js";
import { formatCibError, parseXml, readSchedulerInput, type SchedulerInput } from "../cib/index.js";
import { schedule, type Transition } from "./core/schedule.js";
import { formatStatus } from "./report/status.js";
import { formatScores } from "./report/scores.js";

interface SimulateArgs {
  xml: string;
  showScores: boolean;
  json: boolean;
}

function parseArgs(args: string[]): SimulateArgs {
  const out: SimulateArgs = { xml: "", showScores: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--xml":
      case "--xml-file":
      case "-x":
        out.xml = value();
        break;
      case "--show-scores":
      case "-s":
        out.showScores = true;
        break;
      case "--json":
        out.json = true;
        break;
      case "-S":
      case "--simulate":
      case "-R":
      case "--run":
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (out.xml === "") throw new UsageError("--xml FILE is required");
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

export const simulate: CliCommand = async (args) => {
  const options = parseArgs(args);
  const input = await loadInput(options.xml);
  if (typeof input === "string") {
    process.stderr.write(`quorate simulate: ${input}\n`);
    return 1;
  }
  const transition = schedule(input, Math.floor(Date.now() / 1000));
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
  return {
    summary: t.changes.map((c) => ({ verb: c.verb, resource: c.rsc.id, from: c.from ?? null, to: c.to ?? null, reason: c.reason ?? null, blocked: c.blocked })),
    fencing: t.fences,
    actions: t.graph.actions,
    edges: t.graph.edges,
  };
}

export const explain: CliCommand = async () => {
  process.stderr.write("quorate: explain is not implemented yet\n");
  return 1;
};
