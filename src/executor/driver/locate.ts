import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertNever } from "../../lib/assert.js";
import type { AgentClass, AgentRef } from "../core/agent.js";
import type { AgentLocation } from "../core/invocation.js";

/** Where agents are looked up. Quorate's own agents (provider `quorate`, fence_quorate) ship in the package. */
export interface AgentDirectories {
  /** Searched in order: $OCF_ROOT (default /usr/lib/ocf), then the package's own. */
  ocfRoots: string[];
  lsbDir: string;
  fenceDirs: string[];
  systemdRunning: boolean;
}

export const PACKAGED_AGENTS = fileURLToPath(new URL("../../../../agents/", import.meta.url));

export function defaultDirectories(env: NodeJS.ProcessEnv = process.env): AgentDirectories {
  return {
    ocfRoots: [env["OCF_ROOT"] || "/usr/lib/ocf", join(PACKAGED_AGENTS, "ocf")],
    lsbDir: "/etc/init.d",
    fenceDirs: ["/usr/sbin", join(PACKAGED_AGENTS, "stonith")],
    // systemd's own marker that it is the running init (sd_booted(3)).
    systemdRunning: existsSync("/run/systemd/system"),
  };
}

export type Lookup = { found: AgentLocation } | { missing: string; status: "not-installed" | "not-connected" };

export function locateAgent(agent: AgentRef, dirs: AgentDirectories): Lookup {
  switch (agent.class) {
    case "ocf":
      for (const root of dirs.ocfRoots) {
        const file = join(root, "resource.d", agent.provider, agent.type);
        if (isExecutable(file)) return { found: { kind: "ocf", file, ocfRoot: root } };
      }
      return { missing: `ocf:${agent.provider}:${agent.type} is not installed (looked in ${dirs.ocfRoots.map((r) => join(r, "resource.d")).join(", ")})`, status: "not-installed" };
    case "lsb":
      return lsbLookup(agent.type, dirs);
    case "stonith": {
      const file = dirs.fenceDirs.map((dir) => join(dir, agent.type)).find(isExecutable);
      return file !== undefined ? { found: { kind: "stonith", file } } : { missing: `fence agent ${agent.type} is not installed (looked in ${dirs.fenceDirs.join(", ")})`, status: "not-installed" };
    }
    case "systemd":
      if (!dirs.systemdRunning) return { missing: "systemd is not available: it is not the running init on this host", status: "not-connected" };
      return { found: { kind: "systemd", unit: unitName(agent.type) } };
    case "service":
      if (dirs.systemdRunning && unitFileExists(unitName(agent.type))) return { found: { kind: "systemd", unit: unitName(agent.type) } };
      return lsbLookup(agent.type, dirs);
    default:
      return assertNever(agent, "agent class");
  }
}

function lsbLookup(type: string, dirs: AgentDirectories): Lookup {
  const file = join(dirs.lsbDir, type);
  return isExecutable(file) ? { found: { kind: "lsb", file } } : { missing: `init script ${file} is not installed`, status: "not-installed" };
}

function unitName(type: string): string {
  return /\.(service|socket|timer|target|mount)$/.test(type) ? type : `${type}.service`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function executablesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith(".") && isExecutable(join(dir, name)));
  } catch {
    return [];
  }
}

/** The unit search path of systemd(1) for system units; cheaper than asking systemctl on every lookup. */
const UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

function unitFileExists(unit: string): boolean {
  return UNIT_DIRS.some((dir) => existsSync(join(dir, unit)));
}

/** All service units systemctl knows (listing only: `crm ra list systemd`). */
function systemdUnits(): string[] {
  const run = spawnSync("systemctl", ["list-unit-files", "--type=service", "--no-legend", "--plain"], { encoding: "utf8", timeout: 10_000 });
  if (run.status !== 0) return [];
  return run.stdout.split("\n").map((line) => line.split(/\s+/)[0] ?? "").filter((name) => name.endsWith(".service"));
}

/** The classes this host can run (systemd only where it is the init), as `crm ra classes` shows them. */
export function availableClasses(dirs: AgentDirectories): AgentClass[] {
  return dirs.systemdRunning ? ["lsb", "ocf", "service", "stonith", "systemd"] : ["lsb", "ocf", "service", "stonith"];
}

export function ocfProviders(dirs: AgentDirectories, type?: string): string[] {
  const providers = new Set<string>();
  for (const root of dirs.ocfRoots) {
    const base = join(root, "resource.d");
    for (const provider of safeReaddir(base)) {
      if (type === undefined || isExecutable(join(base, provider, type))) providers.add(provider);
    }
  }
  return [...providers].sort();
}

/** Agent types of a class (and ocf provider), sorted like crmsh lists them. */
export function listAgents(klass: AgentClass, dirs: AgentDirectories, provider?: string): string[] {
  const types = new Set<string>();
  switch (klass) {
    case "ocf":
      for (const root of dirs.ocfRoots) {
        for (const p of provider === undefined ? safeReaddir(join(root, "resource.d")) : [provider]) {
          for (const type of executablesIn(join(root, "resource.d", p))) types.add(type);
        }
      }
      break;
    case "stonith":
      for (const dir of dirs.fenceDirs) for (const name of executablesIn(dir)) if (name.startsWith("fence_")) types.add(name);
      break;
    case "lsb":
      for (const name of executablesIn(dirs.lsbDir)) types.add(name);
      break;
    case "systemd":
    case "service":
      if (dirs.systemdRunning) for (const unit of systemdUnits()) types.add(unit.replace(/\.service$/, ""));
      if (klass === "service") for (const name of executablesIn(dirs.lsbDir)) types.add(name);
      break;
    default:
      assertNever(klass, "agent class");
  }
  return [...types].sort();
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith("."));
  } catch {
    return [];
  }
}
