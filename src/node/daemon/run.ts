import { mkdir, readFile } from "node:fs/promises";
import { loadConfigFile } from "../config/load.js";
import { formatDiagnostic } from "../config/syntax.js";
import { authkeyBytesMin } from "../driver/seal.js";
import { findIdentity } from "./identity.js";
import { Logger } from "./log.js";
import { ClusterNode } from "./node.js";
import { RingSeqFileError } from "../driver/stack-driver.js";
import { votequorumOptions } from "../config/quorum.js";

/** One exit status per fatal reason, so an operator can tell them apart without the log. */
export const exitCodes = { ok: 0, usage: 2, config: 8, authkey: 9, identity: 10, bind: 11, stateDir: 12 } as const;

export interface StartOptions {
  configFile: string;
  nodeid?: number;
  runDir: string;
  stateDir: string;
}

function fail(code: number, message: string): number {
  process.stderr.write(`quorate start: ${message}\n`);
  return code;
}

/** Runs a node in the foreground until SIGTERM/SIGINT. Nothing starts on a bad configuration. */
export async function runNode(options: StartOptions): Promise<number> {
  const loaded = await loadConfigFile(options.configFile);
  const warnings = loaded.ok ? loaded.value.warnings : loaded.error.warnings;
  for (const warning of warnings) process.stderr.write(`warning: ${formatDiagnostic(warning)}\n`);
  if (!loaded.ok) {
    for (const error of loaded.error.errors) process.stderr.write(`error: ${formatDiagnostic(error)}\n`);
    return fail(exitCodes.config, `${options.configFile} is not valid; nothing started`);
  }
  const config = loaded.value.config;
  const identity = await findIdentity(config, options.nodeid, (why) => process.stderr.write(`quorate start: ${why}\n`));
  if (!identity.ok) return fail(exitCodes.identity, identity.error);
  const quorum = votequorumOptions(config, identity.value.nodeid);
  if (quorum !== null && !quorum.ok) return fail(exitCodes.config, quorum.error.join("; "));
  let authkey: Buffer | undefined;
  if (config.cipher !== "none" || config.hash !== "none") {
    try {
      authkey = await readFile(config.keyfile);
    } catch (error) {
      return fail(exitCodes.authkey, `cannot read the authkey ${config.keyfile}: ${(error as NodeJS.ErrnoException).code} (create one with quorate keygen -k ${config.keyfile})`);
    }
    if (authkey.length < authkeyBytesMin) return fail(exitCodes.authkey, `the authkey ${config.keyfile} has ${authkey.length} bytes; at least ${authkeyBytesMin} are needed`);
  }
  try {
    await mkdir(options.runDir, { recursive: true, mode: 0o700 });
    await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return fail(exitCodes.stateDir, `cannot create ${options.runDir} or ${options.stateDir}: ${(error as Error).message}`);
  }
  const logger = new Logger(config.logging, identity.value.nodeid);
  let node: ClusterNode;
  try {
    node = new ClusterNode({ config, identity: identity.value, quorum: quorum?.value ?? null, authkey, runDir: options.runDir, stateDir: options.stateDir, logger });
  } catch (error) {
    if (!(error instanceof RingSeqFileError)) throw error;
    return fail(exitCodes.stateDir, `${error.message}; refusing to guess a ring seq (move the file away to start from 0)`);
  }
  try {
    await node.start();
  } catch (error) {
    await node.stop().catch(() => undefined);
    return fail(exitCodes.bind, (error as Error).message);
  }
  return new Promise((resolve) => {
    const shutdown = (signal: string) => {
      logger.log("notice", "main", `${signal}: shutting down`);
      void node.stop().then(() => resolve(exitCodes.ok));
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
}
