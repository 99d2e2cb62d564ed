import { parseIntervalMs, parseScore } from "../../cib/index.js";
import type { Configuration } from "./config.js";
import { isReferenceElement } from "./ids.js";
import { type XmlElement, childElements, descendants } from "./xml.js";

export interface Problem {
  severity: "error" | "warning";
  /** The object the problem is in (its id), for "where". */
  object: string;
  message: string;
}

/** Agent metadata as far as verify needs it. */
export interface AgentInfo {
  parameters: { name: string; required: boolean }[];
}
/**
 * Looks up an agent's metadata: its info, "not-installed" when this machine has
 * agents of that class and provider but not this one, undefined when it cannot tell.
 */
export type AgentLookup = (cls: string, provider: string | undefined, type: string) => AgentInfo | "not-installed" | undefined;

function agentName(el: XmlElement): string {
  const provider = el.attrs.get("provider");
  return [el.attrs.get("class"), provider, el.attrs.get("type")].filter((part) => part !== undefined).join(":");
}

const ROLES = new Set(["Started", "Stopped", "Slave", "Master", "Promoted", "Unpromoted"]);

const AGENT_CLASSES = new Set(["ocf", "lsb", "systemd", "service", "stonith", "upstart", "nagios", "heartbeat", "alert"]);
const CONSTRAINT_REFS: Record<string, string[]> = {
  rsc_location: ["rsc"], rsc_colocation: ["rsc", "with-rsc"], rsc_order: ["first", "then"], rsc_ticket: ["rsc"],
};
const validScore = (text: string) => parseScore(text) !== undefined;
const validDuration = (text: string) => parseIntervalMs(text) !== undefined;

/** Checks a configuration the way `crm configure verify` and the CIB schema would; errors block commit. */
export function verifyConfiguration(config: Configuration, lookup?: AgentLookup): Problem[] {
  const problems: Problem[] = [];
  const root = config.configuration;
  const byId = new Map<string, XmlElement>();
  for (const el of descendants(root)) {
    const id = el.attrs.get("id");
    if (id === undefined || isReferenceElement(el) || el.name === "node") continue;
    if (byId.has(id)) problems.push(error(id, `duplicate id ${id}: <${byId.get(id)?.name ?? ""}> and <${el.name}>`));
    else byId.set(id, el);
  }
  const resources = new Set<string>();
  const resourceSection = config.section("resources");
  if (resourceSection !== undefined) {
    for (const el of descendants(resourceSection)) if (el !== resourceSection && el.attrs.has("id") && el.name !== "op") resources.add(el.attrs.get("id") ?? "");
  }
  const tags = new Set(childElements(config.section("tags") ?? root, "tag").map((t) => t.attrs.get("id") ?? ""));
  const known = (id: string) => resources.has(id) || tags.has(id);
  for (const constraint of childElements(config.section("constraints") ?? root)) {
    problems.push(...checkConstraint(constraint, known));
  }
  if (resourceSection !== undefined) {
    for (const el of descendants(resourceSection)) {
      if (el.name === "primitive" || el.name === "template") problems.push(...checkPrimitive(el, byId, lookup));
    }
  }
  return problems;
}

function error(object: string, message: string): Problem {
  return { severity: "error", object, message };
}

function checkConstraint(constraint: XmlElement, known: (id: string) => boolean): Problem[] {
  const id = constraint.attrs.get("id") ?? "";
  const where = `${constraint.name} ${id}`;
  const problems: Problem[] = [];
  for (const attr of CONSTRAINT_REFS[constraint.name] ?? []) {
    const ref = constraint.attrs.get(attr);
    if (ref !== undefined && !known(ref)) problems.push(error(id, `${where}: ${attr} refers to missing resource ${ref}`));
  }
  for (const set of childElements(constraint, "resource_set")) {
    for (const ref of childElements(set, "resource_ref")) {
      const target = ref.attrs.get("id") ?? "";
      if (!known(target)) problems.push(error(id, `${where}: resource set ${set.attrs.get("id") ?? ""} refers to missing resource ${target}`));
    }
  }
  for (const attr of ["rsc-role", "with-rsc-role", "role"]) {
    const role = constraint.attrs.get(attr);
    if (role !== undefined && !ROLES.has(role)) problems.push(error(id, `${where}: invalid ${attr} '${role}'`));
  }
  for (const set of childElements(constraint, "resource_set")) {
    const role = set.attrs.get("role");
    if (role !== undefined && !ROLES.has(role)) problems.push(error(id, `${where}: resource set ${set.attrs.get("id") ?? ""} has invalid role '${role}'`));
  }
  if (constraint.name === "rsc_colocation" && constraint.attrs.has("score-attribute")) {
    problems.push(error(id, `${where}: invalid score '${constraint.attrs.get("score-attribute") ?? ""}' (a number, inf or -inf)`));
  }
  const score = constraint.attrs.get("score");
  if (score !== undefined && !validScore(score)) problems.push(error(id, `${where}: invalid score '${score}'`));
  for (const rule of childElements(constraint, "rule")) {
    const ruleScore = rule.attrs.get("score");
    if (ruleScore !== undefined && !validScore(ruleScore)) problems.push(error(id, `${where}: rule ${rule.attrs.get("id") ?? ""} has invalid score '${ruleScore}'`));
  }
  return problems;
}

function checkPrimitive(el: XmlElement, byId: Map<string, XmlElement>, lookup: AgentLookup | undefined): Problem[] {
  const id = el.attrs.get("id") ?? "";
  const problems: Problem[] = [];
  const template = el.attrs.get("template");
  if (template !== undefined && byId.get(template)?.name !== "template") problems.push(error(id, `primitive ${id}: template ${template} does not exist`));
  const cls = el.attrs.get("class");
  if (cls !== undefined && !AGENT_CLASSES.has(cls)) problems.push(error(id, `primitive ${id}: unknown resource agent class '${cls}'`));
  for (const op of descendants(el)) {
    if (op.name !== "op") continue;
    const role = op.attrs.get("role");
    if (role !== undefined && !ROLES.has(role)) problems.push(error(id, `primitive ${id}: op ${op.attrs.get("name") ?? ""} has invalid role '${role}'`));
    for (const attr of ["interval", "timeout", "start-delay"]) {
      const value = op.attrs.get(attr);
      if (value !== undefined && !validDuration(value)) {
        problems.push(error(id, `primitive ${id}: op ${op.attrs.get("name") ?? ""} has invalid ${attr} '${value}'`));
      }
    }
  }
  if (cls !== undefined && lookup !== undefined && template === undefined) {
    const info = lookup(cls, el.attrs.get("provider"), el.attrs.get("type") ?? "");
    if (info === "not-installed") {
      problems.push(error(id, `primitive ${id}: resource agent ${agentName(el)} is not installed`));
      return problems;
    }
    const given = new Set(childElements(el, "instance_attributes").flatMap((set) => childElements(set, "nvpair").map((nv) => nv.attrs.get("name"))));
    for (const param of info?.parameters ?? []) {
      if (param.required && !given.has(param.name)) problems.push(error(id, `primitive ${id}: required parameter ${param.name} is missing`));
    }
  }
  return problems;
}
