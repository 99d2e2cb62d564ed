import type { CliCommand } from "../cli/command.js";

// Each command loads its module on first use so that `quorate status` stays quick.
export const config: CliCommand = async (args) => (await import("./cli-config.js")).config(args);
export const keygen: CliCommand = async (args) => (await import("./cli-config.js")).keygen(args);
export const start: CliCommand = async (args) => (await import("./cli-node.js")).start(args);
export const status: CliCommand = async (args) => (await import("./cli-node.js")).status(args);
export const quorum: CliCommand = async (args) => (await import("./cli-node.js")).quorum(args);
export const demo: CliCommand = async (args) => (await import("./demo.js")).demo(args);
