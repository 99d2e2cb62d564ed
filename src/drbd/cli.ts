import type { CliCommand } from "../cli/command.js";

// Placeholder until this layer lands: each command says so instead of pretending.
const notYet = (what: string): CliCommand => async () => {
  process.stderr.write(`quorate: ${what} is not implemented yet\n`);
  return 1;
};
export const drbd: CliCommand = notYet("drbd");
