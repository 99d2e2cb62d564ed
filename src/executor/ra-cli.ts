import type { CliCommand } from "../cli/command.js";

// Placeholder until the executor layer lands: `crm ra …` is routed here by the crm shell.
export const ra: CliCommand = async () => {
  process.stderr.write("crm ra: not implemented yet\n");
  return 1;
};
