import { err, ok, type Result } from "../../lib/result.js";

/**
 * The corosync.conf syntax: line-based, `name {` opens a section, `}` closes it,
 * `key: value` sets a key, lines starting with `#` are comments. This module only
 * builds the tree; what the keys mean is in schema.ts.
 */
export interface ConfEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export interface ConfSection {
  readonly name: string;
  readonly line: number;
  readonly entries: ConfEntry[];
  readonly sections: ConfSection[];
}

export interface ConfDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function formatDiagnostic(d: ConfDiagnostic): string {
  return `${d.file}:${d.line}: ${d.message}`;
}

const sectionName = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const keyName = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const fileLinesMax = 100_000;
const nestingMax = 16;

export function parseConfText(text: string, file: string): Result<ConfSection, ConfDiagnostic> {
  const root: ConfSection = { name: "", line: 0, entries: [], sections: [] };
  const stack: ConfSection[] = [root];
  const lines = text.split(/\r?\n/);
  if (lines.length > fileLinesMax) return err({ file, line: fileLinesMax, message: `file longer than ${fileLinesMax} lines` });
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const body = (lines[index] ?? "").trim();
    if (body === "" || body.startsWith("#")) continue;
    const fail = (message: string) => err({ file, line, message });
    const current = stack[stack.length - 1]!;
    if (body === "}") {
      if (stack.length === 1) return fail("'}' without a matching section");
      stack.pop();
      continue;
    }
    if (body.endsWith("{")) {
      const name = body.slice(0, -1).trim();
      if (!sectionName.test(name)) return fail(`invalid section name "${name}"`);
      if (stack.length > nestingMax) return fail(`sections nested deeper than ${nestingMax}`);
      const section: ConfSection = { name, line, entries: [], sections: [] };
      current.sections.push(section);
      stack.push(section);
      continue;
    }
    const colon = body.indexOf(":");
    if (colon < 0) return fail(`expected "key: value", "section {" or "}" (got "${body}")`);
    const key = body.slice(0, colon).trim();
    if (!keyName.test(key)) return fail(`invalid key name "${key}"`);
    if (/[{}]/.test(body.slice(colon + 1))) return fail(`braces must stand on their own line (got "${body}")`);
    current.entries.push({ key, value: unquote(body.slice(colon + 1).trim()), line });
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!;
    return err({ file, line: lines.length, message: `section "${open.name}" opened at line ${open.line} is never closed` });
  }
  return ok(root);
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
