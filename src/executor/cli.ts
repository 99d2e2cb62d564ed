import { UsageError, type CliCommand } from "../cli/command.js";
import { parseAgentRef, type AgentRef } from "./core/agent.js";
import { OP_STATUS_CODE, rcMeaning, rcName } from "./core/codes.js";
import { parseDurationMs } from "./core/metadata.js";
import { isAction, type Action, type OpRequest, type OpResult } from "./core/operation.js";
import { Executor } from "./driver/executor.js";

const USAGE = "usage: quorate agent exec CLASS:PROVIDER:TYPE ACTION [--param NAME=VALUE …] [--meta NAME=VALUE …] [--rsc ID] [--timeout S] [--json]";
const TIMEOUT_DEFAULT_MS = 20_000;

interface ExecArgs {
  agent: AgentRef;
  action: Action;
  params: Record<string, string>;
  meta: Record<string, string>;
  rscId: string | undefined;
  timeoutMs: number | undefined;
  json: boolean;
}

/**
 * `quorate agent exec`: one action, run locally the way the cluster runs it
 * (validate-all before a start, the full OCF environment), like crm_resource
 * --force-start/--force-check/--validate. The exit status is the agent's rc.
 */
export const agent: CliCommand = async (args) => {
  const [verb, ...rest] = args;
  if (verb !== "exec") throw new UsageError(verb === undefined ? USAGE : `unknown verb '${verb}'\n${USAGE}`);
  const parsed = parseExecArgs(rest);
  const executor = new Executor({ concurrencyMax: 1 });
  try {
    const timeoutMs = parsed.timeoutMs ?? (await defaultTimeoutMs(executor, parsed));
    const req: OpRequest = {
      rscId: parsed.rscId ?? parsed.agent.type, agent: parsed.agent, action: parsed.action,
      intervalMs: 0, timeoutMs, params: parsed.params, meta: parsed.meta,
    };
    const result = await executor.run(req);
    process.stdout.write(parsed.json ? `${JSON.stringify(resultJson(result), null, 2)}\n` : formatResult(result));
    return result.rc;
  } finally {
    await executor.dispose();
  }
};

function parseExecArgs(args: string[]): ExecArgs {
  const positional: string[] = [];
  const out: Omit<ExecArgs, "agent" | "action"> = { params: {}, meta: {}, rscId: undefined, timeoutMs: undefined, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--json") out.json = true;
    else if (arg === "--param" || arg === "-p") assign(out.params, value(), arg);
    else if (arg === "--meta" || arg === "-m") assign(out.meta, value(), arg);
    else if (arg === "--rsc") out.rscId = value();
    else if (arg === "--timeout") out.timeoutMs = duration(value(), arg);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option '${arg}'\n${USAGE}`);
    else positional.push(arg);
  }
  const [agentText, actionText, ...extra] = positional;
  if (agentText === undefined || actionText === undefined || extra.length > 0) throw new UsageError(USAGE);
  const agentRef = parseAgentRef(agentText);
  if (!agentRef.ok) throw new UsageError(agentRef.error);
  if (!isAction(actionText)) throw new UsageError(`unknown action '${actionText}'`);
  return { ...out, agent: agentRef.value, action: actionText };
}

function assign(into: Record<string, string>, pair: string, option: string): void {
  const eq = pair.indexOf("=");
  const name = pair.slice(0, eq);
  if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new UsageError(`${option} takes NAME=VALUE (got '${pair}')`);
  into[name] = pair.slice(eq + 1);
}

function duration(text: string, option: string): number {
  const ms = parseDurationMs(text);
  if (!ms.ok) throw new UsageError(`${option}: ${ms.error}`);
  return ms.value;
}

/** The agent's advertised timeout for this action, else 20 s (Pacemaker's default op timeout). */
async function defaultTimeoutMs(executor: Executor, args: ExecArgs): Promise<number> {
  if (args.action === "meta-data" || args.action === "metadata") return TIMEOUT_DEFAULT_MS;
  const metadata = await executor.metadata(args.agent);
  if (!metadata.ok) return TIMEOUT_DEFAULT_MS;
  const advertised = metadata.value.actions.find((action) => action.name === args.action)?.timeoutMs;
  return advertised !== undefined && advertised > 0 ? advertised : TIMEOUT_DEFAULT_MS;
}

function formatResult(result: OpResult): string {
  if ((result.operation === "meta-data" || result.operation === "metadata") && result.rc === 0) return result.stdout;
  const lines = [`${result.rscId} ${result.operation}: rc=${result.rc} (${rcName(result.rc)}: ${rcMeaning(result.rc)}), status ${result.status}, ${result.execMs} ms`];
  if (result.exitReason) lines.push(`exit reason: ${result.exitReason}`);
  const output = `${result.stdout}${result.stderr}`.trim();
  if (output) lines.push("agent output:", ...output.split("\n").map((line) => `  ${line}`));
  if (result.outputTruncated) lines.push("  (output truncated)");
  return `${lines.join("\n")}\n`;
}

/** Stable JSON: the OpResult fields with op-status as Pacemaker numbers it. */
function resultJson(result: OpResult): Record<string, unknown> {
  return { ...result, rcName: rcName(result.rc), opStatusCode: OP_STATUS_CODE[result.status] };
}
