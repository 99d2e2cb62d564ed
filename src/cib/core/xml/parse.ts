import { err, ok, type Result } from "../../../lib/result.js";
import type { CibError, SourcePosition } from "../errors.js";
import type { XmlComment, XmlDocument, XmlElement } from "./tree.js";

/**
 * A strict, non-validating XML parser for the subset CIBs use: elements,
 * attributes, comments, text, the predefined and numeric entities and CDATA.
 * The XML declaration, processing instructions and DOCTYPE are skipped.
 * Malformed input yields an error with line and column, never an exception.
 */
export function parseXml(text: string, file = "<input>"): Result<XmlDocument, CibError> {
  const parser = new Parser(text, file);
  try {
    return ok(parser.document());
  } catch (failure) {
    if (failure instanceof ParseFailure) return err(failure.error);
    throw failure;
  }
}

/** Nesting limit: a CIB is about ten levels deep; this bounds every recursive walk. */
export const XML_DEPTH_MAX = 256;

class ParseFailure {
  constructor(readonly error: CibError) {}
}

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, BANG = 0x21, QUESTION = 0x3f, EQUALS = 0x3d;
const QUOTE = 0x22, APOS = 0x27, AMP = 0x26;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a || code >= 0xc0;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0xb7;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

class Parser {
  private pos = 0;
  private readonly lineStarts: number[] = [0];
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | undefined;
  private readonly prolog: XmlComment[] = [];
  private readonly epilog: XmlComment[] = [];

  constructor(private readonly text: string, private readonly file: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  document(): XmlDocument {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
    while (this.pos < text.length) {
      const lt = text.indexOf("<", this.pos);
      const textEnd = lt < 0 ? text.length : lt;
      if (textEnd > this.pos) this.characters(this.pos, textEnd);
      if (lt < 0) break;
      this.markup(lt);
    }
    const open = this.stack[this.stack.length - 1];
    if (open) this.fail(text.length, `element <${open.name}> opened at ${open.pos!.line}:${open.pos!.col} is never closed`);
    if (!this.root) this.fail(text.length, "no root element");
    return { root: this.root, prolog: this.prolog, epilog: this.epilog, file: this.file };
  }

  private markup(lt: number): void {
    const next = this.text.charCodeAt(lt + 1);
    if (next === SLASH) this.endTag(lt);
    else if (next === BANG) this.bang(lt);
    else if (next === QUESTION) this.skipUntil(lt, "?>", "processing instruction");
    else this.startTag(lt);
  }

  private bang(lt: number): void {
    if (this.text.startsWith("<!--", lt)) this.comment(lt);
    else if (this.text.startsWith("<![CDATA[", lt)) this.cdata(lt);
    else if (this.text.startsWith("<!DOCTYPE", lt)) this.doctype(lt);
    else this.fail(lt, "unknown markup after '<!'");
  }

  private comment(lt: number): void {
    const end = this.text.indexOf("-->", lt + 4);
    if (end < 0) this.fail(lt, "comment is never closed with '-->'");
    const body = this.text.slice(lt + 4, end);
    const dashes = body.indexOf("--");
    if (dashes >= 0 || body.endsWith("-")) this.fail(lt + 4 + Math.max(dashes, 0), "'--' is not allowed inside a comment");
    const comment: XmlComment = { kind: "comment", text: body };
    this.pos = end + 3;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(comment);
    else (this.root ? this.epilog : this.prolog).push(comment);
  }

  private cdata(lt: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent) this.fail(lt, "CDATA section outside the root element");
    const end = this.text.indexOf("]]>", lt + 9);
    if (end < 0) this.fail(lt, "CDATA section is never closed with ']]>'");
    parent.children.push({ kind: "text", text: this.text.slice(lt + 9, end), cdata: true });
    this.pos = end + 3;
  }

  /** Skips `<!DOCTYPE …>` including an internal subset in brackets and quoted literals. */
  private doctype(lt: number): void {
    if (this.root || this.stack.length > 0) this.fail(lt, "DOCTYPE after the root element started");
    let depth = 0;
    let quote = 0;
    for (let i = lt + 9; i < this.text.length; i++) {
      const code = this.text.charCodeAt(i);
      if (quote !== 0) {
        if (code === quote) quote = 0;
      } else if (code === QUOTE || code === APOS) quote = code;
      else if (code === 0x5b) depth++;
      else if (code === 0x5d) depth--;
      else if (code === GT && depth <= 0) {
        this.pos = i + 1;
        return;
      }
    }
    this.fail(lt, "DOCTYPE is never closed with '>'");
  }

  private skipUntil(start: number, terminator: string, what: string): void {
    const end = this.text.indexOf(terminator, start + 2);
    if (end < 0) this.fail(start, `${what} is never closed with '${terminator}'`);
    this.pos = end + terminator.length;
  }

  private characters(start: number, end: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      for (let i = start; i < end; i++) {
        if (!isSpace(this.text.charCodeAt(i))) this.fail(i, this.root ? "text after the root element" : "text before the root element");
      }
      return;
    }
    const value = this.decode(start, end, false);
    if (value.trim() === "") return;
    const last = parent.children[parent.children.length - 1];
    if (last?.kind === "text" && !last.cdata) last.text += value;
    else parent.children.push({ kind: "text", text: value });
  }

  private startTag(lt: number): void {
    if (this.root && this.stack.length === 0) this.fail(lt, "a second root element");
    if (this.stack.length >= XML_DEPTH_MAX) this.fail(lt, `elements nested deeper than ${XML_DEPTH_MAX} levels`);
    this.pos = lt + 1;
    const name = this.name("element name");
    const element: XmlElement = { kind: "element", name, attrs: new Map(), children: [], pos: this.position(lt) };
    const selfClosing = this.attributes(element);
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(element);
    else this.root = element;
    if (!selfClosing) this.stack.push(element);
  }

  /** Reads attributes up to `>` or `/>`; returns true for a self-closing tag. */
  private attributes(element: XmlElement): boolean {
    const text = this.text;
    for (;;) {
      const hadSpace = this.skipSpace();
      const code = text.charCodeAt(this.pos);
      if (code === GT) {
        this.pos++;
        return false;
      }
      if (code === SLASH) {
        if (text.charCodeAt(this.pos + 1) !== GT) this.fail(this.pos, "expected '>' after '/'");
        this.pos += 2;
        return true;
      }
      if (Number.isNaN(code)) this.fail(this.pos, `start tag <${element.name}> is never closed`);
      if (!hadSpace) this.fail(this.pos, "expected whitespace, '>' or '/>' after the element name or attribute");
      this.attribute(element);
    }
  }

  private attribute(element: XmlElement): void {
    const namePos = this.pos;
    const name = this.name("attribute name");
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== EQUALS) this.fail(this.pos, `expected '=' after attribute '${name}'`);
    this.pos++;
    this.skipSpace();
    const quote = this.text.charCodeAt(this.pos);
    if (quote !== QUOTE && quote !== APOS) this.fail(this.pos, `value of attribute '${name}' must be quoted`);
    const end = this.text.indexOf(quote === QUOTE ? '"' : "'", this.pos + 1);
    if (end < 0) this.fail(this.pos, `value of attribute '${name}' is never closed`);
    const value = this.decode(this.pos + 1, end, true);
    if (element.attrs.has(name)) this.fail(namePos, `duplicate attribute '${name}'`);
    element.attrs.set(name, value);
    this.pos = end + 1;
  }

  private endTag(lt: number): void {
    this.pos = lt + 2;
    const name = this.name("end tag name");
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== GT) this.fail(this.pos, `expected '>' to close </${name}>`);
    this.pos++;
    const open = this.stack.pop();
    if (!open) this.fail(lt, `end tag </${name}> without a matching start tag`);
    if (open.name !== name) {
      this.fail(lt, `end tag </${name}> does not match <${open.name}> opened at ${open.pos!.line}:${open.pos!.col}`);
    }
  }

  private name(what: string): string {
    const start = this.pos;
    const text = this.text;
    if (!isNameStart(text.charCodeAt(start))) {
      const found = start < text.length ? `'${text[start]}'` : "end of input";
      this.fail(start, `expected ${what}, found ${found}`);
    }
    let end = start + 1;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    this.pos = end;
    return text.slice(start, end);
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (isSpace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  /**
   * Replaces entity references. In attributes, literal tabs and newlines become
   * spaces first (XML attribute normalisation), while &#10; survives.
   */
  private decode(start: number, end: number, inAttribute: boolean): string {
    let raw = this.text.slice(start, end);
    if (inAttribute) {
      const lt = raw.indexOf("<");
      if (lt >= 0) this.fail(start + lt, "'<' is not allowed in an attribute value");
      if (/[\t\n\r]/.test(raw)) raw = raw.replace(/\r\n|[\t\n\r]/g, " ");
    }
    return raw.indexOf("&") >= 0 ? this.replaceEntities(raw, start) : raw;
  }

  private replaceEntities(raw: string, offset: number): string {
    let out = "";
    let from = 0;
    for (let amp = raw.indexOf("&"); amp >= 0; amp = raw.indexOf("&", from)) {
      const semi = raw.indexOf(";", amp);
      if (semi < 0 || semi - amp > 12) this.fail(offset + amp, "'&' must start an entity reference such as &amp;");
      out += raw.slice(from, amp) + this.entity(raw.slice(amp + 1, semi), offset + amp);
      from = semi + 1;
    }
    return out + raw.slice(from);
  }

  private entity(body: string, at: number): string {
    const predefined = PREDEFINED[body];
    if (predefined !== undefined) return predefined;
    const hex = /^#x([0-9a-fA-F]{1,6})$/.exec(body);
    const dec = /^#([0-9]{1,7})$/.exec(body);
    const code = hex ? parseInt(hex[1]!, 16) : dec ? parseInt(dec[1]!, 10) : -1;
    if (code < 0) this.fail(at, `unknown entity '&${body};'`);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(at, `invalid character reference '&${body};'`);
    return String.fromCodePoint(code);
  }

  private position(offset: number): SourcePosition {
    const starts = this.lineStarts;
    let low = 0, high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - starts[low]! + 1 };
  }

  private fail(offset: number, message: string): never {
    const at = this.position(Math.min(offset, this.text.length));
    throw new ParseFailure({ file: this.file, line: at.line, col: at.col, message });
  }
}

