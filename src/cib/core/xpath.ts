import type { XmlElement, XmlNode } from "./xml/tree.js";

/**
 * The small XPath subset patches use to address nodes: absolute paths of steps
 * `name`, `name[@id='x']`, `name[k]` (k-th of that name, 1-based), `comment()[k]`
 * and `text()[k]`. Paths are built by nodePath() and resolved by resolvePath().
 */

type Step =
  | { kind: "element"; name: string; id?: string; index?: number }
  | { kind: "comment" | "text"; index: number };

/** The step that addresses `children[index]` among its siblings. */
export function stepFor(children: readonly XmlNode[], index: number): string {
  const node = children[index]!;
  if (node.kind !== "element") {
    const ordinal = children.slice(0, index + 1).filter((n) => n.kind === node.kind).length;
    return `${node.kind}()[${ordinal}]`;
  }
  const id = node.attrs.get("id");
  if (id !== undefined) return `${node.name}[@id=${quote(id)}]`;
  const sameName = (n: XmlNode): boolean => n.kind === "element" && n.name === node.name && !n.attrs.has("id");
  const ordinal = children.slice(0, index + 1).filter(sameName).length;
  const total = children.filter(sameName).length;
  return total === 1 && ordinal === 1 ? node.name : `${node.name}[${ordinal}]`;
}

function quote(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

function parsePath(path: string): Step[] | undefined {
  if (!path.startsWith("/")) return undefined;
  const steps: Step[] = [];
  const pattern = /\/(?:(comment|text)\(\)\[(\d+)\]|([A-Za-z_:][\w.:-]*)(?:\[@id=(?:'([^']*)'|"([^"]*)")\]|\[(\d+)\])?)/y;
  let offset = 0;
  while (offset < path.length) {
    pattern.lastIndex = offset;
    const match = pattern.exec(path);
    if (!match) return undefined;
    offset = pattern.lastIndex;
    if (match[1]) steps.push({ kind: match[1] as "comment" | "text", index: Number(match[2]) });
    else {
      const step: Step = { kind: "element", name: match[3]! };
      const id = match[4] ?? match[5];
      if (id !== undefined) step.id = id;
      if (match[6] !== undefined) step.index = Number(match[6]);
      steps.push(step);
    }
  }
  return steps;
}

function matchChild(children: readonly XmlNode[], step: Step): number {
  if (step.kind !== "element") {
    let seen = 0;
    return children.findIndex((n) => n.kind === step.kind && ++seen === step.index);
  }
  if (step.id !== undefined) return children.findIndex((n) => n.kind === "element" && n.name === step.name && n.attrs.get("id") === step.id);
  let seen = 0;
  const wanted = step.index ?? 1;
  return children.findIndex((n) => n.kind === "element" && n.name === step.name && !n.attrs.has("id") && ++seen === wanted);
}

export interface Resolved {
  node: XmlNode;
  /** Absent for the root. */
  parent?: XmlElement;
  index: number;
}

/** Finds the node a path names under (and including) `root`, or undefined. */
export function resolvePath(root: XmlElement, path: string): Resolved | undefined {
  const steps = parsePath(path);
  const first = steps?.[0];
  if (!steps || !first || first.kind !== "element" || first.name !== root.name) return undefined;
  if (first.id !== undefined && root.attrs.get("id") !== first.id) return undefined;
  let resolved: Resolved = { node: root, index: 0 };
  for (const step of steps.slice(1)) {
    if (resolved.node.kind !== "element") return undefined;
    const parent: XmlElement = resolved.node;
    const index = matchChild(parent.children, step);
    if (index < 0) return undefined;
    resolved = { node: parent.children[index]!, parent, index };
  }
  return resolved;
}
