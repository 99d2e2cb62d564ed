import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where Debian's pacemaker-common installs Pacemaker's RELAX NG schemas. */
export const PACEMAKER_SCHEMA_DIRECTORY = "/usr/share/pacemaker";

const SCHEMA_CHECK_TIMEOUT_MS = 30_000;

export type SchemaCheck =
  | { status: "valid"; schema: string }
  | { status: "invalid"; schema: string; errors: string[] }
  | { status: "unavailable"; reason: string };

/** The newest `pacemaker-<major>.<minor>.rng` in the directory, or undefined. */
export function latestSchema(directory = PACEMAKER_SCHEMA_DIRECTORY): string | undefined {
  if (!existsSync(directory)) return undefined;
  const versions = readdirSync(directory)
    .map((name) => /^pacemaker-(\d+)\.(\d+)\.rng$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]));
  const newest = versions[versions.length - 1];
  return newest ? join(directory, newest[0]) : undefined;
}

/** The schema a `validate-with` value names (e.g. "pacemaker-3.7"), when installed. */
export function schemaFor(validateWith: string, directory = PACEMAKER_SCHEMA_DIRECTORY): string | undefined {
  if (!/^pacemaker-[\d.]+$/.test(validateWith)) return undefined;
  const path = join(directory, `${validateWith}.rng`);
  return existsSync(path) ? path : undefined;
}

/**
 * Validates CIB text with `xmllint --relaxng` against Pacemaker's schema (the
 * newest installed one unless given). "unavailable" when xmllint or the
 * schemas are missing, so callers can say so instead of failing.
 */
export async function validateWithPacemakerSchema(text: string, name = "cib.xml", schema = latestSchema()): Promise<SchemaCheck> {
  if (!schema) return { status: "unavailable", reason: `no Pacemaker RELAX NG schema in ${PACEMAKER_SCHEMA_DIRECTORY} (Debian package pacemaker-common)` };
  const run = await runXmllint(["--noout", "--relaxng", schema, "-"], text);
  if (run.spawnError) return { status: "unavailable", reason: `xmllint cannot run (Debian package libxml2-utils): ${run.spawnError}` };
  if (run.code === 0) return { status: "valid", schema };
  const errors = run.stderr.split("\n").filter((line) => line.trim() !== "" && !/^- fails to validate$/.test(line))
    .map((line) => line.replace(/^-:/, `${name}:`));
  return { status: "invalid", schema, errors };
}

interface XmllintRun {
  code: number | null;
  stderr: string;
  spawnError?: string;
}

function runXmllint(args: string[], input: string): Promise<XmllintRun> {
  return new Promise((resolve) => {
    const child = spawn("xmllint", args, { stdio: ["pipe", "ignore", "pipe"], signal: AbortSignal.timeout(SCHEMA_CHECK_TIMEOUT_MS) });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => resolve({ code: null, stderr, spawnError: error.message }));
    child.on("close", (code) => resolve({ code, stderr }));
    child.stdin.on("error", () => undefined); // xmllint may exit before reading everything; its exit status tells why
    child.stdin.end(input);
  });
}
