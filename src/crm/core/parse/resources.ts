import { type XmlElement, element } from "../xml.js";
import { parseAttrSet } from "./attrs.js";
import type { BuildContext } from "./context.js";
import type { NewObject } from "./objects.js";
import { CrmSyntaxError, type TokenStream, expectId, splitAssignment } from "./stream.js";

/** Attributes of <op> itself; any other name=value on an op line goes to its instance_attributes. */
export const OP_ATTRIBUTES = new Set([
  "interval", "timeout", "role", "start-delay", "interval-origin", "on-fail",
  "enabled", "record-pending", "description",
]);

const SET_KEYWORDS: Record<string, string> = { params: "instance_attributes", meta: "meta_attributes", utilization: "utilization" };

/** `class:provider:type`, `class:type`, `type` (ocf:heartbeat) or `@template`. */
export function agentAttributes(text: string): [string, string][] {
  if (text.startsWith("@")) return [["template", text.slice(1)]];
  const parts = text.split(":");
  if (parts.length === 1) return [["class", "ocf"], ["provider", "heartbeat"], ["type", text]];
  const [cls = "", second = "", third] = parts;
  if (third !== undefined) return [["class", cls], ["provider", second], ["type", parts.slice(2).join(":")]];
  if (cls === "ocf") return [["class", "ocf"], ["provider", "heartbeat"], ["type", second]];
  return [["class", cls], ["type", second]];
}

/** `primitive ID AGENT ...` and `rsc_template ID AGENT ...`. */
export function parsePrimitive(stream: TokenStream, ctx: BuildContext, name: "primitive" | "template"): NewObject {
  const id = expectId(stream, "object id");
  ctx.ids.claim(id);
  const agentToken = stream.next("a resource agent (class:provider:type) or @template");
  if (!/^(@[A-Za-z_][-\w.]*|[\w.+-]+(:[\w.+-]+){0,2}|stonith:[\w./+-]+|[\w.+-]+:[\w.+-]+:[\w./+-]+)$/.test(agentToken.text)) {
    throw new CrmSyntaxError(`invalid resource agent '${agentToken.text}'`, agentToken);
  }
  const el = element(name, [["id", id], ...agentAttributes(agentToken.text)]);
  parseDescription(stream, el);
  parseResourceBody(stream, ctx, el);
  return { section: "resources", element: el };
}

function parseDescription(stream: TokenStream, el: XmlElement): void {
  const token = stream.peek();
  if (token?.text.startsWith("description=") === true) {
    stream.next("description");
    el.attrs.set("description", token.text.slice("description=".length));
  }
}

/** params/meta/utilization sets, `operations $id=...` and `op ...` lines of a primitive. */
function parseResourceBody(stream: TokenStream, ctx: BuildContext, el: XmlElement): void {
  const id = el.attrs.get("id") ?? "";
  let operations: XmlElement | undefined;
  const ensureOperations = (): XmlElement => {
    if (operations === undefined) {
      operations = element("operations");
      el.children.push(operations);
    }
    return operations;
  };
  while (!stream.done) {
    const keyword = stream.next("params, meta, utilization, op or operations");
    const setName = SET_KEYWORDS[keyword.text];
    if (setName !== undefined && !keyword.quoted) {
      el.children.push(parseAttrSet(stream, ctx, { setName, idBase: id, allowRules: setName !== "utilization" }));
    } else if (keyword.text === "operations") {
      const spec = stream.next("$id=ID or $id-ref=ID");
      const match = /^\$(id|id-ref)=(.+)$/.exec(spec.text);
      if (match === null) throw new CrmSyntaxError("expected $id=ID or $id-ref=ID after operations", spec);
      const ops = ensureOperations();
      ops.attrs.set(match[1] ?? "id", match[2] ?? "");
      if (match[1] === "id") ctx.ids.claim(match[2] ?? "");
    } else if (keyword.text === "op") {
      const ops = ensureOperations();
      ops.children.push(parseOp(stream, ctx, ops.attrs.get("id") ?? id));
    } else if (keyword.text === "op_params" || keyword.text === "op_meta") {
      const op = operations?.children.at(-1);
      if (op === undefined || op.kind !== "element") throw new CrmSyntaxError(`${keyword.text} must follow an op`, keyword);
      const setName = keyword.text === "op_params" ? "instance_attributes" : "meta_attributes";
      op.children.push(parseAttrSet(stream, ctx, { setName, idBase: op.attrs.get("id") ?? "", allowRules: true }));
    } else {
      throw new CrmSyntaxError(`expected params, meta, utilization, op or operations`, keyword);
    }
  }
}

/** `op NAME [$id=ID] [attr=value ...]` (NAME: monitor, start, ...). */
export function parseOp(stream: TokenStream, ctx: BuildContext, idBase: string): XmlElement {
  const nameToken = stream.next("an operation name");
  if (!/^[A-Za-z_][-\w]*$/.test(nameToken.text)) throw new CrmSyntaxError("expected an operation name (monitor, start, ...)", nameToken);
  const op = element("op", [["name", nameToken.text]]);
  const extra = element("instance_attributes");
  let givenId: string | undefined;
  for (let token = stream.peek(); token !== undefined; token = stream.peek()) {
    const pair = splitAssignment(token);
    if (pair === undefined) break;
    stream.next("attribute");
    if (pair.name === "$id") givenId = pair.value;
    else if (OP_ATTRIBUTES.has(pair.name)) op.attrs.set(pair.name, pair.value);
    else extra.children.push(element("nvpair", [["name", pair.name], ["value", pair.value]]));
  }
  if (!op.attrs.has("interval")) op.attrs.set("interval", "0");
  const id = givenId ?? ctx.ids.take(`${idBase}-${nameToken.text}-${op.attrs.get("interval") ?? "0"}`);
  if (givenId !== undefined) ctx.ids.claim(givenId);
  op.attrs.set("id", id);
  if (extra.children.length > 0) {
    const setId = ctx.ids.take(`${id}-instance_attributes`);
    extra.attrs.set("id", setId);
    for (const pair of extra.children) {
      if (pair.kind === "element") pair.attrs.set("id", ctx.ids.take(`${setId}-${pair.attrs.get("name") ?? ""}`));
    }
    op.children.push(extra);
  }
  return op;
}

/** `group ID RSC...`, `clone ID RSC`, `ms|master ID RSC` with optional description, meta and params. */
export function parseContainer(stream: TokenStream, ctx: BuildContext, name: "group" | "clone" | "master"): NewObject {
  const command = stream.command;
  const id = expectId(stream, "object id");
  ctx.ids.claim(id);
  const members: string[] = [];
  while (!stream.done && !stream.atKeyword("meta", "params") && splitAssignment(stream.peek()!) === undefined) {
    members.push(stream.next("a resource").text);
  }
  if (members.length === 0) throw new CrmSyntaxError(`${command} needs at least one resource`, stream.peek());
  if (name !== "group" && members.length > 1) {
    throw new CrmSyntaxError(`${command} takes exactly one resource`, stream.tokens.find((t) => t.text === members[1]));
  }
  const el = element(name, [["id", id]]);
  parseDescription(stream, el);
  while (!stream.done) {
    const keyword = stream.next("meta or params");
    const setName = SET_KEYWORDS[keyword.text];
    if (setName === undefined || setName === "utilization") throw new CrmSyntaxError("expected meta or params", keyword);
    el.children.push(parseAttrSet(stream, ctx, { setName, idBase: id, allowRules: true }));
  }
  return { section: "resources", element: el, members };
}

const BUNDLE_CONTAINERS = new Set(["docker", "rkt", "podman"]);

/** `bundle ID docker|rkt|podman k=v... network k=v... [port-mapping k=v...] storage [storage-mapping k=v...] [primitive ID] [meta ...]`. */
export function parseBundle(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "object id");
  ctx.ids.claim(id);
  const el = element("bundle", [["id", id]]);
  const members: string[] = [];
  let membersAt: number | undefined;
  while (!stream.done) {
    const keyword = stream.next("docker, network, storage, primitive or meta");
    if (BUNDLE_CONTAINERS.has(keyword.text) || keyword.text === "network" || keyword.text === "storage") {
      el.children.push(pairsElement(stream, keyword.text));
    } else if (keyword.text === "port-mapping" || keyword.text === "storage-mapping") {
      const parent = el.children.at(-1);
      if (parent === undefined || parent.kind !== "element") throw new CrmSyntaxError(`${keyword.text} must follow network/storage`, keyword);
      const mapping = pairsElement(stream, keyword.text);
      const mappingId = mapping.attrs.get("id");
      if (mappingId === undefined) throw new CrmSyntaxError(`${keyword.text} needs id=ID`, keyword);
      ctx.ids.claim(mappingId);
      parent.children.push(mapping);
    } else if (keyword.text === "primitive") {
      members.push(stream.next("a primitive id").text);
      membersAt = el.children.length;
    } else if (keyword.text === "meta" || keyword.text === "params") {
      el.children.push(parseAttrSet(stream, ctx, { setName: SET_KEYWORDS[keyword.text] ?? "", idBase: id }));
    } else {
      throw new CrmSyntaxError("expected docker, network, storage, primitive or meta", keyword);
    }
  }
  return { section: "resources", element: el, members, ...(membersAt === undefined ? {} : { membersAt }) };
}

function pairsElement(stream: TokenStream, name: string): XmlElement {
  const el = element(name);
  for (let token = stream.peek(); token !== undefined; token = stream.peek()) {
    const pair = splitAssignment(token);
    if (pair === undefined) break;
    stream.next("name=value");
    el.attrs.set(pair.name, pair.value);
  }
  return el;
}

