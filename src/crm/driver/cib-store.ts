import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { type XmlElement, formatCibError, parseXml, serializeXml } from "../../cib/index.js";
import { type Result, err, ok } from "../../lib/result.js";

/**
 * Where the crm shell reads and writes the CIB. Today a file (CIB_file);
 * the live cluster plugs in later behind the same two calls.
 */
export interface CibStore {
  /** For messages: the file name or "live cluster". */
  readonly name: string;
  read(): Promise<Result<XmlElement, string>>;
  /** Replaces the whole CIB atomically: readers see the old or the new one, never half. */
  replace(cib: XmlElement): Promise<Result<void, string>>;
}

export class FileCibStore implements CibStore {
  constructor(readonly name: string) {}

  async read(): Promise<Result<XmlElement, string>> {
    let text: string;
    try {
      text = await readFile(this.name, "utf8");
    } catch (error) {
      return err(`cannot read CIB file ${this.name}: ${(error as Error).message}`);
    }
    const parsed = parseXml(text, this.name);
    if (!parsed.ok) return err(formatCibError(parsed.error));
    if (parsed.value.root.name !== "cib") return err(`${this.name}: the root element is <${parsed.value.root.name}>, expected <cib>`);
    return ok(parsed.value.root);
  }

  async replace(cib: XmlElement): Promise<Result<void, string>> {
    const temp = `${this.name}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, `${serializeXml(cib)}\n`);
      await rename(temp, this.name);
      return ok(undefined);
    } catch (error) {
      return err(`cannot write CIB file ${this.name}: ${(error as Error).message}`);
    }
  }
}

/** The store named by the environment: CIB_file, as crmsh and Pacemaker's tools use it. */
export function storeFromEnvironment(env: NodeJS.ProcessEnv = process.env): Result<CibStore, string> {
  const file = env["CIB_file"];
  if (file !== undefined && file !== "") return ok(new FileCibStore(file));
  return err("no live cluster is running yet (the cluster daemons come in a later release); set CIB_file=PATH to work on a CIB file");
}

/** A CIB held in memory (tests, and callers that already hold the document). */
export class MemoryCibStore implements CibStore {
  readonly name = "memory";
  writes = 0;
  constructor(public cib: XmlElement) {}

  async read(): Promise<Result<XmlElement, string>> {
    return ok(this.cib);
  }

  async replace(cib: XmlElement): Promise<Result<void, string>> {
    this.cib = cib;
    this.writes++;
    return ok(undefined);
  }
}
