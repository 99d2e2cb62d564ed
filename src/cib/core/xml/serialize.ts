import type { XmlDocument, XmlElement, XmlNode } from "./tree.js";

export interface SerializeOptions {
  /** Two-space indentation per level, one node per line, as `cibadmin --query` prints. Default true. */
  pretty?: boolean;
}

/**
 * Writes an element the way Pacemaker does: attributes in their order, double
 * quotes, `<empty/>` without a space, comments on their own line. Output is a
 * pure function of the tree, so equal trees give byte-equal text.
 */
export function serializeXml(element: XmlElement, options: SerializeOptions = {}): string {
  const parts: string[] = [];
  writeElement(element, options.pretty ?? true ? 0 : -1, parts);
  return parts.join("");
}

/** The whole document, with the comments around the root; ends with a newline. */
export function serializeDocument(document: XmlDocument, options: SerializeOptions = {}): string {
  const pretty = options.pretty ?? true;
  const newline = pretty ? "\n" : "";
  const parts: string[] = [];
  for (const comment of document.prolog) parts.push(`<!--${comment.text}-->`, newline);
  parts.push(serializeXml(document.root, options), newline);
  for (const comment of document.epilog) parts.push(`<!--${comment.text}-->`, newline);
  return pretty ? parts.join("") : parts.join("") + "\n";
}

/** `depth` < 0 means compact output (no indentation or newlines). */
function writeElement(element: XmlElement, depth: number, parts: string[]): void {
  const indent = depth < 0 ? "" : "  ".repeat(depth);
  let open = `${indent}<${element.name}`;
  for (const [name, value] of element.attrs) open += ` ${name}="${escapeAttribute(value)}"`;
  const children = element.children;
  if (children.length === 0) {
    parts.push(open, "/>");
    return;
  }
  parts.push(open, ">");
  // Text makes whitespace significant, so such an element is written compactly (as libxml2 does).
  if (depth >= 0 && children.some((child) => child.kind === "text")) {
    for (const child of children) writeNode(child, -1, parts);
    parts.push(`</${element.name}>`);
    return;
  }
  for (const child of children) {
    if (depth >= 0) parts.push("\n");
    writeNode(child, depth < 0 ? -1 : depth + 1, parts);
  }
  parts.push(depth >= 0 ? `\n${indent}</${element.name}>` : `</${element.name}>`);
}

function writeNode(node: XmlNode, depth: number, parts: string[]): void {
  const indent = depth < 0 ? "" : "  ".repeat(depth);
  switch (node.kind) {
    case "element":
      writeElement(node, depth, parts);
      return;
    case "comment":
      parts.push(`${indent}<!--${node.text}-->`);
      return;
    case "text":
      parts.push(indent, node.cdata ? cdataSection(node.text) : escapeText(node.text));
      return;
  }
}

function cdataSection(text: string): string {
  return `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;",
};

export function escapeAttribute(value: string): string {
  return /[&<>"'\n\r\t]/.test(value) ? value.replace(/[&<>"'\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c]!) : value;
}

export function escapeText(value: string): string {
  return /[&<>]/.test(value) ? value.replace(/[&<>]/g, (c) => ATTRIBUTE_ESCAPES[c]!) : value;
}
