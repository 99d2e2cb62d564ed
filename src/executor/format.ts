import type { AgentMetadata, ParameterInfo } from "./core/metadata.js";

/** Actions crmsh leaves out of "Operations' defaults": they are not scheduled operations. */
const UNSCHEDULED_ACTIONS = new Set(["meta-data", "validate-all"]);

/** `crm ra info` text, laid out as crmsh lays it out. */
export function formatAgentInfo(agentText: string, metadata: AgentMetadata): string {
  const out: string[] = [];
  out.push(metadata.shortdesc ? `${metadata.shortdesc} (${agentText})` : agentText, "");
  if (metadata.longdesc) out.push(metadata.longdesc, "");
  if (metadata.parameters.length > 0) {
    out.push("Parameters (*: required, []: default):", "");
    for (const parameter of metadata.parameters) out.push(...formatParameter(parameter));
    if (out.at(-1) !== "") out.push("");
  }
  const actions = metadata.actions.filter((action) => !UNSCHEDULED_ACTIONS.has(action.name));
  if (actions.length > 0) {
    out.push("Operations' defaults (advisory minimum):", "");
    for (const action of actions) {
      const settings = Object.entries(action.attributes).filter(([name]) => name !== "name").map(([name, value]) => `${name}=${value}`);
      out.push(`    ${action.name.padEnd(13)} ${settings.join(" ")}`);
    }
  }
  return `${out.join("\n")}\n`;
}

function formatParameter(parameter: ParameterInfo): string[] {
  const kind = parameter.default !== undefined && parameter.default !== "" ? `${parameter.type}, [${parameter.default}]` : parameter.type;
  // crmsh leaves out a shortdesc that merely repeats the name or the longdesc.
  const repeats = parameter.shortdesc === parameter.longdesc || parameter.shortdesc === parameter.name;
  const lines = [`${parameter.name}${parameter.required ? "*" : ""} (${kind}): ${repeats ? "" : parameter.shortdesc}`];
  if (parameter.longdesc === "") return lines;
  for (const line of dedent(parameter.longdesc.split("\n"))) lines.push(`    ${line}`);
  lines.push("");
  return lines;
}

/** Removes the indentation all non-blank lines share (blank lines become empty). */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== "").map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => (line.trim() === "" ? "" : line.slice(common)));
}

/** Names in columns across an 80-character terminal, padded as `crm ra list` pads them. */
export function formatColumns(names: readonly string[], widthMax = 80): string {
  if (names.length === 0) return "";
  const perRow = Math.max(1, Math.floor(widthMax / (Math.max(...names.map((name) => name.length)) + 2)));
  const column = Math.floor(widthMax / perRow);
  const rows: string[] = [];
  for (let i = 0; i < names.length; i += perRow) {
    const row = names.slice(i, i + perRow).map((name) => name.padEnd(column)).join("");
    // crmsh pads every name but the last of a full row.
    rows.push(i + perRow <= names.length ? row.trimEnd() : row);
  }
  return `${rows.join("\n")}\n`;
}
