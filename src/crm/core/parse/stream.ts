import type { Token } from "../lexer.js";

/** A syntax error at a token (or at the end of the statement when token is undefined). */
export class CrmSyntaxError extends Error {
  override name = "CrmSyntaxError";
  constructor(
    message: string,
    readonly token: Token | undefined,
  ) {
    super(message);
  }
}

/** Cursor over one statement's tokens with the small vocabulary every command parser needs. */
export class TokenStream {
  private index = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly command: string,
  ) {}

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  peekText(ahead = 0): string | undefined {
    return this.peek(ahead)?.text;
  }

  /** True when the next token is an unquoted keyword (one of `words`). */
  atKeyword(...words: string[]): boolean {
    const token = this.peek();
    return token !== undefined && !token.quoted && words.includes(token.text);
  }

  next(what: string): Token {
    const token = this.tokens[this.index];
    if (token === undefined) throw new CrmSyntaxError(`expected ${what}, got end of line`, undefined);
    this.index++;
    return token;
  }

  accept(word: string): boolean {
    if (!this.atKeyword(word)) return false;
    this.index++;
    return true;
  }

  expect(word: string): Token {
    const token = this.next(`'${word}'`);
    if (token.text !== word) throw new CrmSyntaxError(`expected '${word}'`, token);
    return token;
  }

  fail(message: string, token: Token | undefined = this.peek()): never {
    throw new CrmSyntaxError(message, token);
  }

  /** Remaining tokens must be none. */
  end(): void {
    const token = this.peek();
    if (token !== undefined) throw new CrmSyntaxError(`unexpected '${token.text}' in ${this.command}`, token);
  }
}

const ID = /^[A-Za-z_][-A-Za-z0-9_.]*$/;

/** XML ids (NCName as Pacemaker uses them): a letter or underscore first. */
export function isValidId(text: string): boolean {
  return ID.test(text);
}

export function expectId(stream: TokenStream, what: string): string {
  const token = stream.next(what);
  const text = token.text.startsWith("id=") ? token.text.slice(3) : token.text;
  if (!isValidId(text)) throw new CrmSyntaxError(`${text}: invalid ${what}`, token);
  return text;
}

/** Splits `name=value`; undefined when the token has no '='. */
export function splitAssignment(token: Token): { name: string; value: string } | undefined {
  const eq = token.text.indexOf("=");
  if (eq <= 0) return undefined;
  return { name: token.text.slice(0, eq), value: token.text.slice(eq + 1) };
}
