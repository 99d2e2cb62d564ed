import { childElements, type XmlElement } from "../xml/tree.js";
import type { Score } from "../score.js";
import type { Role } from "../rules/types.js";
import { readRule } from "./read-rules.js";
import type { Reader } from "./reader.js";
import type {
  ColocationConstraint, Constraint, LocationConstraint, LossPolicy, OrderConstraint, OrderKind, ResourceAction,
  ResourceDiscovery, ResourceSet, TicketConstraint,
} from "./types.js";

/** Turns a reference into resource ids: a tag gives its members, a template the primitives built from it. */
export type ExpandReference = (id: string) => string[];

interface Context {
  reader: Reader;
  expand: ExpandReference;
  /** Ids that can be constrained; unknown references become warnings. */
  known: ReadonlySet<string>;
}

export function readConstraints(reader: Reader, section: XmlElement | undefined, expand: ExpandReference, known: ReadonlySet<string>): Constraint[] {
  if (!section) return [];
  const context: Context = { reader, expand, known };
  const constraints: Constraint[] = [];
  for (const element of childElements(section)) {
    const constraint = readConstraint(context, element);
    if (constraint) constraints.push(constraint);
  }
  return constraints;
}

function readConstraint(context: Context, element: XmlElement): Constraint | undefined {
  switch (element.name) {
    case "rsc_location": return readLocation(context, element);
    case "rsc_colocation": return readColocation(context, element);
    case "rsc_order": return readOrder(context, element);
    case "rsc_ticket": return readTicket(context, element);
    default:
      context.reader.warn(element, "is not a constraint; ignored");
      return undefined;
  }
}

function reference(context: Context, element: XmlElement, attribute: string): string | undefined {
  const id = element.attrs.get(attribute);
  if (id !== undefined) checkKnown(context, element, id, attribute);
  return id;
}

function checkKnown(context: Context, element: XmlElement, id: string, what: string): void {
  if (!context.known.has(id)) context.reader.warn(element, `${what} "${id}" does not name a resource, tag or template`);
}

/** A reference that is a tag or template: true when it expands to something other than itself. */
function isGroupReference(context: Context, id: string | undefined): id is string {
  if (id === undefined) return false;
  const members = context.expand(id);
  return members.length !== 1 || members[0] !== id;
}

function readSets(context: Context, element: XmlElement): ResourceSet[] {
  return context.reader.children(element, "resource_set").map((set) => readSet(context, set));
}

function readSet(context: Context, element: XmlElement): ResourceSet {
  const { reader } = context;
  const resources: string[] = [];
  for (const ref of childElements(element, "resource_ref")) {
    const id = ref.attrs.get("id");
    if (id === undefined) continue;
    checkKnown(context, ref, id, "resource_ref");
    resources.push(...context.expand(id));
  }
  const set: ResourceSet = {
    id: reader.id(element), resources, sequential: reader.flag(element, "sequential", true), requireAll: reader.flag(element, "require-all", true),
  };
  if (element.attrs.has("ordered")) set.ordered = reader.flag(element, "ordered", false);
  const action = readAction(reader, element, "action");
  if (action) set.action = action;
  const role = reader.role(element, "role");
  if (role) set.role = role;
  const score = reader.score(element, "score");
  if (score !== undefined) set.score = score;
  const kind = readKind(reader, element);
  if (kind) set.kind = kind;
  return set;
}

/** A set standing in for a tag or template in a two-resource constraint. */
function expandedSet(context: Context, owner: string, id: string, role: Role | undefined, action?: ResourceAction): ResourceSet {
  const set: ResourceSet = { id: `${owner}-${id}`, resources: context.expand(id), sequential: true, requireAll: true };
  if (role) set.role = role;
  if (action) set.action = action;
  return set;
}

const DISCOVERY: readonly ResourceDiscovery[] = ["always", "never", "exclusive"];

function readLocation(context: Context, element: XmlElement): LocationConstraint {
  const { reader } = context;
  const rsc = reference(context, element, "rsc");
  const location: LocationConstraint = {
    kind: "location", id: reader.id(element), resources: rsc === undefined ? [] : context.expand(rsc),
    rules: reader.children(element, "rule").map((rule) => readRule(reader, rule)),
    resourceDiscovery: "always", sets: readSets(context, element),
  };
  const pattern = element.attrs.get("rsc-pattern");
  if (pattern !== undefined) location.pattern = pattern;
  if (rsc === undefined && pattern === undefined && location.sets.length === 0) reader.warn(element, "names no rsc, rsc-pattern or resource_set");
  const role = reader.role(element, "role");
  if (role) location.role = role;
  const node = element.attrs.get("node");
  if (node !== undefined) location.node = node;
  const score = reader.score(element, "score");
  if (score !== undefined) location.score = score;
  if (node !== undefined && score === undefined) reader.warn(element, "has a node but no score");
  const discovery = element.attrs.get("resource-discovery");
  if (discovery !== undefined) {
    if ((DISCOVERY as readonly string[]).includes(discovery)) location.resourceDiscovery = discovery as ResourceDiscovery;
    else reader.warn(element, `resource-discovery="${discovery}" is not always, never or exclusive`);
  }
  if (element.pos) location.pos = element.pos;
  return location;
}

function readColocation(context: Context, element: XmlElement): ColocationConstraint {
  const { reader } = context;
  const id = reader.id(element);
  const rsc = reference(context, element, "rsc");
  const withRsc = reference(context, element, "with-rsc");
  const rscRole = reader.role(element, "rsc-role");
  const withRscRole = reader.role(element, "with-rsc-role");
  const colocation: ColocationConstraint = {
    kind: "colocation", id, score: reader.score(element, "score") ?? (0 as Score),
    nodeAttribute: element.attrs.get("node-attribute") ?? "#uname", sets: readSets(context, element),
  };
  if (!element.attrs.has("score") && colocation.sets.every((set) => set.score === undefined)) reader.warn(element, "has no score");
  if (isGroupReference(context, rsc) || isGroupReference(context, withRsc)) {
    colocation.sets = [expandedSet(context, id, rsc ?? "", rscRole), expandedSet(context, id, withRsc ?? "", withRscRole)];
  } else {
    if (rsc !== undefined) colocation.rsc = rsc;
    if (withRsc !== undefined) colocation.withRsc = withRsc;
    if (rscRole) colocation.rscRole = rscRole;
    if (withRscRole) colocation.withRscRole = withRscRole;
  }
  if (element.attrs.has("influence")) colocation.influence = reader.flag(element, "influence", true);
  if (element.pos) colocation.pos = element.pos;
  return colocation;
}

const ACTIONS: readonly ResourceAction[] = ["start", "stop", "promote", "demote", "monitor", "notify", "migrate_to", "migrate_from"];

function readAction(reader: Reader, element: XmlElement, attribute: string): ResourceAction | undefined {
  const text = element.attrs.get(attribute);
  if (text === undefined) return undefined;
  if ((ACTIONS as readonly string[]).includes(text)) return text as ResourceAction;
  reader.warn(element, `${attribute}="${text}" is not an action`);
  return undefined;
}

function readKind(reader: Reader, element: XmlElement): OrderKind | undefined {
  const text = element.attrs.get("kind");
  if (text === undefined) return undefined;
  const kind = (["Mandatory", "Optional", "Serialize"] as const).find((k) => k.toLowerCase() === text.toLowerCase());
  if (!kind) reader.warn(element, `kind="${text}" is not Mandatory, Optional or Serialize`);
  return kind;
}

function readOrder(context: Context, element: XmlElement): OrderConstraint {
  const { reader } = context;
  const id = reader.id(element);
  const first = reference(context, element, "first");
  const then = reference(context, element, "then");
  const firstAction = readAction(reader, element, "first-action") ?? "start";
  const thenAction = readAction(reader, element, "then-action") ?? firstAction;
  const score = reader.score(element, "score");
  // Before `kind` existed, a score of 0 meant an optional ordering.
  const orderKind = readKind(reader, element) ?? (score === 0 ? "Optional" : "Mandatory");
  const order: OrderConstraint = {
    kind: "order", id, firstAction, thenAction, orderKind,
    symmetrical: reader.flag(element, "symmetrical", orderKind !== "Serialize"), sets: readSets(context, element),
  };
  if (isGroupReference(context, first) || isGroupReference(context, then)) {
    order.sets = [expandedSet(context, id, first ?? "", undefined, firstAction), expandedSet(context, id, then ?? "", undefined, thenAction)];
  } else {
    if (first !== undefined) order.first = first;
    if (then !== undefined) order.then = then;
  }
  if (score !== undefined) order.score = score;
  if (element.attrs.has("require-all")) order.requireAll = reader.flag(element, "require-all", true);
  if (element.pos) order.pos = element.pos;
  return order;
}

const LOSS_POLICIES: readonly LossPolicy[] = ["stop", "demote", "fence", "freeze"];

function readTicket(context: Context, element: XmlElement): TicketConstraint {
  const { reader } = context;
  const lossPolicy = element.attrs.get("loss-policy") ?? "stop";
  if (!(LOSS_POLICIES as readonly string[]).includes(lossPolicy)) reader.warn(element, `loss-policy="${lossPolicy}" is not stop, demote, fence or freeze`);
  const ticket: TicketConstraint = {
    kind: "ticket", id: reader.id(element), ticket: element.attrs.get("ticket") ?? "",
    lossPolicy: (LOSS_POLICIES as readonly string[]).includes(lossPolicy) ? (lossPolicy as LossPolicy) : "stop",
    sets: readSets(context, element),
  };
  if (ticket.ticket === "") reader.warn(element, "has no ticket");
  const rsc = reference(context, element, "rsc");
  if (isGroupReference(context, rsc)) ticket.sets = [expandedSet(context, ticket.id, rsc, reader.role(element, "rsc-role"))];
  else if (rsc !== undefined) ticket.rsc = rsc;
  const rscRole = reader.role(element, "rsc-role");
  if (rscRole && ticket.rsc !== undefined) ticket.rscRole = rscRole;
  if (element.pos) ticket.pos = element.pos;
  return ticket;
}
