import { err, ok, type Result } from "../../lib/result.js";
import { cloneElement, cloneNode, type XmlElement, type XmlNode } from "./xml/tree.js";
import { resolvePath, stepFor } from "./xpath.js";
import { compareCibVersions, formatCibVersion, setVersion, VERSION_ATTRIBUTES, versionOf, type CibVersion } from "./version.js";

/**
 * A CIB patch, modelled on Pacemaker's v2 patchset: the source and target
 * versions and an ordered list of changes, each addressing a node by path.
 * Paths are resolved when the change is applied, so each is valid in the
 * document as the previous changes left it.
 */
export type PatchChange =
  /** Insert `node` as child number `position` (0-based, counting every node) of the element at `path`. */
  | { op: "create"; path: string; position: number; node: XmlNode }
  | { op: "delete"; path: string }
  /** Set the element's attributes to exactly `attrs` (in order); `set`/`unset` say what changed (the version attributes of `<cib>` are left to the patch's target). */
  | { op: "modify"; path: string; set: Array<[string, string]>; unset: string[]; attrs: Array<[string, string]> }
  /** Move the node to child number `position` of its parent. */
  | { op: "move"; path: string; position: number };

export interface Patch {
  source: CibVersion;
  target: CibVersion;
  changes: PatchChange[];
}

export type PatchError =
  | { kind: "version-mismatch"; message: string; current: CibVersion; expected: CibVersion }
  | { kind: "bad-change"; message: string; change: number };

/**
 * The changes that turn `before` into `after` (two `<cib>` trees). Children
 * are matched by tag and id (or tag and rank when they have no id); comments
 * and text by their content. The versions come from the two roots.
 */
export function diffCib(before: XmlElement, after: XmlElement): Patch {
  const changes: PatchChange[] = [];
  const rootPath = `/${stepFor([after], 0)}`;
  diffElement(before, after, rootPath, changes, true);
  return { source: versionOf(before), target: versionOf(after), changes };
}

function diffElement(before: XmlElement, after: XmlElement, path: string, changes: PatchChange[], isRoot: boolean): void {
  const ignored = isRoot ? new Set<string>(VERSION_ATTRIBUTES) : new Set<string>();
  const modify = diffAttributes(before, after, path, ignored);
  if (modify) changes.push(modify);
  diffChildren(before, after, path, changes);
}

function diffAttributes(before: XmlElement, after: XmlElement, path: string, ignored: ReadonlySet<string>): PatchChange | undefined {
  if (sameAttributes(before.attrs, after.attrs)) return undefined;
  const [old, now] = [[...before.attrs], [...after.attrs]];
  const set = now.filter(([name, value]) => !ignored.has(name) && before.attrs.get(name) !== value);
  const unset = old.filter(([name]) => !ignored.has(name) && !after.attrs.has(name)).map(([name]) => name);
  const sameOrder = old.length === now.length && old.every(([name], i) => now[i]![0] === name);
  if (set.length === 0 && unset.length === 0 && sameOrder) return undefined;
  return { op: "modify", path, set, unset, attrs: now };
}

/** Same names, values and order: the common case, checked without allocating. */
function sameAttributes(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  const other = b.entries();
  for (const [name, value] of a) {
    const next = other.next().value as [string, string];
    if (next[0] !== name || next[1] !== value) return false;
  }
  return true;
}

/** Children that pair up one to one in order (same tags and ids, same comments and text). */
function sameShape(a: readonly XmlNode[], b: readonly XmlNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x.kind !== y.kind) return false;
    if (x.kind === "element" ? x.name !== (y as XmlElement).name || x.attrs.get("id") !== (y as XmlElement).attrs.get("id") : x.text !== (y as typeof x).text) return false;
  }
  return true;
}

/** Identity of a child for matching: tag and id, tag and rank, or content for comments and text. */
function childKeys(children: readonly XmlNode[]): string[] {
  const seen = new Map<string, number>();
  return children.map((node) => {
    const id = node.kind === "element" ? node.attrs.get("id") : undefined;
    const base = node.kind === "element" ? (id !== undefined ? `<${node.name}#${id}` : `<${node.name}`) : `${node.kind}:${node.text}`;
    const rank = (seen.get(base) ?? 0) + 1;
    seen.set(base, rank);
    return id !== undefined ? base : `${base}@${rank}`;
  });
}

function diffChildren(before: XmlElement, after: XmlElement, path: string, changes: PatchChange[]): void {
  if (sameShape(before.children, after.children)) {
    after.children.forEach((node, position) => {
      const old = before.children[position]!;
      if (node.kind === "element" && old.kind === "element") diffElement(old, node, `${path}/${stepFor(after.children, position)}`, changes, false);
    });
    return;
  }
  const oldKeys = childKeys(before.children);
  const newKeys = childKeys(after.children);
  const newSet = new Set(newKeys);
  const oldSet = new Set(oldKeys);
  // The working list mirrors the document as the emitted changes leave it, so every path is valid when applied.
  const working = before.children.map((node, i) => ({ node, key: oldKeys[i]! }));
  for (let i = working.length - 1; i >= 0; i--) {
    if (newSet.has(working[i]!.key)) continue;
    changes.push({ op: "delete", path: `${path}/${stepFor(nodesOf(working), i)}` });
    working.splice(i, 1);
  }
  const commonOrder = newKeys.filter((key) => oldSet.has(key));
  commonOrder.forEach((key, target) => {
    if (working[target]!.key === key) return; // the usual case: nothing moved, and no search
    const current = working.findIndex((entry, index) => index > target && entry.key === key);
    changes.push({ op: "move", path: `${path}/${stepFor(nodesOf(working), current)}`, position: target });
    working.splice(target, 0, ...working.splice(current, 1));
  });
  after.children.forEach((node, position) => {
    if (oldSet.has(newKeys[position]!)) return;
    changes.push({ op: "create", path, position, node: cloneNode(node) });
    working.splice(position, 0, { node, key: newKeys[position]! });
  });
  const oldByKey = new Map(oldKeys.map((key, i) => [key, before.children[i]!]));
  after.children.forEach((node, position) => {
    const old = oldByKey.get(newKeys[position]!);
    if (node.kind !== "element" || old?.kind !== "element") return;
    diffElement(old, node, `${path}/${stepFor(after.children, position)}`, changes, false);
  });
}

function nodesOf(entries: ReadonlyArray<{ node: XmlNode }>): XmlNode[] {
  return entries.map((entry) => entry.node);
}

/**
 * Applies a patch to a copy of `root` and returns the copy; on any failure the
 * result is an error and `root` is untouched. The document must be at the
 * patch's source version; the result carries the target version.
 */
export function applyPatch(root: XmlElement, patch: Patch): Result<XmlElement, PatchError> {
  const current = versionOf(root);
  if (compareCibVersions(current, patch.source) !== 0) {
    const message = `patch applies to version ${formatCibVersion(patch.source)}, the CIB is at ${formatCibVersion(current)}`;
    return err({ kind: "version-mismatch", message, current, expected: patch.source });
  }
  const copy = cloneElement(root);
  for (const [index, change] of patch.changes.entries()) {
    const problem = applyChange(copy, change);
    if (problem) return err({ kind: "bad-change", message: `change ${index + 1} (${change.op} ${change.path}): ${problem}`, change: index });
  }
  setVersion(copy, patch.target);
  return ok(copy);
}

/** Returns a description of why the change cannot apply, or undefined once applied. */
function applyChange(root: XmlElement, change: PatchChange): string | undefined {
  const resolved = resolvePath(root, change.path);
  if (!resolved) return "no such node";
  switch (change.op) {
    case "create": {
      if (resolved.node.kind !== "element") return "not an element";
      if (change.position < 0 || change.position > resolved.node.children.length) return `position ${change.position} is out of range`;
      resolved.node.children.splice(change.position, 0, cloneNode(change.node));
      return undefined;
    }
    case "delete":
      if (!resolved.parent) return "cannot delete the root element";
      resolved.parent.children.splice(resolved.index, 1);
      return undefined;
    case "modify":
      if (resolved.node.kind !== "element") return "not an element";
      resolved.node.attrs = new Map(change.attrs);
      return undefined;
    case "move": {
      const parent = resolved.parent;
      if (!parent) return "cannot move the root element";
      if (change.position < 0 || change.position >= parent.children.length) return `position ${change.position} is out of range`;
      parent.children.splice(change.position, 0, ...parent.children.splice(resolved.index, 1));
      return undefined;
    }
  }
}
