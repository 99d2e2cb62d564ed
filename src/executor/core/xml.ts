import { err, ok, type Result } from "../../lib/result.js";

/**
 * A small, strict XML reader for agent meta-data: elements, attributes, text,
 * CDATA; comments, processing instructions and the DOCTYPE are skipped.
 * Errors name line and column. (Agent meta-data is all it has to read; the
 * CIB has its own model.)
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const DEPTH_MAX = 64;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  where(at = this.pos): string {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    return `line ${line}, column ${at - before.lastIndexOf("\n")}`;
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  skipPast(token: string): boolean {
    const at = this.text.indexOf(token, this.pos);
    if (at < 0) return false;
    this.pos = at + token.length;
    return true;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  name(): string | undefined {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (match === null) return undefined;
    this.pos += match[0].length;
    return match[0];
  }
}

export function parseXml(text: string): Result<XmlElement, string> {
  const reader = new Reader(text);
  const prolog = skipMisc(reader);
  if (prolog !== undefined) return err(prolog);
  if (!reader.startsWith("<")) return err(`${reader.where()}: expected the root element`);
  const root = parseElement(reader, 0);
  if (!root.ok) return root;
  const epilog = skipMisc(reader);
  if (epilog !== undefined) return err(epilog);
  if (reader.pos < text.length) return err(`${reader.where()}: content after the root element`);
  return root;
}

/** Skips whitespace, comments, processing instructions and a DOCTYPE. */
function skipMisc(reader: Reader): string | undefined {
  for (;;) {
    reader.skipSpace();
    const at = reader.pos;
    if (reader.startsWith("<?")) {
      if (!reader.skipPast("?>")) return `${reader.where(at)}: unterminated processing instruction`;
    } else if (reader.startsWith("<!--")) {
      if (!reader.skipPast("-->")) return `${reader.where(at)}: unterminated comment`;
    } else if (reader.startsWith("<!DOCTYPE")) {
      const close = reader.text.indexOf(">", reader.pos);
      const subset = reader.text.indexOf("[", reader.pos);
      const ok = subset >= 0 && subset < close ? reader.skipPast("]") && reader.skipPast(">") : reader.skipPast(">");
      if (!ok) return `${reader.where(at)}: unterminated DOCTYPE`;
    } else {
      return undefined;
    }
  }
}

function parseElement(reader: Reader, depth: number): Result<XmlElement, string> {
  if (depth > DEPTH_MAX) return err(`${reader.where()}: elements nested deeper than ${DEPTH_MAX}`);
  reader.pos++; // "<"
  const name = reader.name();
  if (name === undefined) return err(`${reader.where()}: expected an element name`);
  const element: XmlElement = { name, attributes: {}, children: [], text: "" };
  const attributes = parseAttributes(reader, element);
  if (attributes !== undefined) return err(attributes);
  if (reader.startsWith("/>")) {
    reader.pos += 2;
    return ok(element);
  }
  reader.pos++; // ">"
  const content = parseContent(reader, element, depth);
  return content === undefined ? ok(element) : err(content);
}

function parseAttributes(reader: Reader, element: XmlElement): string | undefined {
  for (;;) {
    reader.skipSpace();
    if (reader.startsWith("/>") || reader.startsWith(">")) return undefined;
    const at = reader.pos;
    const name = reader.name();
    if (name === undefined) return `${reader.where()}: expected an attribute name or the end of <${element.name}>`;
    reader.skipSpace();
    if (!reader.startsWith("=")) return `${reader.where()}: expected '=' after attribute ${name}`;
    reader.pos++;
    reader.skipSpace();
    const quote = reader.text[reader.pos];
    if (quote !== '"' && quote !== "'") return `${reader.where()}: attribute ${name} needs a quoted value`;
    const end = reader.text.indexOf(quote, reader.pos + 1);
    if (end < 0) return `${reader.where(at)}: unterminated value of attribute ${name}`;
    const value = decodeEntities(reader.text.slice(reader.pos + 1, end));
    if (!value.ok) return `${reader.where(at)}: ${value.error}`;
    if (Object.hasOwn(element.attributes, name)) return `${reader.where(at)}: attribute ${name} appears twice`;
    element.attributes[name] = value.value;
    reader.pos = end + 1;
  }
}

function parseContent(reader: Reader, element: XmlElement, depth: number): string | undefined {
  for (;;) {
    const at = reader.pos;
    if (reader.pos >= reader.text.length) return `${reader.where()}: <${element.name}> is not closed`;
    if (reader.startsWith("</")) {
      reader.pos += 2;
      const name = reader.name();
      reader.skipSpace();
      if (name !== element.name || !reader.startsWith(">")) {
        return `${reader.where(at)}: expected </${element.name}>`;
      }
      reader.pos++;
      return undefined;
    }
    if (reader.startsWith("<!--")) {
      if (!reader.skipPast("-->")) return `${reader.where(at)}: unterminated comment`;
    } else if (reader.startsWith("<![CDATA[")) {
      const end = reader.text.indexOf("]]>", reader.pos);
      if (end < 0) return `${reader.where(at)}: unterminated CDATA section`;
      element.text += reader.text.slice(reader.pos + 9, end);
      reader.pos = end + 3;
    } else if (reader.startsWith("<?")) {
      if (!reader.skipPast("?>")) return `${reader.where(at)}: unterminated processing instruction`;
    } else if (reader.startsWith("<")) {
      const child = parseElement(reader, depth + 1);
      if (!child.ok) return child.error;
      element.children.push(child.value);
    } else {
      const end = reader.text.indexOf("<", reader.pos);
      const raw = reader.text.slice(reader.pos, end < 0 ? undefined : end);
      const text = decodeEntities(raw);
      if (!text.ok) return `${reader.where(at)}: ${text.error}`;
      element.text += text.value;
      reader.pos += raw.length;
    }
  }
}

function decodeEntities(raw: string): Result<string, string> {
  let failure: string | undefined;
  const decoded = raw.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) failure ??= `'&' must start an entity reference (got '${whole}')`;
    const named = ENTITIES[name];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]+$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]+$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
    if (Number.isNaN(code) || code > 0x10ffff) {
      failure ??= `unknown entity '&${name};'`;
      return whole;
    }
    return String.fromCodePoint(code);
  });
  return failure === undefined ? ok(decoded) : err(failure);
}

/** The first child element with this name. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}
