/** The crm shell works on the CIB layer's XML tree; these are the few helpers it adds. */
import { type XmlElement, type XmlNode, childElements, createElement, walk } from "../../cib/index.js";

export type { XmlElement, XmlNode };
export { childElements, cloneElement, createComment, firstChild } from "../../cib/index.js";

export function element(name: string, attrs: [string, string][] = [], children: XmlNode[] = []): XmlElement {
  return createElement(name, attrs, children);
}

/** Every element below (and including) `root`, depth first, document order (iterative: deep trees are fine). */
export function descendants(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  walk(root, (el) => {
    out.push(el);
  });
  return out;
}

/** Child elements of `parent` that are not in `names`. */
export function otherChildren(parent: XmlElement, names: readonly string[]): XmlElement[] {
  return childElements(parent).filter((child) => !names.includes(child.name));
}
