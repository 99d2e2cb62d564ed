import { err, ok, type Result } from "../../lib/result.js";
import { cibError, type CibError } from "./errors.js";
import { childElements, cloneNode, createElement, firstChild, type XmlElement, type XmlNode } from "./xml/tree.js";
import type { CibVersion } from "./version.js";
import type { Patch, PatchChange } from "./patch.js";

/**
 * The XML form of a patch, as Pacemaker's v2 patchset writes it:
 * `<diff format="2">` with `<version><source/><target/></version>` and one
 * `<change operation="create|delete|modify|move" path=…>` per change.
 */
export function patchToXml(patch: Patch): XmlElement {
  const version = createElement("version", {}, [versionElement("source", patch.source), versionElement("target", patch.target)]);
  return createElement("diff", { format: "2" }, [version, ...patch.changes.map(changeElement)]);
}

function versionElement(name: string, version: CibVersion): XmlElement {
  return createElement(name, { admin_epoch: String(version.adminEpoch), epoch: String(version.epoch), num_updates: String(version.numUpdates) });
}

function changeElement(change: PatchChange): XmlElement {
  switch (change.op) {
    case "create":
      return createElement("change", { operation: "create", path: change.path, position: String(change.position) }, [cloneNode(change.node)]);
    case "delete":
      return createElement("change", { operation: "delete", path: change.path });
    case "move":
      return createElement("change", { operation: "move", path: change.path, position: String(change.position) });
    case "modify": {
      const list = [
        ...change.set.map(([name, value]) => createElement("change-attr", { name, operation: "set", value })),
        ...change.unset.map((name) => createElement("change-attr", { name, operation: "unset" })),
      ];
      const name = /([A-Za-z_:][\w.:-]*)(\[[^\]]*\])?$/.exec(change.path)?.[1] ?? "element";
      const result = createElement("change-result", {}, [createElement(name, change.attrs)]);
      return createElement("change", { operation: "modify", path: change.path }, [createElement("change-list", {}, list), result]);
    }
  }
}

/** Reads a `<diff format="2">` element; every problem names its position. */
export function patchFromXml(diff: XmlElement, file = "<patch>"): Result<Patch, CibError> {
  const fail = (element: XmlElement, message: string): Result<Patch, CibError> => err(cibError(file, element.pos, message));
  if (diff.name !== "diff" || diff.attrs.get("format") !== "2") return fail(diff, 'expected <diff format="2">');
  const version = firstChild(diff, "version");
  const source = version && readVersion(firstChild(version, "source"));
  const target = version && readVersion(firstChild(version, "target"));
  if (!source || !target) return fail(version ?? diff, "needs <version> with <source> and <target> admin_epoch, epoch and num_updates");
  const changes: PatchChange[] = [];
  for (const element of childElements(diff, "change")) {
    const change = readChange(element);
    if (typeof change === "string") return fail(element, change);
    changes.push(change);
  }
  return ok({ source, target, changes });
}

function readVersion(element: XmlElement | undefined): CibVersion | undefined {
  if (!element) return undefined;
  const numbers = ["admin_epoch", "epoch", "num_updates"].map((name) => element.attrs.get(name) ?? "");
  if (!numbers.every((text) => /^\d+$/.test(text))) return undefined;
  const [adminEpoch, epoch, numUpdates] = numbers.map(Number);
  return { adminEpoch: adminEpoch!, epoch: epoch!, numUpdates: numUpdates! };
}

/** A change, or the reason it is malformed. */
function readChange(element: XmlElement): PatchChange | string {
  const path = element.attrs.get("path");
  if (path === undefined) return "<change> has no path";
  const position = Number(element.attrs.get("position"));
  const operation = element.attrs.get("operation");
  switch (operation) {
    case "delete": return { op: "delete", path };
    case "move":
      return Number.isInteger(position) && position >= 0 ? { op: "move", path, position } : "move needs a position";
    case "create": {
      const nodes = element.children.filter((node: XmlNode) => node.kind !== "text" || node.text.trim() !== "");
      if (!Number.isInteger(position) || position < 0 || nodes.length !== 1) return "create needs a position and exactly one node";
      return { op: "create", path, position, node: cloneNode(nodes[0]!) };
    }
    case "modify": return readModify(element, path);
    default: return `operation="${operation ?? ""}" is not create, delete, modify or move`;
  }
}

function readModify(element: XmlElement, path: string): PatchChange | string {
  const list = firstChild(element, "change-list");
  const result = firstChild(element, "change-result");
  const resultElement = result && childElements(result)[0];
  if (!list || !resultElement) return "modify needs <change-list> and <change-result>";
  const set: Array<[string, string]> = [];
  const unset: string[] = [];
  for (const attr of childElements(list, "change-attr")) {
    const name = attr.attrs.get("name");
    if (name === undefined) return "<change-attr> has no name";
    if (attr.attrs.get("operation") === "unset") unset.push(name);
    else set.push([name, attr.attrs.get("value") ?? ""]);
  }
  return { op: "modify", path, set, unset, attrs: [...resultElement.attrs] };
}
