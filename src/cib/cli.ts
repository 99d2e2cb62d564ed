import { readFile, rename, writeFile } from "node:fs/promises";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from "../cli/command.js";
import { formatCibError, type CibError } from "./core/errors.js";
import { loadCib } from "./core/model/load.js";
import { primitives } from "./core/model/query.js";
import { applyPatch, diffCib } from "./core/patch.js";
import { patchFromXml, patchToXml } from "./core/patch-xml.js";
import { formatCibVersion, versionOf } from "./core/version.js";
import { parseXml } from "./core/xml/parse.js";
import { serializeXml } from "./core/xml/serialize.js";
import type { XmlElement } from "./core/xml/tree.js";
import { validateWithPacemakerSchema } from "./driver/schema.js";

const USAGE = `usage: quorate cib check FILE [--json] [--no-schema]
       quorate cib diff OLD NEW [--json]
       quorate cib patch FILE PATCH [--output OUT]`;

/** `quorate cib …`: offline tools for CIB files (check like crm_verify, diff and patch like crm_diff). */
export const cib: CliCommand = async (args) => {
  const [verb, ...rest] = args;
  const flags = new Set(rest.filter((arg) => arg.startsWith("--") && arg !== "--output"));
  const output = rest.includes("--output") ? rest[rest.indexOf("--output") + 1] : undefined;
  if (rest.includes("--output") && output === undefined) throw new UsageError(`--output needs a file name\n${USAGE}`);
  const files = rest.filter((arg, i) => !arg.startsWith("--") && rest[i - 1] !== "--output");
  switch (verb) {
    case "check": return check(onlyFiles(files, 1)[0]!, flags.has("--json"), !flags.has("--no-schema"));
    case "diff": return diff(onlyFiles(files, 2), flags.has("--json"));
    case "patch": return patch(onlyFiles(files, 2), output);
    default: throw new UsageError(verb === undefined ? USAGE : `unknown verb '${verb}'\n${USAGE}`);
  }
};

function onlyFiles(files: string[], count: number): string[] {
  if (files.length !== count) throw new UsageError(`expected ${count} file name${count > 1 ? "s" : ""}\n${USAGE}`);
  return files;
}

async function readTree(file: string): Promise<{ root?: XmlElement; text: string; error?: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { text: "", error: `${file}: ${(error as Error).message}` };
  }
  const parsed = parseXml(text, file);
  return parsed.ok ? { root: parsed.value.root, text } : { text, error: formatCibError(parsed.error) };
}

async function check(file: string, json: boolean, withSchema: boolean): Promise<number> {
  const { root, text, error } = await readTree(file);
  const loaded = root ? loadCib(root, file) : undefined;
  const errors: string[] = error ? [error] : loaded && !loaded.ok ? loaded.error.map(formatCibError) : [];
  const warnings: CibError[] = loaded?.ok ? loaded.value.warnings : [];
  const schema = errors.length === 0 && withSchema ? await validateWithPacemakerSchema(text, file, undefined) : undefined;
  const schemaErrors = schema?.status === "invalid" ? schema.errors : [];
  const ok = errors.length === 0 && schemaErrors.length === 0;
  if (json) {
    const summary = loaded?.ok ? {
      version: formatCibVersion(versionOf(root!)), validateWith: loaded.value.header.validateWith,
      primitives: primitives(loaded.value.configuration).length, constraints: loaded.value.configuration.constraints.length,
    } : undefined;
    process.stdout.write(JSON.stringify({ file, ok, errors, warnings, schema: schema ?? { status: "skipped" }, summary }, null, 2) + "\n");
    return ok ? EXIT_OK : EXIT_FAILURE;
  }
  for (const line of [...errors, ...warnings.map((w) => `${formatCibError(w)} (warning)`), ...schemaErrors]) process.stdout.write(line + "\n");
  if (schema?.status === "unavailable") process.stdout.write(`${file}: schema not checked: ${schema.reason}\n`);
  if (ok && loaded?.ok) {
    const { configuration } = loaded.value;
    process.stdout.write(`${file}: valid, version ${formatCibVersion(versionOf(root!))}, ${primitives(configuration).length} primitives, ${configuration.constraints.length} constraints, ${warnings.length} warnings\n`);
  }
  return ok ? EXIT_OK : EXIT_FAILURE;
}

async function diff([oldFile, newFile]: string[], json: boolean): Promise<number> {
  const [before, after] = await Promise.all([readTree(oldFile!), readTree(newFile!)]);
  const problem = before.error ?? after.error;
  if (problem) return fail(problem);
  const result = diffCib(before.root!, after.root!);
  process.stdout.write(json ? JSON.stringify(result, (_, value) => (value instanceof Map ? Object.fromEntries(value) : value), 2) + "\n" : serializeXml(patchToXml(result)) + "\n");
  return EXIT_OK;
}

async function patch([file, patchFile]: string[], output: string | undefined): Promise<number> {
  const [target, patchTree] = await Promise.all([readTree(file!), readTree(patchFile!)]);
  const problem = target.error ?? patchTree.error;
  if (problem) return fail(problem);
  const decoded = patchFromXml(patchTree.root!, patchFile);
  if (!decoded.ok) return fail(formatCibError(decoded.error));
  const applied = applyPatch(target.root!, decoded.value);
  if (!applied.ok) return fail(`${patchFile}: ${applied.error.message}; nothing was written`);
  const text = serializeXml(applied.value) + "\n";
  if (output === undefined) process.stdout.write(text);
  else {
    await writeFile(`${output}.tmp`, text); // readers of OUT see the old file or the whole new one
    await rename(`${output}.tmp`, output);
  }
  return EXIT_OK;
}

function fail(message: string): number {
  process.stderr.write(message + "\n");
  return EXIT_FAILURE;
}
