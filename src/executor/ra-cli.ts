import { UsageError, type CliCommand } from "../cli/command.js";
import { agentRefText, isAgentClass, parseAgentRef } from "./core/agent.js";
import { Executor } from "./driver/executor.js";
import { availableClasses, defaultDirectories, listAgents, ocfProviders } from "./driver/locate.js";
import { formatAgentInfo, formatColumns } from "./format.js";

const USAGE = `usage: crm ra classes | list CLASS [PROVIDER] | providers TYPE [CLASS] | info|meta AGENT   (add --json for JSON)`;

/** `crm ra …`: what agents are installed and what they take, as crmsh shows it. */
export const ra: CliCommand = async (args) => {
  const json = args.includes("--json");
  const [verb, ...rest] = args.filter((arg) => arg !== "--json");
  switch (verb) {
    case "classes":
      return classes(json);
    case "list":
      return list(rest, json);
    case "providers":
      return providers(rest, json);
    case "info":
    case "meta":
      return info(rest, json);
    default:
      throw new UsageError(verb === undefined ? USAGE : `unknown ra command '${verb}'\n${USAGE}`);
  }
};

function print(json: boolean, value: unknown, text: string): number {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
  return 0;
}

function classes(json: boolean): number {
  const dirs = defaultDirectories();
  const found = availableClasses(dirs);
  const providers = ocfProviders(dirs);
  const lines = found.map((klass) => (klass === "ocf" ? `ocf / ${providers.join(" ")}` : klass));
  return print(json, { classes: found, ocfProviders: providers }, `${lines.join("\n")}\n`);
}

function list(args: string[], json: boolean): number {
  const [klass, provider, ...extra] = args;
  if (!isAgentClass(klass) || extra.length > 0) throw new UsageError(`crm ra list CLASS [PROVIDER] (CLASS: lsb, ocf, service, stonith, systemd)`);
  if (provider !== undefined && klass !== "ocf") throw new UsageError(`only ocf agents have providers`);
  const names = listAgents(klass, defaultDirectories(), provider);
  return print(json, names, formatColumns(names));
}

function providers(args: string[], json: boolean): number {
  const [type, klass = "ocf", ...extra] = args;
  if (type === undefined || extra.length > 0) throw new UsageError(`crm ra providers TYPE [CLASS]`);
  if (klass !== "ocf") throw new UsageError(`only ocf agents have providers`);
  const found = ocfProviders(defaultDirectories(), type);
  return print(json, found, `${found.join(" ")}\n`);
}

async function info(args: string[], json: boolean): Promise<number> {
  const [text, ...extra] = args;
  if (text === undefined || extra.length > 0) throw new UsageError(`crm ra info CLASS:PROVIDER:TYPE (or CLASS:TYPE)`);
  const agent = parseAgentRef(text);
  if (!agent.ok) throw new UsageError(agent.error);
  const executor = new Executor();
  try {
    const metadata = await executor.metadata(agent.value);
    if (!metadata.ok) {
      process.stderr.write(`crm ra: ${metadata.error}\n`);
      return 1;
    }
    return print(json, metadata.value, formatAgentInfo(agentRefText(agent.value), metadata.value));
  } finally {
    await executor.dispose();
  }
}
