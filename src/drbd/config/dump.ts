import type { DrbdConfig, OptionEntry, Sections } from "./model.js";
import { SECTION_NAMES } from "./model.js";

function quote(value: string): string {
  return /^[A-Za-z0-9_.:/@+-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;
}

function entryLine(entry: OptionEntry): string {
  return entry.value === undefined ? `${entry.key};` : `${entry.key} ${quote(entry.value)};`;
}

function sectionLines(sections: Sections, indent: string): string[] {
  const lines: string[] = [];
  for (const name of SECTION_NAMES) {
    const entries = sections[name];
    if (entries.length === 0) continue;
    lines.push(`${indent}${name} {`, ...entries.map((e) => `${indent}    ${entryLine(e)}`), `${indent}}`);
  }
  return lines;
}

/** The parsed configuration in drbd.conf syntax, the way `drbdadm dump` prints it. */
export function dumpConfig(config: DrbdConfig, node: string, only?: string): string {
  const lines = [`# ${config.file}`];
  if (config.usageCount !== undefined) lines.push("global {", `    usage-count ${config.usageCount};`, "}", "");
  const common = sectionLines(config.common, "    ");
  if (common.length > 0) lines.push("common {", ...common, "}", "");
  for (const r of config.resources) {
    if (only !== undefined && r.name !== only) continue;
    // As drbdadm marks it: a resource without an `on` section for this node does not concern it.
    const ignored = r.hosts.some((h) => h.name === node) ? "not ignored" : "ignored";
    lines.push(`# resource ${r.name} on ${node}: ${ignored}, not stacked`, `# defined at ${r.at}`, `resource ${r.name} {`);
    for (const h of r.hosts) {
      lines.push(
        `    on ${h.name} {`,
        `        device ${quote(h.device)} minor ${h.minor};`,
        `        disk ${quote(h.disk)};`,
        `        meta-disk ${quote(h.metaDisk)};`,
        `        address ipv4 ${h.address.host}:${h.address.port};`,
        `        nbd-address ${h.nbdAddress.host}:${h.nbdAddress.port};`,
        ...(h.nbdTls === undefined ? [] : [`        nbd-tls ${h.nbdTls.mode};`, `        nbd-tls-certificates ${quote(h.nbdTls.certificatesDir)};`,
          ...(h.nbdTls.verifyPeer ? ["        nbd-tls-verify-peer yes;"] : [])]),
        ...(h.localDevice === "auto" ? [] : [`        local-device ${h.localDevice};`]),
        "    }",
      );
    }
    lines.push(...sectionLines(r.sections, "    "), "}", "");
  }
  return lines.join("\n");
}
