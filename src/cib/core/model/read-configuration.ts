import { childElements, type XmlElement } from "../xml/tree.js";
import { readNvSets, withOptional } from "./read-rules.js";
import type { Reader } from "./reader.js";
import type { AclPermission, AclRight, AclRole, AclSubject, Acls, Alert, AlertRecipient, CibNode, FencingLevel, NodeType } from "./types.js";

const NODE_TYPES: Record<string, NodeType> = { member: "member", normal: "member", remote: "remote", ping: "ping" };

export function readNodes(reader: Reader, section: XmlElement | undefined): CibNode[] {
  if (!section) return [];
  return childElements(section, "node").map((element) => {
    const typeText = element.attrs.get("type") ?? "member";
    const type = NODE_TYPES[typeText];
    if (!type) reader.warn(element, `type="${typeText}" is not member, remote or ping`);
    const node: CibNode = {
      id: reader.id(element), uname: element.attrs.get("uname") ?? "", type: type ?? "member",
      attributes: readNvSets(reader, element, "instance_attributes"), utilization: readNvSets(reader, element, "utilization"),
    };
    if (node.uname === "") reader.warn(element, "has no uname");
    const score = reader.score(element, "score");
    if (score !== undefined) node.score = score;
    if (element.pos) node.pos = element.pos;
    return node;
  });
}

export function readFencingTopology(reader: Reader, section: XmlElement | undefined): FencingLevel[] {
  if (!section) return [];
  return childElements(section, "fencing-level").map((element) => {
    const index = Number(element.attrs.get("index"));
    if (!Number.isInteger(index) || index < 1) reader.warn(element, "index must be a positive integer");
    const devices = (element.attrs.get("devices") ?? "").split(",").map((d) => d.trim()).filter((d) => d !== "");
    if (devices.length === 0) reader.warn(element, "has no devices");
    return withOptional({ id: reader.id(element), index: Number.isInteger(index) ? index : 0, devices } as FencingLevel, element, {
      target: "target", targetPattern: "target-pattern", targetAttribute: "target-attribute", targetValue: "target-value",
    });
  });
}

export function readTags(reader: Reader, section: XmlElement | undefined): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  if (!section) return tags;
  for (const element of childElements(section, "tag")) {
    const refs = childElements(element, "obj_ref").map((ref) => ref.attrs.get("id")).filter((id): id is string => id !== undefined);
    tags.set(reader.id(element), refs);
  }
  return tags;
}

const RIGHTS: readonly AclRight[] = ["read", "write", "deny"];

function readPermission(reader: Reader, element: XmlElement, kind: string | undefined): AclPermission | undefined {
  if (!kind || !(RIGHTS as readonly string[]).includes(kind)) {
    reader.warn(element, `kind="${kind ?? ""}" is not read, write or deny`);
    return undefined;
  }
  return withOptional({ id: reader.id(element), kind: kind as AclRight } as AclPermission, element, {
    xpath: "xpath", reference: "reference", objectType: "object-type", attribute: "attribute",
  });
}

/** acl_permission (current), or read/write/deny children (pacemaker-1.x). */
function readPermissions(reader: Reader, parent: XmlElement): AclPermission[] {
  const permissions: AclPermission[] = [];
  for (const child of childElements(parent)) {
    const kind = child.name === "acl_permission" ? child.attrs.get("kind") : RIGHTS.find((right) => right === child.name);
    if (child.name === "acl_permission" || kind) {
      const permission = readPermission(reader, child, kind);
      if (permission) permissions.push(permission);
    }
  }
  return permissions;
}

function readSubject(reader: Reader, element: XmlElement): AclSubject {
  const roles = childElements(element).filter((child) => child.name === "role" || child.name === "role_ref")
    .map((child) => child.attrs.get("id") ?? "").filter((id) => id !== "");
  const subject: AclSubject = { id: reader.id(element), roles, permissions: readPermissions(reader, element) };
  const name = element.attrs.get("name");
  if (name !== undefined) subject.name = name;
  return subject;
}

export function readAcls(reader: Reader, section: XmlElement | undefined): Acls {
  if (!section) return { targets: [], groups: [], roles: [] };
  const targets = childElements(section).filter((e) => e.name === "acl_target" || e.name === "acl_user").map((e) => readSubject(reader, e));
  const groups = childElements(section, "acl_group").map((e) => readSubject(reader, e));
  const roles = childElements(section, "acl_role").map((element) => {
    const role: AclRole = { id: reader.id(element), permissions: readPermissions(reader, element) };
    const description = element.attrs.get("description");
    if (description !== undefined) role.description = description;
    return role;
  });
  return { targets, groups, roles };
}

export function readAlerts(reader: Reader, section: XmlElement | undefined): Alert[] {
  if (!section) return [];
  return childElements(section, "alert").map((element) => {
    const select = childElements(element, "select")[0];
    const alert: Alert = {
      id: reader.id(element), path: element.attrs.get("path") ?? "",
      instance: readNvSets(reader, element, "instance_attributes"), meta: readNvSets(reader, element, "meta_attributes"),
      select: select ? childElements(select).map((child) => child.name) : [],
      selectAttributes: select ? childElements(select, "select_attributes").flatMap((s) => childElements(s, "attribute")).map((a) => a.attrs.get("name") ?? "") : [],
      recipients: childElements(element, "recipient").map((recipient): AlertRecipient => ({
        id: reader.id(recipient), value: recipient.attrs.get("value") ?? "",
        instance: readNvSets(reader, recipient, "instance_attributes"), meta: readNvSets(reader, recipient, "meta_attributes"),
      })),
    };
    if (alert.path === "") reader.warn(element, "has no path");
    const description = element.attrs.get("description");
    if (description !== undefined) alert.description = description;
    return alert;
  });
}
