import { spawnSync } from "node:child_process";
import { CrmError } from "../core/errors.js";
import { replaceObjects } from "../core/replace.js";
import type { ConfigureSession } from "../core/session.js";

const FILTER_TIMEOUT_MS = 30_000;

/** `filter COMMAND [ID...]`: pipes the objects' `show` text through a shell command and loads the result back. */
export async function runFilter(session: ConfigureSession, command: string, ids: string[]): Promise<void> {
  const before = session.show(ids.length === 0 ? undefined : new Set(ids), true);
  const result = spawnSync("/bin/sh", ["-c", command], { input: `${before}\n`, encoding: "utf8", timeout: FILTER_TIMEOUT_MS });
  if (result.error !== undefined) throw new CrmError(`filter: ${result.error.message}`);
  if (result.status !== 0) throw new CrmError(`filter: '${command}' exited with status ${result.status ?? "?"}: ${result.stderr.trim()}`);
  session.edit((config) => replaceObjects(config, ids, result.stdout, session.retired));
}
