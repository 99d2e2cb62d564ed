import type { AgentMetadata, ParameterInfo } from "./core/metadata.js";

/** Actions crmsh leaves out of "Operations' defaults": they are not scheduled operations. */
const UNSCHEDULED_ACTIONS = new Set(["meta-data", "metadata", "validate-all"]);

/** `crm ra info` text, laid out as crmsh lays it out. */
export function formatAgentInfo(agentText: string, metadata: AgentMetadata): string {
  const out: string[] = [];
  out.push(metadata.shortdesc ? `${metadata.shortdesc} (${agentText})` : agentText, "");
  if (metadata.longdesc) out.push(metadata.longdesc, "");
  if (metadata.parameters.length > 0) {
    out.push("Parameters (*: required, []: default):", "");
    for (const parameter of metadata.parameters) out.push(...formatParameter(parameter));
  }
  const actions = metadata.actions.filter((action) => !UNSCHEDULED_ACTIONS.has(action.name));
  if (actions.length > 0) {
    out.push("Operations' defaults (advisory minimum):", "");
    for (const action of actions) {
      const settings = Object.entries(action.attributes).filter(([name]) => name !== "name").map(([name, value]) => `${name}=${value}`);
      out.push(`    ${action.name.padEnd(13)} ${settings.join(" ")}`.trimEnd());
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

function formatParameter(parameter: ParameterInfo): string[] {
  const kind = parameter.default !== undefined && parameter.default !== "" ? `${parameter.type}, [${parameter.default}]` : parameter.type;
  // crmsh shows a shortdesc that merely repeats the longdesc as the longdesc alone.
  const short = parameter.shortdesc === parameter.longdesc ? "" : parameter.shortdesc;
  const lines = [`${parameter.name}${parameter.required ? "*" : ""} (${kind}): ${short}`.trimEnd()];
  if (parameter.longdesc) {
    for (const line of parameter.longdesc.split("\n")) lines.push(`    ${line.trim()}`.trimEnd());
  }
  lines.push("");
  return lines;
}

/** Names in columns across an 80-character terminal, as `crm ra list` prints them. */
export function formatColumns(names: readonly string[], widthMax = 80): string {
  if (names.length === 0) return "";
  const column = Math.max(...names.map((name) => name.length)) + 4;
  const perRow = Math.max(1, Math.floor(widthMax / column));
  const rows: string[] = [];
  for (let i = 0; i < names.length; i += perRow) {
    rows.push(names.slice(i, i + perRow).map((name) => name.padEnd(column)).join("").trimEnd());
  }
  return `${rows.join("\n")}\n`;
}
