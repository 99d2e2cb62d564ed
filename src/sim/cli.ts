import type { CliCommand } from "../cli/command.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../cli/command.js";
import { runSimulation } from "./run.js";

/** `quorate sim --seed S --nodes N --steps K [--json]`: one seeded run, replayable exactly. */
export const sim: CliCommand = async (args) => {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`quorate sim: ${parsed}\nusage: quorate sim --seed S --nodes N --steps K [--json]\n`);
    return EXIT_USAGE;
  }
  const report = runSimulation(parsed);
  const seedHex = `0x${report.seed.toString(16)}`;
  if (parsed.json) process.stdout.write(`${JSON.stringify({ ...report, seed: seedHex })}\n`);
  else {
    process.stdout.write(`seed=${seedHex} nodes=${report.nodes} steps=${report.steps}: ${report.ok ? "ok" : "FAILED"} ` +
      `(${report.virtualMs} virtual ms, ${report.configurations} configuration changes, ${report.deliveries} deliveries)\n  ${report.description}\n`);
  }
  if (report.ok) return EXIT_OK;
  process.stderr.write(`${report.violation}\nseed=${seedHex} reproduce: quorate sim --seed ${seedHex} --nodes ${report.nodes} --steps ${report.steps}\n`);
  return EXIT_FAILURE;
};

interface SimArgs {
  seed: number;
  nodes: number;
  steps: number;
  json: boolean;
}

function parseArgs(args: string[]): SimArgs | string {
  const out: SimArgs = { seed: 1, nodes: 3, steps: 20000, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") { out.json = true; continue; }
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = inline ?? args[++i];
    if (value === undefined) return `${flag} needs a value`;
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 0) return `${flag} must be a non-negative integer (got "${value}")`;
    if (flag === "--seed") out.seed = number >>> 0;
    else if (flag === "--nodes") out.nodes = number;
    else if (flag === "--steps") out.steps = number;
    else return `unknown option ${flag}`;
  }
  if (out.nodes < 1 || out.nodes > 64) return "--nodes must be between 1 and 64";
  return out;
}
