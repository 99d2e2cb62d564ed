/** A subcommand: receives its arguments (after the subcommand name), returns the exit status. */
export type CliCommand = (args: string[]) => Promise<number>;

export interface CliRoute {
  summary: string;
  /** Loaded lazily so that `quorate status` does not pay for the scheduler. */
  load: () => Promise<CliCommand>;
}

/** Operating errors a command reports to the user; anything else thrown is a bug. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
