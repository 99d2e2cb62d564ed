import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { CliCommand } from "../cli/command.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../cli/command.js";
import { ra } from "../executor/ra-cli.js";
import { simulate } from "../scheduler/cli.js";
import { latestSchema, schemaFor, validateWithPacemakerSchema } from "../cib/index.js";
import { splitStatements } from "./core/lexer.js";
import { storeFromEnvironment } from "./driver/cib-store.js";
import { agentLookup } from "./driver/agents.js";
import { completer } from "./driver/completion.js";
import { CrmShell } from "./shell.js";

const USAGE = `usage: crm [-F|--force] [-f FILE] [COMMAND...]
  crm                         interactive shell (levels: configure; cd/up/end/help)
  crm -f FILE                 run a crm script (first line 'configure', 'commit' to write)
  crm configure STATEMENT     run one statement and commit it (e.g. crm configure show)
  crm node standby|online N   put a node in standby / bring it back
  crm ra ...                  resource agent information
Works on the CIB file named by CIB_file.
`;

interface Invocation {
  force: boolean;
  file?: string;
  words: string[];
}

function parseArgs(args: string[]): Invocation | string {
  const invocation: Invocation = { force: false, words: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (invocation.words.length > 0) invocation.words.push(arg);
    else if (arg === "-F" || arg === "--force") invocation.force = true;
    else if (arg === "-f" || arg === "--file") {
      const file = args[++i];
      if (file === undefined) return "-f needs a file name";
      invocation.file = file;
    } else if (arg === "-h" || arg === "--help") return "help";
    else if (arg === "-w" || arg === "--wait" || arg === "-d" || arg === "--debug") continue;
    else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else invocation.words.push(arg);
  }
  return invocation;
}

export const crm: CliCommand = async (args) => {
  const invocation = parseArgs(args);
  if (invocation === "help") {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (typeof invocation === "string") {
    process.stderr.write(`crm: ${invocation}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const [first, ...rest] = invocation.words;
  if (first === "ra") return ra(rest);
  if (first === "simulate") return simulate(rest);
  const store = storeFromEnvironment();
  if (!store.ok) {
    process.stderr.write(`ERROR: ${store.error}\n`);
    return EXIT_FAILURE;
  }
  const shell = new CrmShell(store.value, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }, {
    force: invocation.force,
    lookup: agentLookup(),
    schemaErrors,
    external: { ra, simulate },
  });
  if (invocation.file !== undefined) {
    const text = invocation.file === "-" ? await readStdin() : await readFile(invocation.file, "utf8").catch(() => undefined);
    if (text === undefined) {
      process.stderr.write(`ERROR: cannot read ${invocation.file}\n`);
      return EXIT_FAILURE;
    }
    await shell.runScript(text, invocation.file);
    shell.finish();
  } else if (invocation.words.length > 0) {
    const line = invocation.words.map(shellQuote).join(" ");
    for (const statement of splitStatements(line)) await shell.runStatement(statement, "command line");
    // `crm configure` alone enters the level; as crmsh, go on there with stdin's commands (`crm configure < FILE`).
    if (!shell.failed && shell.level !== "top") await readCommands(shell);
  } else {
    await readCommands(shell);
  }
  return shell.failed ? EXIT_FAILURE : EXIT_OK;
};

/** Pacemaker's RELAX NG schema for the CIB's validate-with (newest when unknown); no errors when xmllint is missing. */
async function schemaErrors(cibText: string, validateWith: string | undefined): Promise<string[]> {
  const schema = (validateWith === undefined ? undefined : schemaFor(validateWith)) ?? latestSchema();
  const check = await validateWithPacemakerSchema(cibText, "cib.xml", schema);
  return check.status === "invalid" ? check.errors : [];
}

/** Re-quotes an argv word so the crm lexer sees it as one word again. */
function shellQuote(word: string): string {
  if (/^[^\s'"\\]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The rest of the session: a script on stdin, or the interactive shell on a terminal. */
async function readCommands(shell: CrmShell): Promise<void> {
  if (process.stdin.isTTY) return interactive(shell);
  await shell.runScript(await readStdin(), "<stdin>");
  shell.finish();
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function interactive(shell: CrmShell): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, completer: completer(shell), terminal: true });
  rl.setPrompt(shell.prompt());
  rl.prompt();
  let pending = "";
  let lineNumber = 0;
  for await (const line of rl) {
    lineNumber++;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const text = pending + line;
    pending = "";
    const word = text.trim();
    if (shell.level === "top" && ["quit", "exit", "bye", "q"].includes(word)) break;
    for (const statement of splitStatements(text, lineNumber)) await shell.runStatement(statement, "shell");
    rl.setPrompt(shell.prompt());
    rl.prompt();
  }
  rl.close();
  shell.finish();
}
