import { type XmlElement, cloneElement, serializeXml } from "../../cib/index.js";
import { Configuration } from "./config.js";
import { CrmError } from "./errors.js";
import { showConfiguration } from "./show.js";
import { type AgentLookup, type Problem, verifyConfiguration } from "./verify.js";

/**
 * One `configure` session: the CIB as last read or committed, and the working
 * copy statements edit. Commit hands back the new CIB for the store to write;
 * nothing reaches the store unless the whole working copy verifies.
 */
export class ConfigureSession {
  /** The configuration as read or last committed. Never mutated: every edit works on a copy. */
  private base: XmlElement;
  working: Configuration;
  /** Ids an edit dropped since the last commit; crmsh does not hand them out again before commit. */
  readonly retired = new Set<string>();

  constructor(cib: XmlElement, private readonly lookup?: AgentLookup) {
    this.working = new Configuration(cib);
    this.base = this.working.configuration;
  }

  /** True when the working configuration differs from what was read or committed. */
  get dirty(): boolean {
    const current = this.working.configuration;
    return current !== this.base && serializeXml(current) !== serializeXml(this.base);
  }

  /** Runs `edit` on a copy and keeps the result only when it completes: a failed statement changes nothing. */
  edit(edit: (config: Configuration) => void): void {
    const copy = new Configuration(cloneElement(this.working.cib));
    edit(copy);
    this.working = copy;
  }

  show(only?: ReadonlySet<string>, oneLine = false): string {
    if (only !== undefined) {
      for (const id of only) if (this.working.findObject(id) === undefined && id !== "fencing_topology") throw new CrmError(`object ${id} does not exist`);
    }
    return showConfiguration(this.working.configuration, only, oneLine);
  }

  showXml(): string {
    return serializeXml(this.working.configuration);
  }

  verify(): Problem[] {
    return verifyConfiguration(this.working, this.lookup);
  }

  /**
   * The CIB to write when the working copy verifies (or `force`), with epoch
   * bumped; otherwise the errors. Call `committed()` once the store wrote it.
   */
  prepareCommit(force: boolean): { cib: XmlElement; problems: Problem[] } | { refused: Problem[] } {
    const problems = this.verify();
    const errors = problems.filter((p) => p.severity === "error");
    if (errors.length > 0 && !force) return { refused: errors };
    const cib = cloneElement(this.working.cib);
    const epoch = Number.parseInt(cib.attrs.get("epoch") ?? "0", 10);
    cib.attrs.set("epoch", String((Number.isFinite(epoch) ? epoch : 0) + 1));
    cib.attrs.set("num_updates", "0");
    return { cib, problems };
  }

  committed(cib: XmlElement): void {
    this.retired.clear();
    this.working = new Configuration(cib);
    this.base = this.working.configuration;
  }

  /** `load replace|update`: replaces or merges the configuration with another CIB's. */
  load(method: string, other: XmlElement): void {
    const incoming = new Configuration(cloneElement(other));
    if (method === "replace") {
      this.edit((config) => {
        const index = config.cib.children.indexOf(config.configuration);
        config.cib.children[index] = incoming.configuration;
      });
      return;
    }
    if (method !== "update") throw new CrmError(`load: expected replace or update, got ${method}`);
    this.edit((config) => mergeConfiguration(config, incoming));
  }
}

/** `load update`: objects of `incoming` replace same-id objects, new ones are appended. */
function mergeConfiguration(config: Configuration, incoming: Configuration): void {
  for (const section of incoming.configuration.children) {
    if (section.kind !== "element") continue;
    const target = config.ensureSection(section.name as Parameters<Configuration["ensureSection"]>[0]);
    for (const child of section.children) {
      if (child.kind !== "element") continue;
      const id = child.attrs.get("id");
      const index = target.children.findIndex((c) => c.kind === "element" && id !== undefined && c.attrs.get("id") === id);
      if (index >= 0) target.children[index] = child;
      else target.children.push(child);
    }
  }
}
