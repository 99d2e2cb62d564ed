import { childElements, firstChild, type XmlElement } from "../xml/tree.js";
import { readNvSets } from "./read-rules.js";
import { isTrue, type Reader } from "./reader.js";
import type { LrmResource, LrmRscOp, NodeState, Status, TicketState, TransitionKey } from "./types.js";

export function readStatus(reader: Reader, section: XmlElement | undefined): Status {
  if (!section) return { nodes: [], tickets: [] };
  const tickets = childElements(section, "tickets").flatMap((list) => childElements(list, "ticket_state")).map((t) => readTicketState(reader, t));
  return { nodes: childElements(section, "node_state").map((node) => readNodeState(reader, node)), tickets };
}

/** "true"/"online", or (Pacemaker ≥ 2.1.7) a non-zero timestamp, mean yes. */
function presence(text: string | undefined, word: string): boolean {
  if (text === undefined) return false;
  if (/^\d+$/.test(text)) return Number(text) > 0;
  return text === word || isTrue(text);
}

function readNodeState(reader: Reader, element: XmlElement): NodeState {
  const attrs = element.attrs;
  const state: NodeState = {
    id: reader.id(element), uname: attrs.get("uname") ?? "", inCcm: presence(attrs.get("in_ccm"), "true"),
    crmdOnline: presence(attrs.get("crmd"), "online"), attrs: new Map(attrs),
    transientAttributes: childElements(element, "transient_attributes").flatMap((t) => readNvSets(reader, t, "instance_attributes")),
    lrm: [],
  };
  for (const [key, name] of [["join", "join"], ["expected", "expected"], ["crmDebugOrigin", "crm-debug-origin"]] as const) {
    const value = attrs.get(name);
    if (value !== undefined) state[key] = value;
  }
  const resources = firstChild(element, "lrm") && firstChild(firstChild(element, "lrm")!, "lrm_resources");
  if (resources) state.lrm = childElements(resources, "lrm_resource").map((resource) => readLrmResource(reader, resource));
  return state;
}

function readLrmResource(reader: Reader, element: XmlElement): LrmResource {
  const resource: LrmResource = {
    id: reader.id(element), class: element.attrs.get("class") ?? "", type: element.attrs.get("type") ?? "",
    ops: childElements(element, "lrm_rsc_op").map((op) => readLrmRscOp(reader, op)),
  };
  const provider = element.attrs.get("provider");
  if (provider !== undefined) resource.provider = provider;
  const container = element.attrs.get("container");
  if (container !== undefined) resource.container = container;
  return resource;
}

const OPTIONAL_TEXT = [
  ["operationKey", "operation_key"], ["transitionMagic", "transition-magic"], ["opDigest", "op-digest"],
  ["opRestartDigest", "op-restart-digest"], ["opForceRestart", "op-force-restart"], ["opSecureDigest", "op-secure-digest"],
  ["opSecureParams", "op-secure-params"], ["migrateSource", "migrate_source"], ["migrateTarget", "migrate_target"],
  ["onNode", "on_node"], ["exitReason", "exit-reason"],
] as const;

const OPTIONAL_NUMBERS = [
  ["lastRcChange", "last-rc-change"], ["lastRun", "last-run"], ["execTimeMs", "exec-time"], ["queueTimeMs", "queue-time"],
] as const;

function readLrmRscOp(reader: Reader, element: XmlElement): LrmRscOp {
  const attrs = element.attrs;
  const op: LrmRscOp = {
    id: reader.id(element), operation: attrs.get("operation") ?? "", intervalMs: integer(reader, element, "interval", 0),
    rcCode: integer(reader, element, "rc-code", -1), opStatus: integer(reader, element, "op-status", 0),
    callId: integer(reader, element, "call-id", -1), attrs: new Map(attrs),
  };
  if (op.operation === "") reader.warn(element, "has no operation");
  for (const [key, name] of OPTIONAL_TEXT) {
    const value = attrs.get(name);
    if (value !== undefined) op[key] = value;
  }
  for (const [key, name] of OPTIONAL_NUMBERS) {
    if (attrs.has(name)) op[key] = integer(reader, element, name, 0);
  }
  const key = attrs.get("transition-key");
  if (key !== undefined) {
    const parsed = parseTransitionKey(key);
    if (parsed) op.transitionKey = parsed;
    else reader.warn(element, `transition-key="${key}" is not action:transition:target-rc:uuid`);
  }
  return op;
}

/** lrm_rsc_op intervals are milliseconds; other integers are plain. */
function integer(reader: Reader, element: XmlElement, name: string, fallback: number): number {
  const text = element.attrs.get(name);
  if (text === undefined) return fallback;
  if (/^\s*-?\d+\s*$/.test(text)) return Number(text);
  reader.warn(element, `${name}="${text}" is not an integer`);
  return fallback;
}

export function parseTransitionKey(text: string): TransitionKey | undefined {
  const match = /^(-?\d+):(-?\d+):(-?\d+):(.+)$/.exec(text);
  if (!match) return undefined;
  return { action: Number(match[1]), transition: Number(match[2]), targetRc: Number(match[3]), uuid: match[4]! };
}

function readTicketState(reader: Reader, element: XmlElement): TicketState {
  const ticket: TicketState = {
    id: reader.id(element), granted: reader.flag(element, "granted", false), standby: reader.flag(element, "standby", false),
    attrs: new Map(element.attrs),
  };
  const lastGranted = element.attrs.get("last-granted");
  if (lastGranted !== undefined && /^\d+$/.test(lastGranted)) ticket.lastGranted = Number(lastGranted);
  return ticket;
}
