import type { CliCommand } from "../cli/command.js";

// Placeholder until this layer lands: each command says so instead of pretending.
const notYet = (what: string): CliCommand => async () => {
  process.stderr.write(`quorate: ${what} is not implemented yet\n`);
  return 1;
};
export const demo: CliCommand = notYet("demo");
export const start: CliCommand = notYet("start");
export const status: CliCommand = notYet("status");
export const config: CliCommand = notYet("config");
export const keygen: CliCommand = notYet("keygen");
