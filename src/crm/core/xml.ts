/** The crm shell works on the CIB layer's XML tree; these are the few helpers it adds. */
import { type XmlElement, type XmlNode, childElements, createElement } from "../../cib/index.js";

export type { XmlElement, XmlNode };
export { childElements, cloneElement, createComment, firstChild } from "../../cib/index.js";

export function element(name: string, attrs: [string, string][] = [], children: XmlNode[] = []): XmlElement {
  return createElement(name, attrs, children);
}

/** Every element below (and including) `root`, depth first, document order. */
export function* descendants(root: XmlElement): Generator<XmlElement> {
  yield root;
  for (const child of root.children) if (child.kind === "element") yield* descendants(child);
}

/** Child elements of `parent` that are not in `names`. */
export function otherChildren(parent: XmlElement, names: readonly string[]): XmlElement[] {
  return childElements(parent).filter((child) => !names.includes(child.name));
}
