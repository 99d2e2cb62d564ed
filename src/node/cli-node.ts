import { parseArgs } from "node:util";
import { UsageError, type CliCommand } from "../cli/command.js";
import { runNode } from "./daemon/run.js";
import { renderStatus, type NodeStatus } from "./daemon/status.js";
import { QuorateClient } from "./ipc/client.js";

export const defaultRunDir = "/run/quorate";
export const defaultStateDir = "/var/lib/quorate";

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive integer (got "${value}")`);
  return Number(value);
}

/** `quorate start [--config FILE] [--nodeid N] [--run-dir DIR] [--state-dir DIR]` */
export const start: CliCommand = async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c", default: "/etc/corosync/corosync.conf" },
      nodeid: { type: "string", short: "n" },
      "run-dir": { type: "string" },
      "state-dir": { type: "string" },
    },
  });
  const runDir = values["run-dir"] ?? defaultRunDir;
  // Where the ring seq is kept; with only --run-dir (tests, demo) it lives there too.
  const stateDir = values["state-dir"] ?? (values["run-dir"] === undefined ? defaultStateDir : runDir);
  const nodeid = positiveInt(values.nodeid, "--nodeid");
  return runNode({ configFile: values.config, runDir, stateDir, ...(nodeid === undefined ? {} : { nodeid }) });
};

const clientOptions = { "run-dir": { type: "string", default: defaultRunDir }, json: { type: "boolean", default: false } } as const;

/** Connects to the local node, runs `body`, closes; an operating error (no node, a refusal) is printed as `quorate NAME: why`. */
async function withNode(name: string, runDir: string, body: (client: QuorateClient) => Promise<void>): Promise<number> {
  let client: QuorateClient | undefined;
  try {
    client = await QuorateClient.connect(runDir);
    await body(client);
    return 0;
  } catch (error) {
    process.stderr.write(`quorate ${name}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    client?.close();
  }
}

/** `quorate status [--run-dir DIR] [--json]` */
export const status: CliCommand = async (args) => {
  const { values } = parseArgs({ args, options: clientOptions });
  return withNode("status", values["run-dir"], async (client) => {
    const result = await client.status<NodeStatus>();
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderStatus(result));
  });
};

/**
 * `quorate quorum expected N [--run-dir DIR] [--json]` (corosync-quorumtool -e N):
 * new expected votes for the whole cluster; waits until the local node applies it.
 */
export const quorum: CliCommand = async (args) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: clientOptions });
  if (positionals[0] !== "expected" || positionals.length !== 2) throw new UsageError("usage: quorate quorum expected N [--run-dir DIR] [--json]");
  const expected = positiveInt(positionals[1], "expected votes")!;
  return withNode("quorum", values["run-dir"], async (client) => {
    await client.setExpectedVotes(expected);
    const status = await appliedExpected(client, expected, 5000);
    if (status === undefined) throw new Error(`expected votes ${expected} not applied within 5 s`);
    process.stdout.write(values.json ? `${JSON.stringify(status.quorum, null, 2)}\n` : renderStatus(status));
  });
};

/** Polls the local status until expected votes show the new value (it goes round the ring first). */
async function appliedExpected(client: QuorateClient, expected: number, timeoutMs: number): Promise<NodeStatus | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const status = await client.status<NodeStatus>();
    if (status.quorum.expected_votes === expected) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
