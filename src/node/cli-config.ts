import { parseArgs } from "node:util";
import { UsageError, type CliCommand } from "../cli/command.js";
import { loadConfigFile } from "./config/load.js";
import { renderEffective } from "./config/render.js";
import { formatDiagnostic } from "./config/syntax.js";
import { keySizeDefault, writeAuthkey } from "./keygen.js";
import { defaultKeyfile } from "./config/model.js";

/** `quorate config check FILE [--json]`: exit 0 with the effective configuration, 1 with file:line errors. */
export const config: CliCommand = async (args) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  const [verb, file, ...rest] = positionals;
  if (verb !== "check" || file === undefined || rest.length > 0) throw new UsageError("usage: quorate config check FILE [--json]");
  const loaded = await loadConfigFile(file);
  const warnings = loaded.ok ? loaded.value.warnings : loaded.error.warnings;
  if (values.json) {
    const body = loaded.ok
      ? { valid: true, config: loaded.value.config, warnings: warnings, errors: [] }
      : { valid: false, warnings, errors: loaded.error.errors };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return loaded.ok ? 0 : 1;
  }
  for (const warning of warnings) process.stderr.write(`warning: ${formatDiagnostic(warning)}\n`);
  if (!loaded.ok) {
    for (const error of loaded.error.errors) process.stderr.write(`error: ${formatDiagnostic(error)}\n`);
    return 1;
  }
  process.stdout.write(renderEffective(loaded.value.config));
  return 0;
};

/** `quorate keygen [-k FILE] [-s SIZE]`, with corosync-keygen's flags and messages. */
export const keygen: CliCommand = async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      "key-file": { type: "string", short: "k", default: defaultKeyfile },
      size: { type: "string", short: "s", default: String(keySizeDefault) },
      "random-file": { type: "string", short: "r" },
      "less-secure": { type: "boolean", short: "l" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write("usage: quorate keygen [-k <keyfile>] [-s size] [-h]\n  -k / --key-file=FILE  write to FILE instead of the default /etc/corosync/authkey\n  -s / --size=BYTES     key length (128..4096, default 256)\n  -r, -l                accepted for corosync-keygen compatibility; the OS CSPRNG is always used\n");
    return 0;
  }
  const size = Number(values.size);
  const file = values["key-file"];
  process.stdout.write(`Quorate authentication key generator.\nGathering ${size * 8} bits for key from the OS random source.\n`);
  const written = await writeAuthkey(file, size);
  if (!written.ok) {
    process.stderr.write(`quorate keygen: ${written.error}\n`);
    return 1;
  }
  process.stdout.write(`Writing corosync key to ${file}.\n`);
  return 0;
};
