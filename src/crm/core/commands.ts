import { EDIT_COMMANDS } from "./statements.js";

/** Commands of the configure level that do not edit (handled by the shell). */
export const CONFIGURE_COMMANDS = ["xml", "show", "commit", "verify", "load", "filter", "refresh", "cd", "up", "end", "quit", "exit", "bye", "help"];
/** Commands of the top level. */
export const TOP_COMMANDS = ["configure", "node", "ra", "simulate", "status", "cd", "help", "quit", "exit", "bye"];

export function configureCommands(): string[] {
  return [...EDIT_COMMANDS, ...CONFIGURE_COMMANDS].sort();
}

/**
 * crmsh forgives a command word with two neighbouring letters swapped
 * (`primitve`); so do we, but only when exactly one command matches.
 */
export function resolveCommand(word: string, known: readonly string[]): string | undefined {
  if (known.includes(word)) return word;
  const matches = known.filter((candidate) => isAdjacentSwap(word, candidate) || isOneDeletion(word, candidate));
  return matches.length === 1 ? matches[0] : undefined;
}

function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].map((ch, i) => (ch === b[i] ? -1 : i)).filter((i) => i >= 0);
  return diff.length === 2 && diff[1] === (diff[0] ?? 0) + 1 && a[diff[0] ?? 0] === b[diff[1] ?? 0] && a[diff[1] ?? 0] === b[diff[0] ?? 0];
}

function isOneDeletion(short: string, long: string): boolean {
  if (long.length !== short.length + 1 || short.length < 5) return false;
  for (let i = 0; i < long.length; i++) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
  return false;
}
