import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { err, ok, type Result } from "../../lib/result.js";
import { buildConfig } from "./build.js";
import type { DrbdConfig, HostConfig, ResourceConfig } from "./model.js";
import { ConfigError, parseStatements, type Statement } from "./syntax.js";

export const DEFAULT_CONFIG = "/etc/drbd.conf";
const INCLUDE_DEPTH_MAX = 8;

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** Files an include pattern names, sorted; wildcards are allowed in the last path component. */
function expandInclude(pattern: string, relativeTo: string): string[] {
  const full = isAbsolute(pattern) ? pattern : join(dirname(relativeTo), pattern);
  const name = basename(full);
  if (!/[*?]/.test(name)) return [full];
  const dir = dirname(full);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return []; // DRBD treats a glob that matches nothing as empty
  }
  const matcher = globToRegExp(name);
  return entries.filter((e) => matcher.test(e)).sort().map((e) => join(dir, e));
}

function readExpanded(file: string, depth: number, from: Statement | undefined): Statement[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    if (from === undefined) throw new ConfigError(file, 0, `cannot read (${why})`);
    throw new ConfigError(from.file, from.line, `include ${file}: cannot read (${why})`);
  }
  const out: Statement[] = [];
  for (const s of parseStatements(text, file)) {
    if (s.words[0] !== "include") {
      out.push(s);
      continue;
    }
    if (s.words.length !== 2 || s.block !== undefined) throw new ConfigError(s.file, s.line, 'expected include "PATTERN";');
    if (depth >= INCLUDE_DEPTH_MAX) throw new ConfigError(s.file, s.line, "includes nested too deeply (a loop?)");
    for (const included of expandInclude(s.words[1]!, file)) out.push(...readExpanded(included, depth + 1, s));
  }
  return out;
}

/** Reads drbd.conf and its includes. Errors name file:line; a bad file yields no configuration at all. */
export function loadConfig(file: string): Result<DrbdConfig, string> {
  try {
    return ok(buildConfig(readExpanded(file, 0, undefined), file));
  } catch (error) {
    if (error instanceof ConfigError) return err(error.message);
    throw error;
  }
}

/** Parses configuration text that has no includes (tests, stdin). */
export function parseConfigText(text: string, file: string): Result<DrbdConfig, string> {
  try {
    return ok(buildConfig(parseStatements(text, file), file));
  } catch (error) {
    if (error instanceof ConfigError) return err(error.message);
    throw error;
  }
}

export interface LocalResource {
  resource: ResourceConfig;
  local: HostConfig;
  peer: HostConfig;
}

/** The local and peer sections of a resource, chosen by node name. */
export function selectHost(resource: ResourceConfig, node: string): Result<LocalResource, string> {
  const local = resource.hosts.find((h) => h.name === node);
  const peer = resource.hosts.find((h) => h.name !== node);
  if (local === undefined || peer === undefined) {
    return err(`${resource.at}: resource ${resource.name} has no 'on ${node}' section (hosts: ${resource.hosts.map((h) => h.name).join(", ")})`);
  }
  return ok({ resource, local, peer });
}
