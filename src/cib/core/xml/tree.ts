import type { SourcePosition } from "../errors.js";

/**
 * The XML tree the CIB layer parses into and serialises from. It keeps what
 * Pacemaker and crmsh keep: element order, attribute order, comments and
 * non-blank text. Whitespace between elements is layout, not content, and is
 * dropped on parse and regenerated on serialisation.
 */
export interface XmlElement {
  readonly kind: "element";
  name: string;
  /** Attributes in document order (a Map keeps insertion order). */
  attrs: Map<string, string>;
  children: XmlNode[];
  /** Where the start tag began in the parsed text; absent on created elements. */
  pos?: SourcePosition;
}

export interface XmlText {
  readonly kind: "text";
  text: string;
  /** Written back as a CDATA section. */
  cdata?: boolean;
}

export interface XmlComment {
  readonly kind: "comment";
  /** The text between `<!--` and `-->`, exactly. */
  text: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment;

/** A parsed document: the root element and the comments around it. */
export interface XmlDocument {
  root: XmlElement;
  /** Comments before the root element. */
  prolog: XmlComment[];
  /** Comments after the root element. */
  epilog: XmlComment[];
  /** Name of the source, used in error messages. */
  file: string;
}

export function createElement(
  name: string,
  attrs: Record<string, string> | Iterable<readonly [string, string]> = {},
  children: XmlNode[] = [],
): XmlElement {
  const entries = Symbol.iterator in attrs ? attrs : Object.entries(attrs);
  return { kind: "element", name, attrs: new Map(entries), children };
}

export function createComment(text: string): XmlComment {
  return { kind: "comment", text };
}

export function createText(text: string): XmlText {
  return { kind: "text", text };
}

/** A deep copy; positions are kept so errors still point at the source. */
export function cloneElement(element: XmlElement): XmlElement {
  const copy: XmlElement = {
    kind: "element",
    name: element.name,
    attrs: new Map(element.attrs),
    children: element.children.map(cloneNode),
  };
  if (element.pos) copy.pos = element.pos;
  return copy;
}

export function cloneNode(node: XmlNode): XmlNode {
  if (node.kind === "element") return cloneElement(node);
  return { ...node };
}

/** Child elements, optionally only those with the given tag name. */
export function childElements(parent: XmlElement, name?: string): XmlElement[] {
  const result: XmlElement[] = [];
  for (const child of parent.children) {
    if (child.kind === "element" && (name === undefined || child.name === name)) result.push(child);
  }
  return result;
}

export function firstChild(parent: XmlElement, name: string): XmlElement | undefined {
  for (const child of parent.children) {
    if (child.kind === "element" && child.name === name) return child;
  }
  return undefined;
}

/** The concatenated text and CDATA directly inside an element. */
export function textContent(element: XmlElement): string {
  let text = "";
  for (const child of element.children) if (child.kind === "text") text += child.text;
  return text;
}

export type WalkControl = "skip-children" | "stop" | void;

/**
 * Depth-first, document order. The visitor may return "skip-children" or
 * "stop". Uses an explicit stack, so deep trees cannot overflow the call stack.
 */
export function walk(
  root: XmlElement,
  visit: (element: XmlElement, parent: XmlElement | undefined) => WalkControl,
): void {
  // Two parallel stacks rather than one of pairs: no allocation per element.
  const elements: XmlElement[] = [root];
  const parents: Array<XmlElement | undefined> = [undefined];
  while (elements.length > 0) {
    const element = elements.pop()!;
    const control = visit(element, parents.pop());
    if (control === "stop") return;
    if (control === "skip-children") continue;
    for (let i = element.children.length - 1; i >= 0; i--) {
      const child = element.children[i]!;
      if (child.kind !== "element") continue;
      elements.push(child);
      parents.push(element);
    }
  }
}

export interface Located {
  element: XmlElement;
  parent: XmlElement | undefined;
}

/** The first element (document order) whose `id` attribute equals `id`. */
export function findById(root: XmlElement, id: string): Located | undefined {
  let found: Located | undefined;
  walk(root, (element, parent) => {
    if (element.attrs.get("id") === id) {
      found = { element, parent };
      return "stop";
    }
  });
  return found;
}

/** Every element with an `id`, first occurrence wins; duplicates are listed. */
export function indexIds(root: XmlElement): { byId: Map<string, XmlElement>; duplicates: XmlElement[] } {
  const byId = new Map<string, XmlElement>();
  const duplicates: XmlElement[] = [];
  walk(root, (element) => {
    const id = element.attrs.get("id");
    if (id === undefined) return;
    if (byId.has(id)) duplicates.push(element);
    else byId.set(id, element);
  });
  return { byId, duplicates };
}

/** All elements matching a predicate, in document order. */
export function findAll(root: XmlElement, match: (element: XmlElement) => boolean): XmlElement[] {
  const result: XmlElement[] = [];
  walk(root, (element) => {
    if (match(element)) result.push(element);
  });
  return result;
}

/** Follows a path of tag names from `root` (e.g. ["configuration", "resources"]). */
export function descend(root: XmlElement, path: readonly string[]): XmlElement | undefined {
  let current: XmlElement | undefined = root;
  for (const name of path) {
    if (!current) return undefined;
    current = firstChild(current, name);
  }
  return current;
}

/** Removes `target` from wherever it sits under `root`; false when absent. */
export function removeElement(root: XmlElement, target: XmlElement): boolean {
  let removed = false;
  walk(root, (element) => {
    const index = element.children.indexOf(target);
    if (index < 0) return;
    element.children.splice(index, 1);
    removed = true;
    return "stop";
  });
  return removed;
}
