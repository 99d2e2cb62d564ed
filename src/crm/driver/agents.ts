import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type XmlElement, parseXml } from "../../cib/index.js";
import type { AgentInfo, AgentLookup } from "../core/verify.js";
import { childElements, descendants } from "../core/xml.js";

const OCF_ROOT = process.env["OCF_ROOT"] ?? "/usr/lib/ocf";
const META_DATA_TIMEOUT_MS = 5000;

/** Metadata of installed OCF agents (`AGENT meta-data`), read once per agent. Others: unknown. */
export function agentLookup(): AgentLookup {
  const cache = new Map<string, AgentInfo | "not-installed" | undefined>();
  return (cls, provider, type) => {
    if (cls !== "ocf" || provider === undefined || !/^[\w.+-]+$/.test(provider) || !/^[\w.+-]+$/.test(type)) return undefined;
    const key = `${provider}:${type}`;
    if (!cache.has(key)) cache.set(key, readOcfMetadata(provider, type));
    return cache.get(key);
  };
}

export function ocfAgentPath(provider: string, type: string): string {
  return join(OCF_ROOT, "resource.d", provider, type);
}

function readOcfMetadata(provider: string, type: string): AgentInfo | "not-installed" | undefined {
  const path = ocfAgentPath(provider, type);
  if (!existsSync(path)) return existsSync(join(OCF_ROOT, "resource.d", provider)) ? "not-installed" : undefined;
  let text: string;
  try {
    text = execFileSync(path, ["meta-data"], {
      env: { ...process.env, OCF_ROOT },
      timeout: META_DATA_TIMEOUT_MS,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined; // an agent that cannot describe itself is treated as not installed
  }
  const parsed = parseXml(text, path);
  if (!parsed.ok) return undefined;
  return { parameters: parameters(parsed.value.root) };
}

function parameters(root: XmlElement): AgentInfo["parameters"] {
  const list = descendants(root).find((el) => el.name === "parameters");
  if (list === undefined) return [];
  return childElements(list, "parameter").map((p) => ({
    name: p.attrs.get("name") ?? "",
    required: p.attrs.get("required") === "1" || p.attrs.get("required") === "true",
  }));
}

/** `class:provider:type` names of installed agents, for completion. */
export function installedAgents(): string[] {
  const names: string[] = [];
  const ocf = join(OCF_ROOT, "resource.d");
  for (const provider of safeList(ocf)) for (const type of safeList(join(ocf, provider))) names.push(`ocf:${provider}:${type}`);
  for (const script of safeList("/etc/init.d")) names.push(`lsb:${script}`);
  for (const fence of safeList("/usr/sbin")) if (fence.startsWith("fence_")) names.push(`stonith:${fence}`);
  return names;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
