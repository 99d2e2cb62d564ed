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
  return writeElement(element, options.pretty ?? true ? 0 : -1);
}

/** The whole document, with the comments around the root; ends with a newline. */
export function serializeDocument(document: XmlDocument, options: SerializeOptions = {}): string {
  const newline = options.pretty ?? true ? "\n" : "";
  let text = "";
  for (const comment of document.prolog) text += `<!--${comment.text}-->${newline}`;
  text += serializeXml(document.root, options) + newline;
  for (const comment of document.epilog) text += `<!--${comment.text}-->${newline}`;
  return newline === "" ? text + "\n" : text;
}

const INDENTS: string[] = [""];

function indentation(depth: number): string {
  if (depth < 0) return "";
  while (INDENTS.length <= depth) INDENTS.push(INDENTS[INDENTS.length - 1] + "  ");
  return INDENTS[depth]!;
}

/**
 * `depth` < 0 means compact output (no indentation or newlines). Strings are
 * built with `+=`, which V8 turns into cheap ropes: far less garbage than
 * collecting millions of small parts for one join.
 */
function writeElement(element: XmlElement, depth: number): string {
  const indent = indentation(depth);
  let text = `${indent}<${element.name}`;
  for (const [name, value] of element.attrs) text += ` ${name}="${escapeAttribute(value)}"`;
  const children = element.children;
  if (children.length === 0) return text + "/>";
  text += ">";
  // Text makes whitespace significant, so such an element is written compactly (as libxml2 does).
  const compact = depth < 0 || children.some((child) => child.kind === "text");
  for (const child of children) text += compact ? writeNode(child, -1) : "\n" + writeNode(child, depth + 1);
  return compact ? `${text}</${element.name}>` : `${text}\n${indent}</${element.name}>`;
}

function writeNode(node: XmlNode, depth: number): string {
  switch (node.kind) {
    case "element": return writeElement(node, depth);
    case "comment": return `${indentation(depth)}<!--${node.text}-->`;
    case "text": return node.cdata ? cdataSection(node.text) : escapeText(node.text);
  }
}

function cdataSection(text: string): string {
  return `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;",
};

export function escapeAttribute(value: string): string {
  return /[&<>"'\n\r\t]/.test(value) ? value.replace(/[&<>"'\n\r\t]/g, (c) => ESCAPES[c]!) : value;
}

export function escapeText(value: string): string {
  return /[&<>]/.test(value) ? value.replace(/[&<>]/g, (c) => ESCAPES[c]!) : value;
}
