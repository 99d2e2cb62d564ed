import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { err, type Result } from "../../lib/result.js";
import { agentRefText, type AgentRef } from "../core/agent.js";
import { invocationFor } from "../core/invocation.js";
import { lsbMetadataXml } from "../core/lsb-metadata.js";
import { parseMetadata, type AgentMetadata } from "../core/metadata.js";
import { defaultDirectories, locateAgent, type AgentDirectories } from "./locate.js";

const TIMEOUT_MS = 5000;
const OUTPUT_LIMIT_BYTES = 1024 * 1024;
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * An agent's meta-data, read synchronously, for command-line tools that check a
 * configuration (crm configure verify) and have no event loop to spare. It
 * finds agents exactly where the executor does, Quorate's own included. A
 * daemon uses Executor.metadata() instead.
 */
export function describeAgentSync(agent: AgentRef, dirs: AgentDirectories = defaultDirectories()): Result<AgentMetadata, string> {
  const lookup = locateAgent(agent, dirs);
  if ("missing" in lookup) return err(lookup.missing);
  const location = lookup.found;
  if (location.kind === "lsb") return describeInitScript(agent.type, location.file);
  const req = { rscId: agent.type, agent, action: "meta-data", intervalMs: 0, timeoutMs: TIMEOUT_MS, params: {} } as const;
  const invocation = invocationFor(req, location, BASE_PATH);
  if (invocation.kind === "answer") return err(`${agentRefText(agent)}: ${invocation.exitReason}`);
  const run = spawnSync(invocation.file, invocation.args, {
    env: invocation.env, input: invocation.stdin ?? "", timeout: TIMEOUT_MS, maxBuffer: OUTPUT_LIMIT_BYTES, encoding: "utf8", killSignal: "SIGKILL",
  });
  if (run.error !== undefined) return err(`${agentRefText(agent)}: meta-data failed: ${run.error.message}`);
  if (run.status !== 0) return err(`${agentRefText(agent)}: meta-data exited with ${run.status ?? run.signal}`);
  const parsed = parseMetadata(run.stdout);
  return parsed.ok ? parsed : err(`${agentRefText(agent)}: ${parsed.error}`);
}

function describeInitScript(name: string, file: string): Result<AgentMetadata, string> {
  let script: string;
  try {
    script = readFileSync(file, "utf8");
  } catch (error) {
    return err(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseMetadata(lsbMetadataXml(name, script));
}
