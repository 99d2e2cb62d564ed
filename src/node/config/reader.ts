import type { ConfDiagnostic, ConfSection } from "./syntax.js";

/** How a key's value is read. "ignored" keys are known (often 1.x compatibility) but have no effect here. */
export type KeyKind = "int" | "bool" | "string" | "ignored" | readonly string[];

export class Diagnostics {
  readonly errors: ConfDiagnostic[] = [];
  readonly warnings: ConfDiagnostic[] = [];
  constructor(readonly file: string) {}
  error(line: number, message: string): void {
    // A key may be checked where it is declared and again where it is read: report it once.
    if (this.errors.some((e) => e.line === line && e.message === message)) return;
    this.errors.push({ file: this.file, line, message });
  }
  warn(line: number, message: string): void {
    this.warnings.push({ file: this.file, line, message });
  }
}

const truthy = new Set(["yes", "on", "true", "1"]);
const falsy = new Set(["no", "off", "false", "0"]);

/**
 * Typed access to one section's keys. Unknown keys warn, duplicates warn (the
 * last one wins, as in corosync), malformed values are errors naming file:line.
 */
export class SectionReader {
  private readonly values = new Map<string, { value: string; line: number }>();

  constructor(readonly section: ConfSection, readonly path: string, private readonly known: Record<string, KeyKind>, private readonly diag: Diagnostics) {
    for (const entry of section.entries) {
      const kind = known[entry.key];
      if (kind === undefined) diag.warn(entry.line, `unknown key ${this.name(entry.key)} (ignored)`);
      if (this.values.has(entry.key)) diag.warn(entry.line, `${this.name(entry.key)} set twice; the last value wins`);
      this.values.set(entry.key, { value: entry.value, line: entry.line });
      if (kind !== undefined && typeof kind !== "string") this.choice(entry.key, kind);
    }
  }

  name(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  line(key: string): number {
    return this.values.get(key)?.line ?? this.section.line;
  }

  string(key: string): string | undefined {
    return this.values.get(key)?.value;
  }

  int(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const entry = this.values.get(key);
    if (entry === undefined) return undefined;
    const value = /^\d+$/.test(entry.value) ? Number(entry.value) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in ${min}..${max}`;
      this.diag.error(entry.line, `${this.name(key)} must be ${range} (got "${entry.value}")`);
      return undefined;
    }
    return value;
  }

  bool(key: string): boolean | undefined {
    const entry = this.values.get(key);
    if (entry === undefined) return undefined;
    const word = entry.value.toLowerCase();
    if (truthy.has(word)) return true;
    if (falsy.has(word)) return false;
    this.diag.error(entry.line, `${this.name(key)} must be yes/no, on/off or 1/0 (got "${entry.value}")`);
    return undefined;
  }

  choice<T extends string>(key: string, values: readonly T[]): T | undefined {
    const entry = this.values.get(key);
    if (entry === undefined) return undefined;
    const found = values.find((v) => v === entry.value);
    if (found === undefined) this.diag.error(entry.line, `${this.name(key)} must be one of ${values.join(", ")} (got "${entry.value}")`);
    return found;
  }

  /** Subsections: unknown names warn; `allowed` lists the names this section may hold. */
  subsections(allowed: readonly string[]): ConfSection[] {
    for (const sub of this.section.sections) {
      if (!allowed.includes(sub.name)) this.diag.warn(sub.line, `unknown section ${this.name(sub.name)} (ignored)`);
    }
    return this.section.sections;
  }
}

/** Readers for every subsection called `name` (or none). */
export function readersOf(parent: SectionReader, name: string, known: Record<string, KeyKind>, diag: Diagnostics): SectionReader[] {
  return parent.section.sections.filter((s) => s.name === name).map((s) => new SectionReader(s, parent.name(name), known, diag));
}
