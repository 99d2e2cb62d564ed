/**
 * The canonical parameter set whose md5 is an operation's op-digest. It is the
 * resource's instance attributes only (meta attributes and the operation's
 * interval/timeout are not definition changes), rendered as one XML element
 * with the attributes sorted by name:
 *
 *     <parameters a="1" b="x &amp; y"/>
 *
 * Values are XML-escaped (& < > " and the control characters \t \n \r as
 * character references), so the form is unambiguous. The driver hashes it
 * (md5, hex) — the hash needs node:crypto, the form does not.
 */
export function canonicalParameters(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).filter((name) => !name.startsWith("CRM_meta_")).sort(byCodeUnit);
  const attributes = names.map((name) => ` ${name}="${escapeAttribute(params[name] ?? "")}"`);
  return `<parameters${attributes.join("")}/>`;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("\t", "&#9;")
    .replaceAll("\n", "&#10;")
    .replaceAll("\r", "&#13;");
}
