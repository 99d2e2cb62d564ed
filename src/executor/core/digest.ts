import { supportsAction, type AgentMetadata } from "./metadata.js";

/**
 * The canonical parameter set whose md5 (hex) is an operation's op-digest in
 * lrm_rsc_op. It is the resource's instance attributes only (meta attributes
 * and the operation's interval/timeout are not definition changes), written
 * as one XML element with a leading space, the attributes sorted by name, and
 * a newline:
 *
 *     ␠<parameters a="1" b="x &amp; y"/>\n
 *
 * Values are XML-escaped (& < > " and the control characters \t \n \r as
 * character references). This is the form whose md5 Pacemaker records: it
 * reproduces the op-digest of the start operations in Pacemaker's scheduler
 * regression inputs (test/executor/digest-conformance.test.ts), so a CIB
 * written by Pacemaker keeps its digests under Quorate. The hash itself needs
 * node:crypto and lives in the driver.
 */
export function canonicalParameters(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).filter((name) => !name.startsWith("CRM_meta_")).sort(byCodeUnit);
  const attributes = names.map((name) => ` ${name}="${escapeAttribute(params[name] ?? "")}"`);
  return ` <parameters${attributes.join("")}/>\n`;
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

/**
 * The parameters whose change forces a restart rather than a reload, as
 * lrm_rsc_op's op-force-restart lists them: with reload-agent (OCF 1.1) those
 * not marked reloadable; with the legacy reload those marked unique; without
 * either, undefined (every change restarts). op-restart-digest is the digest
 * of just these parameters, so a change outside them can be reloaded.
 */
export function forceRestartParameters(metadata: AgentMetadata): string[] | undefined {
  if (supportsAction(metadata, "reload-agent")) return metadata.parameters.filter((p) => !p.reloadable).map((p) => p.name);
  if (supportsAction(metadata, "reload")) return metadata.parameters.filter((p) => p.unique).map((p) => p.name);
  return undefined;
}

/** The subset of params named in `names` (for op-restart-digest). */
export function pickParameters(params: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => names.includes(name)));
}
