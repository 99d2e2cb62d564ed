import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentRef, OpRequest } from "../../src/executor/index.js";

export const isRoot = process.getuid?.() === 0;

/** Why a test that needs these agents cannot run here, or undefined when it can. */
export function missingAgent(...files: string[]): string | undefined {
  const absent = files.filter((file) => !existsSync(file));
  return absent.length > 0 ? `not installed: ${absent.join(", ")} (Debian resource-agents / pacemaker-resource-agents / fence-agents)` : undefined;
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `quorate-executor-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** An operation with the defaults every test would otherwise repeat. */
export function op(rscId: string, agent: AgentRef, action: OpRequest["action"], params: Record<string, string>, extra: Partial<OpRequest> = {}): OpRequest {
  return { rscId, agent, action, intervalMs: 0, timeoutMs: 20_000, params, ...extra };
}

/** Polls until check() is true or the deadline passes (tests never sleep blindly). */
export async function waitFor(check: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 10));
  }
}
