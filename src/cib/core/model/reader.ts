import { cibError, type CibError } from "../errors.js";
import { childElements, type XmlElement } from "../xml/tree.js";
import { parseScore, scoreOrLenient, type Score } from "../score.js";
import type { Role } from "../rules/types.js";

/**
 * Shared state while turning the XML tree into the typed model: the source
 * name, the id index (for id-ref), and the warnings collected on the way.
 * Loading is lenient where Pacemaker is: a bad value is a warning and a
 * default, so every CIB Pacemaker accepts also loads here.
 */
export class Reader {
  readonly warnings: CibError[] = [];

  constructor(readonly file: string, readonly byId: ReadonlyMap<string, XmlElement>) {}

  warn(element: XmlElement, message: string): void {
    this.warnings.push(cibError(this.file, element.pos, `<${element.name}${idSuffix(element)}>: ${message}`));
  }

  /** The `id`, or a warning and a synthesised id so that the element still loads. */
  id(element: XmlElement): string {
    const id = element.attrs.get("id");
    if (id !== undefined && id !== "") return id;
    this.warn(element, "has no id");
    return `${element.name}@${element.pos?.line ?? 0}:${element.pos?.col ?? 0}`;
  }

  /** Follows `id-ref` to the element it names (of the same tag); the element itself otherwise. */
  dereference(element: XmlElement): XmlElement | undefined {
    const ref = element.attrs.get("id-ref");
    if (ref === undefined) return element;
    const target = this.byId.get(ref);
    if (!target || target.name !== element.name) {
      this.warn(element, `id-ref "${ref}" does not name a <${element.name}>`);
      return undefined;
    }
    return target;
  }

  score(element: XmlElement, name: string): Score | undefined {
    const text = element.attrs.get(name);
    if (text === undefined) return undefined;
    const score = parseScore(text);
    if (score !== undefined) return score;
    this.warn(element, `${name}="${text}" is not a score (an integer or [+-]INFINITY)`);
    return scoreOrLenient(text);
  }

  role(element: XmlElement, name: string): Role | undefined {
    const text = element.attrs.get(name);
    if (text === undefined) return undefined;
    const role = parseRole(text);
    if (role === undefined) this.warn(element, `${name}="${text}" is not a role`);
    return role;
  }

  flag(element: XmlElement, name: string, fallback: boolean): boolean {
    const text = element.attrs.get(name);
    return text === undefined ? fallback : isTrue(text);
  }

  /** Children by tag, following id-ref on each. */
  children(parent: XmlElement, name: string): XmlElement[] {
    const result: XmlElement[] = [];
    for (const child of childElements(parent, name)) {
      const target = this.dereference(child);
      if (target) result.push(target);
    }
    return result;
  }
}

function idSuffix(element: XmlElement): string {
  const id = element.attrs.get("id") ?? element.attrs.get("id-ref");
  return id === undefined ? "" : ` id="${id}"`;
}

const ROLES: Record<string, Role> = {
  stopped: "Stopped", started: "Started", unpromoted: "Unpromoted", slave: "Unpromoted", promoted: "Promoted", master: "Promoted",
};

/** Accepts current and legacy role names in any case; Master/Slave load as Promoted/Unpromoted. */
export function parseRole(text: string): Role | undefined {
  return ROLES[text.trim().toLowerCase()];
}

/** Pacemaker's notion of a true value: true, on, yes, y, 1 (any case). */
export function isTrue(text: string): boolean {
  return ["true", "on", "yes", "y", "1"].includes(text.trim().toLowerCase());
}
