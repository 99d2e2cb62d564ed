/**
 * drbd.conf's generic syntax: statements made of words, ended by `;` or by a
 * `{ … }` block of further statements. `#` starts a comment. Strings are quoted
 * with `"`. Every statement remembers its file and line for error messages.
 */
export interface Statement {
  words: string[];
  block: Statement[] | undefined;
  file: string;
  line: number;
}

/** An operating error in a configuration file; always names file:line. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly file: string, readonly line: number, what: string) {
    super(`${file}:${line}: ${what}`);
  }
}

interface Token {
  kind: "word" | "string" | "{" | "}" | ";";
  text: string;
  line: number;
}

const NESTING_MAX = 16;

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === "#") { while (i < text.length && text[i] !== "\n") i++; continue; }
    if (c === "{" || c === "}" || c === ";") { tokens.push({ kind: c, text: c, line }); i++; continue; }
    if (c === '"') {
      const start = line;
      let value = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        if (text[i] === "\n") line++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new ConfigError(file, start, "unterminated string");
      i++;
      tokens.push({ kind: "string", text: value, line: start });
      continue;
    }
    let word = "";
    while (i < text.length && !/[\s{};"#]/.test(text[i]!)) word += text[i++];
    tokens.push({ kind: "word", text: word, line });
  }
  return tokens;
}

/** Parses one file's text into statements; throws ConfigError naming file:line. */
export function parseStatements(text: string, file: string): Statement[] {
  const tokens = tokenize(text, file);
  let at = 0;
  const parseList = (depth: number, closeLine: number | undefined): Statement[] => {
    const list: Statement[] = [];
    if (depth > NESTING_MAX) throw new ConfigError(file, tokens[at]?.line ?? 0, "sections nested too deeply");
    for (;;) {
      const token = tokens[at];
      if (token === undefined) {
        if (closeLine !== undefined) throw new ConfigError(file, closeLine, "missing '}' for the section opened here");
        return list;
      }
      if (token.kind === "}") {
        if (closeLine === undefined) throw new ConfigError(file, token.line, "unexpected '}'");
        at++;
        return list;
      }
      list.push(parseOne(depth));
    }
  };
  const parseOne = (depth: number): Statement => {
    const words: string[] = [];
    const line = tokens[at]!.line;
    for (;;) {
      const token = tokens[at];
      if (token === undefined) throw new ConfigError(file, line, `statement '${words.join(" ")}' is missing ';'`);
      at++;
      if (token.kind === ";") {
        if (words.length === 0) throw new ConfigError(file, token.line, "empty statement");
        return { words, block: undefined, file, line };
      }
      if (token.kind === "{") {
        if (words.length === 0) throw new ConfigError(file, token.line, "a section needs a name before '{'");
        return { words, block: parseList(depth + 1, token.line), file, line };
      }
      if (token.kind === "}") throw new ConfigError(file, line, `statement '${words.join(" ")}' is missing ';'`);
      words.push(token.text);
    }
  };
  return parseList(0, undefined);
}
