import type { Constraint, LocationConstraint, ResourceSet, SchedulerInput } from "../../cib/index.js";
import type { NodeName, Rsc, SchedNode } from "./model.js";
import { primitivesOf } from "./model.js";
import { addScores, INFINITY, type Score, parseScore, ZERO } from "./score.js";
import { normaliseRole, ruleMatches, ruleScore } from "./rules.js";

export type RoleFilter = "Started" | "Promoted" | "Unpromoted" | undefined;

export interface Location {
  id: string;
  rsc: Rsc;
  role: RoleFilter;
  scores: Map<NodeName, Score>;
  discovery: "always" | "never" | "exclusive";
}

export interface Colocation {
  id: string;
  dependent: Rsc;
  primary: Rsc;
  score: Score;
  dependentRole: RoleFilter;
  primaryRole: RoleFilter;
  nodeAttribute: string;
  /** Applies only once the primary is placed (a bundle replica's connection with its container). */
  whenPrimaryPlaced?: boolean;
}

export type OrderKind = "Mandatory" | "Optional" | "Serialize";

export interface Ordering {
  id: string;
  /** Set id when "first" is one of a require-all=false set: any one member suffices. */
  anyOf: string | undefined;
  /** For a clone "first": how many instances must run (clone-min, or 1 with require-all=false). */
  cloneMin: number | undefined;
  first: Rsc;
  firstAction: string;
  then: Rsc;
  thenAction: string;
  kind: OrderKind;
  /** symmetrical=false: no reverse order for stops, so "then" need not restart when "first" does. */
  oneWay?: boolean;
}

/** rsc_ticket: the resource may run (in a role) only while the ticket is granted. */
export interface TicketDependency {
  id: string;
  rsc: Rsc;
  role: RoleFilter;
  ticket: string;
  lossPolicy: "stop" | "demote" | "fence" | "freeze";
}

export interface Constraints {
  tickets: TicketDependency[];
  locations: Location[];
  colocations: Colocation[];
  orderings: Ordering[];
}

export function roleFilter(role: string | undefined): RoleFilter {
  if (role === undefined) return undefined;
  const r = normaliseRole(role);
  if (r === "promoted") return "Promoted";
  if (r === "unpromoted") return "Unpromoted";
  if (r === "started") return "Started";
  return undefined;
}

/** Resolves constraint references (ids, tags, patterns, sets) to resources. */
export function readConstraints(input: SchedulerInput, resources: Rsc[], nodes: SchedNode[], now: number): Constraints {
  const byId = new Map<string, Rsc>();
  const visit = (r: Rsc): void => {
    byId.set(r.configId, r);
    if (r.kind === "group") r.children.forEach(visit);
    if (r.kind === "clone") {
      const first = r.instances[0];
      if (first !== undefined && !byId.has(first.configId)) byId.set(first.configId, first);
    }
  };
  resources.forEach(visit);
  const tags = new Map(input.tags.map(([tag, ids]) => [tag, ids]));
  for (const p of resources.flatMap(primitivesOf)) {
    const template = p.config.template;
    if (template === undefined || p.parent?.kind === "clone") continue;
    tags.set(template, [...(tags.get(template) ?? []), p.configId]);
  }
  const lookup = (id: string | undefined): Rsc[] => {
    if (id === undefined) return [];
    const direct = byId.get(id);
    if (direct !== undefined) return [direct];
    return (tags.get(id) ?? []).flatMap((member) => (byId.has(member) ? [byId.get(member)!] : []));
  };
  const out: Constraints = { tickets: [], locations: [], colocations: [], orderings: [] };
  for (const c of input.constraints) addConstraint(out, c, lookup, byId, nodes, now);
  return out;
}

function addConstraint(out: Constraints, c: Constraint, lookup: (id: string | undefined) => Rsc[], byId: Map<string, Rsc>, nodes: SchedNode[], now: number): void {
  switch (c.kind) {
    case "location":
      return addLocation(out, c, lookup, byId, nodes, now);
    case "colocation":
      return addColocation(out, c, lookup);
    case "order":
      return addOrdering(out, c, lookup);
    case "ticket": {
      const policy = c.lossPolicy === "demote" || c.lossPolicy === "fence" || c.lossPolicy === "freeze" ? c.lossPolicy : "stop";
      const refs = [...lookup(c.rsc).map((rsc) => ({ rsc, role: c.rscRole })), ...c.sets.flatMap((set) => set.resources.flatMap((id) => lookup(id).map((rsc) => ({ rsc, role: set.role ?? c.rscRole }))))];
      for (const { rsc, role } of refs) out.tickets.push({ id: c.id, rsc, role: roleFilter(role), ticket: c.ticket, lossPolicy: policy });
      return;
    }
  }
}

function addLocation(out: Constraints, c: LocationConstraint, lookup: (id: string | undefined) => Rsc[], byId: Map<string, Rsc>, nodes: SchedNode[], now: number): void {
  let targets: Array<{ rsc: Rsc; role: string | undefined }> = lookup(c.rsc).map((rsc) => ({ rsc, role: c.role }));
  if (c.rscPattern !== undefined) {
    const pattern = new RegExp(c.rscPattern);
    targets = [...byId.entries()].filter(([id]) => pattern.test(id)).map(([, rsc]) => ({ rsc, role: c.role }));
  }
  for (const set of c.sets) for (const id of set.resources) targets.push(...lookup(id).map((rsc) => ({ rsc, role: set.role ?? c.role })));
  const discovery = c.resourceDiscovery === "never" || c.resourceDiscovery === "exclusive" ? c.resourceDiscovery : "always";
  // Rules may each carry their own role; one location entry per role.
  const roles = c.rules.length === 0 ? [undefined] : [...new Set(c.rules.map((r) => r.role))];
  for (const { rsc, role } of targets) {
    for (const ruleRole of roles) {
      const scores = new Map<NodeName, Score>();
      for (const node of nodes) {
        const value = locationScore(c, rsc, node, ruleRole, now);
        if (value !== undefined) scores.set(node.name, value);
      }
      out.locations.push({ id: c.id, rsc, role: roleFilter(ruleRole ?? role), scores, discovery });
    }
  }
}

/** The score a location constraint's rules (those of one role) give a node, or undefined when they say nothing. */
function locationScore(c: LocationConstraint, rsc: Rsc, node: SchedNode, ruleRole: string | undefined, now: number): Score | undefined {
  if (c.node !== undefined) return c.node === node.name ? (parseScore(c.score) ?? ZERO) : undefined;
  const first = primitivesOf(rsc)[0];
  const ctx = {
    node: node.attributes,
    now,
    resource: first ? { class: first.config.class, provider: first.config.provider, type: first.config.type } : undefined,
    meta: rsc.meta,
  };
  let result: Score | undefined;
  for (const rule of c.rules) {
    if (rule.role !== ruleRole || !ruleMatches({ ...rule, role: undefined }, ctx)) continue;
    // Each rule is a location of its own: their scores add up (crm_simulate).
    const value = ruleScore(rule, ctx);
    result = result === undefined ? value : addScores(result, value);
  }
  return result;
}

function addColocation(out: Constraints, c: Extract<Constraint, { kind: "colocation" }>, lookup: (id: string | undefined) => Rsc[]): void {
  const score = parseScore(c.score) ?? ZERO;
  const push = (dependent: Rsc, primary: Rsc, s: Score, depRole: string | undefined, primRole: string | undefined): void => {
    if (dependent === primary) return;
    out.colocations.push({ id: c.id, dependent, primary, score: s, dependentRole: roleFilter(depRole), primaryRole: roleFilter(primRole), nodeAttribute: c.nodeAttribute ?? "#uname" });
  };
  if (c.sets.length === 0) {
    // A template or tag stands for an ordered set of its resources: each is placed
    // with the one before it, and the dependent side's first with the primary side's last.
    const dependents = lookup(c.rsc), primaries = lookup(c.withRsc);
    for (const [side, role] of [[dependents, c.rscRole], [primaries, c.withRscRole]] as const) {
      for (let k = 1; k < side.length; k++) push(side[k]!, side[k - 1]!, score, role, role);
    }
    const dependent = dependents[0], primary = primaries.at(-1);
    if (dependent !== undefined && primary !== undefined) push(dependent, primary, score, c.rscRole, c.withRscRole);
    return;
  }
  const setScore = (set: ResourceSet): Score => parseScore(set.score) ?? score;
  c.sets.forEach((set, i) => {
    const members = set.resources.flatMap((id) => lookup(id));
    // ordering="listed" chains the other way (crm_simulate: each member with the next one).
    const listed = set.ordering === "listed";
    if (set.sequential) for (let k = 1; k < members.length; k++) push(listed ? members[k - 1]! : members[k]!, listed ? members[k]! : members[k - 1]!, setScore(set), set.role, set.role);
    const next = c.sets[i + 1];
    if (next === undefined) return;
    const nextMembers = next.resources.flatMap((id) => lookup(id));
    // Resources of a set are placed with those of the set after it.
    const primary = next.sequential ? nextMembers.slice(-1) : nextMembers;
    const dependents = set.sequential ? members.slice(0, 1) : members;
    for (const d of dependents) for (const p of primary) push(d, p, score, set.role, next.role);
  });
}

function addOrdering(out: Constraints, c: Extract<Constraint, { kind: "order" }>, lookup: (id: string | undefined) => Rsc[]): void {
  const kind = orderKind(c.orderKind, c.score);
  const symmetrical = c.symmetrical === undefined ? kind !== "Serialize" : c.symmetrical === "true";
  const push = (first: Rsc, firstAction: string, then: Rsc, thenAction: string, k: OrderKind, anyOf?: string): void => {
    if (first === then) return;
    out.orderings.push({ id: c.id, anyOf, cloneMin: cloneMinimum(first, c.requireAll), first, firstAction, then, thenAction, kind: k, oneWay: !symmetrical });
    if (symmetrical) out.orderings.push({ id: c.id, anyOf: undefined, cloneMin: undefined, first: then, firstAction: inverse(thenAction), then: first, thenAction: inverse(firstAction), kind: k });
  };
  if (c.sets.length === 0) {
    for (const first of lookup(c.first)) for (const then of lookup(c.then)) push(first, c.firstAction ?? "start", then, c.thenAction ?? c.firstAction ?? "start", kind);
    return;
  }
  c.sets.forEach((set, i) => {
    const members = set.resources.flatMap((id) => lookup(id));
    const action = set.action ?? "start";
    const k = set.kind !== undefined ? orderKind(set.kind, undefined) : kind;
    if (set.sequential) for (let m = 1; m < members.length; m++) push(members[m - 1]!, action, members[m]!, action, k);
    const next = c.sets[i + 1];
    if (next === undefined) return;
    const nextMembers = next.resources.flatMap((id) => lookup(id));
    const firsts = set.sequential ? members.slice(-1) : members;
    const thens = next.sequential ? nextMembers.slice(0, 1) : nextMembers;
    const anyOf = set.requireAll ? undefined : set.id;
    for (const f of firsts) for (const t of thens) push(f, action, t, next.action ?? "start", kind, anyOf);
  });
}

function cloneMinimum(first: Rsc, requireAll: string | undefined): number | undefined {
  if (first.kind !== "clone") return undefined;
  const min = Number(first.meta.get("clone-min") ?? "0");
  if (min > 0) return min;
  return requireAll === "false" ? 1 : undefined;
}

function orderKind(kind: string | undefined, scoreText: string | undefined): OrderKind {
  if (kind !== undefined) {
    const k = kind.toLowerCase();
    return k === "optional" ? "Optional" : k === "serialize" ? "Serialize" : "Mandatory";
  }
  const s = parseScore(scoreText);
  return s === undefined || s > 0 || s >= INFINITY ? "Mandatory" : "Optional";
}

export function inverse(action: string): string {
  switch (action) {
    case "start": return "stop";
    case "stop": return "start";
    case "promote": return "demote";
    case "demote": return "promote";
    case "promoted": return "demoted";
    case "demoted": return "promoted";
    case "running": return "stopped";
    case "stopped": return "running";
    default: return action;
  }
}
