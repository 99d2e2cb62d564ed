import type { CliCommand } from "../cli/command.js";

// Each command loads its module on first use so that `quorate status` stays quick.
export const config: CliCommand = async (args) => (await import("./cli-config.js")).config(args);
export const keygen: CliCommand = async (args) => (await import("./cli-config.js")).keygen(args);

const notYet = (what: string): CliCommand => async () => {
  process.stderr.write(`quorate: ${what} is not implemented yet\n`);
  return 1;
};
export const demo: CliCommand = notYet("demo");
export const start: CliCommand = notYet("start");
export const status: CliCommand = notYet("status");
