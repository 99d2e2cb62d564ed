import { readFile } from "node:fs/promises";
import type { XmlElement } from "../cib/index.js";
import { formatCibError, parseXml, serializeXml } from "../cib/index.js";
import { CONFIGURE_COMMANDS, configureCommands, resolveCommand } from "./core/commands.js";
import { CrmError } from "./core/errors.js";
import { LexError, type Statement, type Token, positionOf, splitStatements, tokenize } from "./core/lexer.js";
import { CrmSyntaxError, TokenStream } from "./core/parse/stream.js";
import { ConfigureSession } from "./core/session.js";
import { applyStatement, xmlObject } from "./core/statements.js";
import type { AgentLookup } from "./core/verify.js";
import type { CibStore } from "./driver/cib-store.js";
import { setNodeStandby } from "./core/node-attributes.js";
import { runFilter } from "./driver/filter.js";

export interface ShellIo {
  out(text: string): void;
  err(text: string): void;
}

export type Level = "top" | "configure";

export interface ShellOptions {
  force: boolean;
  lookup?: AgentLookup;
  /**
   * Validates the CIB text about to be committed against Pacemaker's schema
   * (crmsh refuses such a commit even with --force); errors, or [] when valid
   * or when no validator is available.
   */
  schemaErrors?: (cibText: string, validateWith: string | undefined) => Promise<string[]>;
  /** Runs `crm ra …` / `crm simulate …` (other layers' commands). */
  external: Record<string, (args: string[]) => Promise<number>>;
}

/** Where a statement came from, for error messages. */
interface Origin {
  source: string;
  statement: Statement;
}

/** The crm shell: levels, statement dispatch, errors with positions, commit through a CibStore. */
export class CrmShell {
  level: Level = "top";
  failed = false;
  private session: ConfigureSession | undefined;

  constructor(
    private readonly store: CibStore,
    private readonly io: ShellIo,
    private readonly options: ShellOptions,
  ) {}

  prompt(): string {
    return this.level === "top" ? "crm(live)# " : `crm(live)${this.level}# `;
  }

  /** Ids in the working configuration (for completion). */
  async knownIds(): Promise<string[]> {
    const session = await this.openSession().catch(() => undefined);
    return session === undefined ? [] : [...session.working.ids()];
  }

  async runScript(text: string, source: string): Promise<void> {
    for (const statement of splitStatements(text)) await this.runStatement(statement, source);
  }

  async runStatement(statement: Statement, source: string): Promise<void> {
    const origin = { source, statement };
    let tokens: Token[];
    try {
      tokens = tokenize(statement.text);
    } catch (error) {
      if (!(error instanceof LexError)) throw error;
      return this.report(origin, error.message, error.offset);
    }
    if (tokens.length === 0) return;
    try {
      if (this.level === "top") await this.runTop(tokens, origin);
      else await this.runConfigure(tokens, origin);
    } catch (error) {
      if (error instanceof CrmSyntaxError) return this.report(origin, error.message, error.token?.offset ?? statement.text.length, error.token);
      if (error instanceof CrmError) return this.report(origin, error.message);
      throw error;
    }
  }

  /** `ERROR: FILE:LINE:COL: message near 'token'`, then the statement with a caret under the spot. */
  private report(origin: Origin, message: string, offset?: number, token?: Token): void {
    this.failed = true;
    const at = positionOf(origin.statement, offset ?? 0);
    const near = token === undefined ? "" : ` near '${token.text}'`;
    let text = `ERROR: ${origin.source}:${at.line}:${offset === undefined ? "" : `${at.column}:`} ${message}${near}\n`;
    if (offset !== undefined) text += `  ${origin.statement.text}\n  ${" ".repeat(offset)}^\n`;
    this.io.err(text);
  }

  private async runTop(tokens: Token[], origin: Origin): Promise<void> {
    const [first, ...args] = tokens.map((t) => t.text);
    switch (first) {
      case "configure":
        if (args.length === 0) {
          this.level = "configure";
          return;
        }
        await this.runConfigure(tokens.slice(1), origin);
        if (this.session?.dirty === true && !CONFIGURE_COMMANDS.includes(args[0] ?? "")) await this.commit([]);
        return;
      case "cd":
        if (args[0] === "configure") this.level = "configure";
        else if (args[0] !== ".." && args[0] !== undefined) throw new CrmError(`${args[0]}: no such level`);
        return;
      case "up": case "end": case "quit": case "exit": case "bye": case "q":
        return;
      case "help":
        this.io.out(`commands: configure node ra simulate status cd help quit\n`);
        return;
      case "node":
        return this.nodeCommand(args);
      case "status":
        return this.status();
      default: {
        const external = this.options.external[first ?? ""];
        if (external === undefined) throw new CrmError(`${first ?? ""}: No such command`);
        if ((await external(args)) !== 0) this.failed = true;
      }
    }
  }

  private async runConfigure(tokens: Token[], origin: Origin): Promise<void> {
    const known = configureCommands();
    const word = tokens[0]?.text ?? "";
    const command = resolveCommand(word, known);
    if (command === undefined) throw new CrmError(`configure.${word}: No such command`);
    const args = tokens.slice(1).map((t) => t.text);
    switch (command) {
      case "show": return this.show(args);
      case "xml": return this.xml(origin);
      case "commit": return this.commit(args);
      case "verify": return this.verify();
      case "load": return this.load(args);
      case "refresh":
        this.session = undefined;
        return;
      case "filter": {
        const session = await this.openSession();
        const [cmd, ...ids] = args;
        if (cmd === undefined) throw new CrmError("usage: filter COMMAND [ID...]");
        await runFilter(session, cmd, ids);
        return;
      }
      case "cd": case "up": case "end": case "quit": case "exit": case "bye":
        this.level = command === "cd" && args[0] === "configure" ? "configure" : "top";
        return;
      case "help":
        this.io.out(`configure commands: ${known.join(" ")}\n`);
        return;
      default: {
        const session = await this.openSession();
        const stream = new TokenStream(tokens.slice(1), command);
        session.edit((config) => applyStatement(config, command, stream));
      }
    }
  }

  /** `xml <element/>`: the statement's raw text after the word `xml` is CIB XML. */
  private async xml(origin: Origin): Promise<void> {
    const raw = origin.statement.text.replace(/^\s*xml\s*/, "");
    const parsed = parseXml(raw, origin.source);
    if (!parsed.ok) throw new CrmError(`xml: ${formatCibError(parsed.error)}`);
    const session = await this.openSession();
    session.edit((config) => config.add(xmlObject(parsed.value.root)));
  }

  private async openSession(): Promise<ConfigureSession> {
    if (this.session !== undefined) return this.session;
    const cib = await this.store.read();
    if (!cib.ok) throw new CrmError(cib.error);
    this.session = new ConfigureSession(cib.value, this.options.lookup);
    return this.session;
  }

  private async show(args: string[]): Promise<void> {
    const session = await this.openSession();
    if (args[0] === "xml") {
      this.io.out(session.showXml());
      return;
    }
    const text = session.show(args.length === 0 ? undefined : new Set(args));
    if (text !== "") this.io.out(`${text}\n`);
  }

  private async verify(): Promise<void> {
    const session = await this.openSession();
    const problems = session.verify();
    for (const p of problems) this.io.err(`${p.severity === "error" ? "ERROR" : "WARNING"}: ${p.message}\n`);
    if (problems.some((p) => p.severity === "error")) this.failed = true;
  }

  async commit(args: string[]): Promise<void> {
    const session = await this.openSession();
    if (!session.dirty) return;
    const prepared = session.prepareCommit(this.options.force || args.includes("force"));
    if ("refused" in prepared) {
      const list = prepared.refused.map((p) => `  ${p.message}`).join("\n");
      throw new CrmError(`commit refused: the configuration does not verify (nothing was written):\n${list}`);
    }
    const invalid = await this.options.schemaErrors?.(serializeXml(prepared.cib), prepared.cib.attrs.get("validate-with")) ?? [];
    if (invalid.length > 0) {
      throw new CrmError(`commit refused: the CIB would not pass Pacemaker's schema (nothing was written):\n${invalid.map((line) => `  ${line}`).join("\n")}`);
    }
    for (const p of prepared.problems) this.io.err(`WARNING: ${p.message} (committed anyway: --force)\n`);
    const written = await this.store.replace(prepared.cib);
    if (!written.ok) throw new CrmError(written.error);
    session.committed(prepared.cib);
  }

  private async load(args: string[]): Promise<void> {
    const [method, file] = args;
    if (method === undefined || file === undefined) throw new CrmError("usage: load replace|update FILE");
    const session = await this.openSession();
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CrmError(`load: cannot read ${file}: ${(error as Error).message}`);
    }
    if (text.trimStart().startsWith("<")) {
      const parsed = parseXml(text, file);
      if (!parsed.ok) throw new CrmError(formatCibError(parsed.error));
      session.load(method, wrapCib(parsed.value.root));
      return;
    }
    if (method === "replace") session.edit((config) => config.configuration.children.splice(0));
    await this.runScriptInConfigure(text, file);
  }

  private async runScriptInConfigure(text: string, source: string): Promise<void> {
    const saved = this.level;
    this.level = "configure";
    try {
      await this.runScript(text, source);
    } finally {
      this.level = saved;
    }
  }

  private async nodeCommand(args: string[]): Promise<void> {
    const [verb, node] = args;
    if ((verb !== "standby" && verb !== "online") || node === undefined) throw new CrmError("usage: node standby|online NODE");
    const session = await this.openSession();
    session.edit((config) => setNodeStandby(config, node, verb === "standby"));
    await this.commit([]);
  }

  private async status(): Promise<void> {
    const session = await this.openSession();
    this.io.out(`${session.show()}\n`);
  }

  /** Pending changes when the input ends; crmsh asks, a script cannot answer, so they are dropped. */
  finish(): void {
    if (this.session?.dirty === true) this.io.err("WARNING: uncommitted changes were discarded (use commit)\n");
  }
}

function wrapCib(root: XmlElement): XmlElement {
  if (root.name === "cib") return root;
  return { kind: "element", name: "cib", attrs: new Map(), children: [root] };
}
