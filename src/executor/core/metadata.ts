import { err, ok, type Result } from "../../lib/result.js";
import { childElements, firstChild, formatCibError, parseXml, textContent, type XmlElement } from "../../cib/index.js";

export interface ParameterInfo {
  name: string;
  required: boolean;
  unique: boolean;
  reloadable: boolean;
  type: string;
  default: string | undefined;
  shortdesc: string;
  longdesc: string;
}

export interface ActionInfo {
  name: string;
  timeoutMs: number | undefined;
  intervalMs: number | undefined;
  depth: number | undefined;
  role: string | undefined;
  /** The attributes as written ("20s"), for display like crmsh. */
  attributes: Record<string, string>;
}

/** An agent's self-description (the OCF meta-data action, or a fence agent's `metadata`). */
export interface AgentMetadata {
  name: string;
  version: string | undefined;
  shortdesc: string;
  longdesc: string;
  parameters: ParameterInfo[];
  actions: ActionInfo[];
}

/** Parses meta-data XML; errors name the position and what was wrong. */
export function parseMetadata(xml: string): Result<AgentMetadata, string> {
  const parsed = parseXml(xml, "meta-data");
  if (!parsed.ok) return err(`invalid meta-data XML: ${formatCibError(parsed.error)}`);
  const root = parsed.value.root;
  if (root.name !== "resource-agent") return err(`invalid meta-data: the root element is <${root.name}>, not <resource-agent>`);
  const parameters: ParameterInfo[] = [];
  for (const element of childElements(firstChild(root, "parameters") ?? root, "parameter")) {
    const parameter = parseParameter(element);
    if (!parameter.ok) return parameter;
    parameters.push(parameter.value);
  }
  const actions: ActionInfo[] = [];
  for (const element of childElements(firstChild(root, "actions") ?? root, "action")) {
    const action = parseAction(element);
    if (!action.ok) return action;
    actions.push(action.value);
  }
  return ok({
    name: attribute(root, "name") ?? "",
    version: optionalText(firstChild(root, "version")) ?? attribute(root, "version"),
    // Fence agents put shortdesc in an attribute of <resource-agent>.
    shortdesc: description(root, "shortdesc") || (attribute(root, "shortdesc") ?? ""),
    longdesc: description(root, "longdesc"),
    parameters,
    actions,
  });
}

function description(element: XmlElement, which: "shortdesc" | "longdesc"): string {
  const all = childElements(element, which);
  const english = all.find((child) => (attribute(child, "lang") ?? "en") === "en") ?? all[0];
  return optionalText(english) ?? "";
}

function parseParameter(element: XmlElement): Result<ParameterInfo, string> {
  const name = attribute(element, "name");
  if (name === undefined || name === "") return err("invalid meta-data: a <parameter> has no name");
  const content = firstChild(element, "content");
  return ok({
    name,
    required: isTrue(attribute(element, "required")),
    unique: isTrue(attribute(element, "unique")),
    reloadable: isTrue(attribute(element, "reloadable")),
    type: (content && attribute(content, "type")) ?? "string",
    default: content && attribute(content, "default"),
    shortdesc: description(element, "shortdesc"),
    longdesc: description(element, "longdesc"),
  });
}

function parseAction(element: XmlElement): Result<ActionInfo, string> {
  const attributes = Object.fromEntries(element.attrs);
  const name = attributes["name"];
  if (name === undefined || name === "") return err("invalid meta-data: an <action> has no name");
  const timeoutMs = optionalDuration(attributes["timeout"]);
  const intervalMs = optionalDuration(attributes["interval"]);
  if (timeoutMs === null) return err(`invalid meta-data: action ${name} has timeout '${attributes["timeout"]}'`);
  if (intervalMs === null) return err(`invalid meta-data: action ${name} has interval '${attributes["interval"]}'`);
  const depth = attributes["depth"] === undefined ? undefined : Number(attributes["depth"]);
  return ok({ name, timeoutMs, intervalMs, depth: Number.isInteger(depth) ? depth : undefined, role: attributes["role"], attributes });
}

function attribute(element: XmlElement, name: string): string | undefined {
  return element.attrs.get(name);
}

function optionalText(element: XmlElement | undefined): string | undefined {
  return element === undefined ? undefined : textContent(element).trim();
}

function optionalDuration(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text);
  return ms.ok ? ms.value : null;
}

function isTrue(text: string | undefined): boolean {
  return text !== undefined && ["1", "true", "yes", "on"].includes(text.toLowerCase());
}

const UNIT_MS: Record<string, number> = { "": 1000, s: 1000, sec: 1000, ms: 1, msec: 1, us: 0.001, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000 };

/** Pacemaker time specs: a number with an optional unit (s by default): 20, 20s, 500ms, 2min, 1h. */
export function parseDurationMs(text: string): Result<number, string> {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNIT_MS[match?.[2]?.toLowerCase() ?? "?"];
  if (match === null || unit === undefined) return err(`'${text}' is not a duration (like 20s, 500ms, 2min)`);
  return ok(Math.round(Number(match[1]) * unit));
}

/** Whether the agent advertises an action (validate-all before the first start only when it does). */
export function supportsAction(metadata: AgentMetadata, action: string): boolean {
  return metadata.actions.some((entry) => entry.name === action);
}
