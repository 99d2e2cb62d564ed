import { type XmlElement, element } from "../xml.js";
import { parseAttrSet } from "./attrs.js";
import type { BuildContext } from "./context.js";
import type { NewObject, SectionName } from "./objects.js";
import { CrmSyntaxError, type TokenStream, expectId, isValidId, splitAssignment } from "./stream.js";

/** `node [ID:] UNAME[:TYPE] [description=X] [attributes ...] [utilization ...]`. */
export function parseNode(stream: TokenStream, ctx: BuildContext): NewObject {
  let first = stream.next("a node name");
  let id: string | undefined;
  if (first.text.startsWith("$id=")) {
    id = first.text.slice(4);
    first = stream.next("a node name");
  } else if (first.text.endsWith(":") && !first.quoted) {
    id = first.text.slice(0, -1);
    first = stream.next("a node name");
  }
  const [uname = "", type] = first.text.split(":");
  if (!/^[A-Za-z0-9_][-\w.]*$/.test(uname)) throw new CrmSyntaxError(`${uname}: invalid node name`, first);
  const node = element("node", [["id", id ?? uname], ["uname", uname]]);
  if (type !== undefined) node.attrs.set("type", type);
  ctx.ids.claim(id ?? uname);
  while (!stream.done) {
    const keyword = stream.next("attributes or utilization");
    if (keyword.text.startsWith("description=")) node.attrs.set("description", keyword.text.slice(12));
    else if (keyword.text === "attributes") node.children.push(parseAttrSet(stream, ctx, { setName: "instance_attributes", idBase: uname, allowRules: true }));
    else if (keyword.text === "utilization") node.children.push(parseAttrSet(stream, ctx, { setName: "utilization", idBase: uname }));
    else throw new CrmSyntaxError("expected attributes or utilization", keyword);
  }
  return { section: "nodes", element: node };
}

const DEFAULT_SETS: Record<string, { section: SectionName; setName: string; id: string }> = {
  property: { section: "crm_config", setName: "cluster_property_set", id: "cib-bootstrap-options" },
  rsc_defaults: { section: "rsc_defaults", setName: "meta_attributes", id: "rsc-options" },
  op_defaults: { section: "op_defaults", setName: "meta_attributes", id: "op-options" },
};

/** `property|rsc_defaults|op_defaults [$id=ID | ID:] [score:] [rule ...] name=value ...`. */
export function parseDefaults(stream: TokenStream, ctx: BuildContext, command: string): NewObject & { setId: string } {
  const spec = DEFAULT_SETS[command];
  if (spec === undefined) throw new CrmSyntaxError(`unknown command ${command}`, undefined);
  let setId = spec.id;
  const head = stream.peek();
  if (head === undefined) throw new CrmSyntaxError(`${command} needs at least one name=value`, undefined);
  if (head?.text.startsWith("$id=") === true) {
    stream.next("set id");
    setId = head.text.slice(4);
  } else if (head !== undefined && head.text.endsWith(":") && isValidId(head.text.slice(0, -1)) && !head.quoted) {
    stream.next("set id");
    setId = head.text.slice(0, -1);
  }
  const set = parseAttrSet(stream, ctx, { setName: spec.setName, idBase: setId, exactBase: true, allowRules: true });
  set.attrs.set("id", setId);
  if (!stream.done) throw new CrmSyntaxError("expected name=value", stream.peek());
  const pairs = set.children.filter((child) => child.kind === "element" && child.name === "nvpair");
  if (pairs.length === 0 && set.children.length === 0 && head !== undefined && splitAssignment(head) === undefined && head.text !== `${setId}:`) {
    throw new CrmSyntaxError(`expected name=value`, head);
  }
  return { section: spec.section, element: set, setId };
}

/** `tag ID[:] REF...`. */
export function parseTag(stream: TokenStream, ctx: BuildContext): NewObject {
  const head = stream.next("a tag id");
  const id = head.text.endsWith(":") ? head.text.slice(0, -1) : head.text;
  if (!isValidId(id)) throw new CrmSyntaxError(`${id}: invalid tag id`, head);
  ctx.ids.claim(id);
  const tag = element("tag", [["id", id]]);
  while (!stream.done) tag.children.push(element("obj_ref", [["id", stream.next("a reference").text]]));
  if (tag.children.length === 0) throw new CrmSyntaxError("a tag needs at least one reference", undefined);
  return { section: "tags", element: tag };
}

/** `fencing_topology [TARGET:] DEVICES... [TARGET: DEVICES...]`; without targets, levels apply to every node. */
export function parseFencingTopology(stream: TokenStream, ctx: BuildContext): NewObject {
  const topology = element("fencing-topology");
  const perTarget: { target: [string, string][]; devices: string[] }[] = [];
  while (!stream.done) {
    const token = stream.next("a fencing target or device");
    const attrTarget = /^attr:([^=]+)=(.*)$/.exec(token.text);
    if (attrTarget !== null) perTarget.push({ target: [["target-attribute", attrTarget[1] ?? ""], ["target-value", attrTarget[2] ?? ""]], devices: [] });
    else if (token.text.startsWith("pattern:")) perTarget.push({ target: [["target-pattern", token.text.slice(8)]], devices: [] });
    else if (token.text.endsWith(":")) perTarget.push({ target: [["target", token.text.slice(0, -1)]], devices: [] });
    else if (perTarget.length === 0) perTarget.push(...ctx.nodeNames().map((node) => ({ target: [["target", node]] as [string, string][], devices: [token.text] })));
    else if (perTarget.at(-1)?.target[0]?.[0] === "target" && perTarget.length > 1 && !stream.tokens.some((t) => t.text.endsWith(":"))) {
      for (const entry of perTarget) entry.devices.push(token.text);
    } else perTarget.at(-1)?.devices.push(token.text);
  }
  for (const { target, devices } of perTarget) {
    devices.forEach((devices, index) => {
      topology.children.push(element("fencing-level", [["index", String(index + 1)], ["devices", devices], ...target, ["id", ctx.ids.take("fencing")]]));
    });
  }
  return { section: "fencing-topology", element: topology };
}

const ACL_SHORTCUTS: Record<string, (arg: string[]) => string | undefined> = {
  cib: () => "/cib",
  status: () => "/cib/status",
  property: ([name]) => (name === undefined ? "//crm_config/cluster_property_set" : `//crm_config/cluster_property_set/nvpair[@name='${name}']`),
  node: ([name]) => (name === undefined ? "//nodes/node" : `//nodes/node[@uname='${name}']`),
  nodeattr: ([name]) => (name === undefined ? "//nodes/node/instance_attributes" : `//nodes/node/instance_attributes/nvpair[@name='${name}']`),
  nodeutil: ([name]) => (name === undefined ? "//nodes/node/utilization" : `//nodes/node/utilization[@uname='${name}']`),
  meta: ([rsc, name]) => (rsc === undefined || name === undefined ? undefined : `//primitive[@id='${rsc}']/meta_attributes/nvpair[@name='${name}']`),
  params: ([rsc, name]) => (rsc === undefined || name === undefined ? undefined : `//primitive[@id='${rsc}']/instance_attributes/nvpair[@name='${name}']`),
  utilization: ([rsc]) => (rsc === undefined ? undefined : `//primitive[@id='${rsc}']/utilization`),
};

/** `role ID {read|write|deny} SPEC... ...` (crmsh's ACL v2 syntax). */
export function parseRole(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "role id");
  ctx.ids.claim(id);
  const role = element("acl_role", [["id", id]]);
  let permission: XmlElement | undefined;
  const needsSpec = () => {
    if (permission !== undefined && permission.attrs.size === 2) throw new CrmSyntaxError(`${permission.attrs.get("kind") ?? ""} needs what it applies to (xpath:, ref:, type:, ...)`, stream.peek());
  };
  if (stream.done) throw new CrmSyntaxError("role needs at least one read, write or deny rule", undefined);
  while (!stream.done) {
    const token = stream.next("read, write or deny");
    if (["read", "write", "deny"].includes(token.text) && !token.quoted) {
      needsSpec();
      permission = element("acl_permission", [["id", ctx.ids.take(id)], ["kind", token.text]]);
      role.children.push(permission);
      continue;
    }
    if (permission === undefined) throw new CrmSyntaxError("expected read, write or deny", token);
    const [word = "", ...args] = token.text.split(":");
    const rest = token.text.slice(word.length + 1);
    if (word === "xpath") permission.attrs.set("xpath", rest);
    else if (word === "ref" || word === "reference") permission.attrs.set("reference", rest);
    else if (word === "tag" || word === "type") permission.attrs.set("object-type", rest);
    else if (word === "attr" || word === "attribute") permission.attrs.set("attribute", rest);
    else {
      const xpath = ACL_SHORTCUTS[word]?.(args);
      if (xpath === undefined) throw new CrmSyntaxError(`unknown ACL specification '${token.text}'`, token);
      permission.attrs.set("xpath", xpath);
    }
  }
  needsSpec();
  return { section: "acls", element: role };
}

/** `acl_target ID ROLE...`. */
export function parseAclTarget(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "target id");
  ctx.ids.claim(id);
  const target = element("acl_target", [["id", id]]);
  while (!stream.done) target.children.push(element("role", [["id", stream.next("a role").text]]));
  return { section: "acls", element: target };
}

const ALERT_SETS: Record<string, string> = { attributes: "instance_attributes", meta: "meta_attributes" };

/** `alert ID PATH [attributes ...] [meta ...] [select KIND... [attributes { NAME... }]] [to [{] RECIPIENT [attributes ...] [meta ...] [}]]...`. */
export function parseAlert(stream: TokenStream, ctx: BuildContext): NewObject {
  const id = expectId(stream, "alert id");
  ctx.ids.claim(id);
  const alert = element("alert", [["id", id], ["path", stream.next("a path").text]]);
  let owner = alert;
  let recipients = 0;
  while (!stream.done) {
    const token = stream.next("attributes, meta, select or to");
    const setName = ALERT_SETS[token.text];
    if (setName !== undefined) owner.children.push(parseAttrSet(stream, ctx, { setName, idBase: owner.attrs.get("id") ?? id }));
    else if (token.text === "select") alert.children.push(parseSelect(stream, ctx, id));
    else if (token.text === "to") {
      const braced = stream.accept("{");
      recipients++;
      owner = element("recipient", [["id", ctx.ids.take(`${id}-recipient-${recipients}`)], ["value", stream.next("a recipient").text]]);
      alert.children.push(owner);
      if (braced) {
        while (!stream.accept("}")) {
          const inner = stream.next("attributes, meta or }");
          const innerSet = ALERT_SETS[inner.text];
          if (innerSet === undefined) throw new CrmSyntaxError("expected attributes, meta or }", inner);
          owner.children.push(parseAttrSet(stream, ctx, { setName: innerSet, idBase: owner.attrs.get("id") ?? id }));
        }
        owner = alert;
      }
    } else throw new CrmSyntaxError("expected attributes, meta, select or to", token);
  }
  return { section: "alerts", element: alert };
}

const SELECT_KINDS = ["fencing", "nodes", "resources", "attributes"];

function parseSelect(stream: TokenStream, ctx: BuildContext, alertId: string): XmlElement {
  const select = element("select");
  while (stream.atKeyword(...SELECT_KINDS)) {
    const kind = stream.next("a select kind").text;
    const child = element(`select_${kind}`);
    if (kind === "attributes" && stream.accept("{")) {
      while (!stream.accept("}")) child.children.push(element("attribute", [["id", ctx.ids.take(alertId)], ["name", stream.next("an attribute name or }").text]]));
    }
    select.children.push(child);
  }
  if (select.children.length === 0) stream.fail("expected fencing, nodes, resources or attributes after select");
  return select;
}
