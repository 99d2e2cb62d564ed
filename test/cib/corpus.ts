import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";

/** The repository root (tests run from dist/test/cib/). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Pacemaker's scheduler regression inputs, beside the checkout when present. */
export const schedulerCorpus = join(repoRoot, "..", "shared", "conformance", "scheduler", "public");

export function corpusFiles(): string[] {
  if (!existsSync(schedulerCorpus)) return [];
  return readdirSync(schedulerCorpus).filter((name) => name.endsWith(".xml")).sort().map((name) => join(schedulerCorpus, name));
}

export function hasProgram(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}
