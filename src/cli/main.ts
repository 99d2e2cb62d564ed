import { EXIT_USAGE, UsageError } from "./command.js";
import { routes } from "./routes.js";

function usage(): string {
  const width = Math.max(...Object.keys(routes).map((name) => name.length));
  const lines = Object.entries(routes).map(([name, route]) => `  ${name.padEnd(width)}  ${route.summary}`);
  return `usage: quorate <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const route = routes[name];
  if (route === undefined) {
    process.stderr.write(`quorate: unknown command '${name}'\n\n${usage()}`);
    return EXIT_USAGE;
  }
  const command = await route.load();
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError || isArgumentError(error)) {
      process.stderr.write(`quorate ${name}: ${(error as Error).message}\n(${route.summary})\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** node:util parseArgs reports bad options as TypeErrors with these codes: a user's mistake, not a bug. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
