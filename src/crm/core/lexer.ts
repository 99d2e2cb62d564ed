/**
 * Lexing of crm shell input. A script is split into statements (a trailing
 * backslash continues a line; lines starting with '#' are comments); each
 * statement is split into words the way a POSIX shell would (quotes group,
 * backslash escapes), remembering where every word starts so that errors can
 * name line and column.
 */

export interface Token {
  /** The word after quote removal. */
  text: string;
  /** Offset of the word's first character in the statement text. */
  offset: number;
  /** True when any part of the word was quoted (a quoted word is never a keyword). */
  quoted: boolean;
}

export interface SourcePosition {
  line: number;
  column: number;
}

export interface Statement {
  /** The statement with continuations joined by a space. */
  text: string;
  /** Source line of the statement's first character. */
  line: number;
  /** Where each joined physical line starts: offset in `text` and its source line. */
  segments: { offset: number; line: number; column: number }[];
  /** Comment lines directly before the statement (crmsh keeps them with the next object). */
  comments: string[];
}

export class LexError extends Error {
  override name = "LexError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function positionOf(statement: Statement, offset: number): SourcePosition {
  let best = statement.segments[0] ?? { offset: 0, line: statement.line, column: 1 };
  for (const segment of statement.segments) if (segment.offset <= offset) best = segment;
  return { line: best.line, column: best.column + (offset - best.offset) };
}

/** Splits a script into statements. Blank lines end nothing; comments attach to the next statement. */
export function splitStatements(source: string, firstLine = 1): Statement[] {
  const lines = source.split(/\r?\n/);
  const statements: Statement[] = [];
  let pending: Statement | undefined;
  let comments: string[] = [];
  lines.forEach((raw, index) => {
    const lineNumber = firstLine + index;
    const continued = /(^|[^\\])(\\\\)*\\$/.test(raw);
    const body = continued ? raw.slice(0, -1) : raw;
    if (pending === undefined) {
      const trimmed = body.trim();
      if (trimmed === "" && !continued) return;
      if (trimmed.startsWith("#")) {
        comments.push(trimmed);
        return;
      }
      const column = body.length - body.trimStart().length + 1;
      pending = { text: body.trimStart(), line: lineNumber, segments: [{ offset: 0, line: lineNumber, column }], comments };
      comments = [];
    } else {
      const column = body.length - body.trimStart().length + 1;
      const offset = pending.text.length + 1;
      pending.text += ` ${body.trimStart()}`;
      pending.segments.push({ offset, line: lineNumber, column });
    }
    if (!continued) {
      pending.text = pending.text.trimEnd();
      statements.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) statements.push(pending);
  return statements;
}

/** Splits one statement into words. Throws LexError on an unterminated quote. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? "")) i++;
    if (i >= text.length) break;
    const start = i;
    let word = "";
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i] ?? "")) {
      const ch = text[i] ?? "";
      if (ch === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new LexError("unterminated single quote", i);
        word += text.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      } else if (ch === '"') {
        i = readDoubleQuoted(text, i, (part) => (word += part));
        quoted = true;
      } else if (ch === "\\" && i + 1 < text.length) {
        word += text[i + 1];
        i += 2;
      } else {
        word += ch;
        i++;
      }
    }
    tokens.push({ text: word, offset: start, quoted });
  }
  return tokens;
}

function readDoubleQuoted(text: string, open: number, emit: (part: string) => void): number {
  let i = open + 1;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === '"') return i + 1;
    if (ch === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) {
      emit(text[i + 1] ?? "");
      i += 2;
    } else {
      emit(ch);
      i++;
    }
  }
  throw new LexError("unterminated double quote", open);
}
