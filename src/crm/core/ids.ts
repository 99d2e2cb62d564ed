import { type XmlElement, descendants } from "./xml.js";

/**
 * Hands out element ids the way crmsh does: the natural id (`d1-instance_attributes`)
 * when free, otherwise the first free `<base>-<n>` counting from 0. Ids taken by one
 * statement stay local until the statement is applied, so a failed statement leaves
 * nothing behind.
 */
export class IdAllocator {
  private readonly taken = new Set<string>();
  constructor(private readonly inUse: (id: string) => boolean) {}

  static forDocument(root: XmlElement): IdAllocator {
    const ids = collectIds(root);
    return new IdAllocator((id) => ids.has(id));
  }

  has(id: string): boolean {
    return this.taken.has(id) || this.inUse(id);
  }

  /** Marks an id given by the user as used. */
  claim(id: string): void {
    this.taken.add(id);
  }

  take(base: string): string {
    let id = base;
    for (let n = 0; this.has(id); n++) id = `${base}-${n}`;
    this.taken.add(id);
    return id;
  }
}

export function collectIds(root: XmlElement): Set<string> {
  const ids = new Set<string>();
  for (const el of descendants(root)) {
    const id = el.attrs.get("id");
    if (id !== undefined && !isReferenceElement(el) && el.name !== "node") ids.add(id);
  }
  return ids;
}

/**
 * Elements whose `id` names another element instead of defining one. Node ids
 * are not XML IDs in Pacemaker's schema either: a node and a resource may share a name.
 */
export function isReferenceElement(el: XmlElement): boolean {
  return el.name === "resource_ref" || el.name === "obj_ref" || (el.name === "role" && el.attrs.size === 1);
}
