import { err, ok, type Result } from "../../lib/result.js";
import { formatCibError } from "./errors.js";
import { patchFromXml, patchToXml } from "./patch-xml.js";
import type { CibUpdate } from "./replica.js";
import type { CibVersion } from "./version.js";
import { parseXml } from "./xml/parse.js";
import { serializeXml } from "./xml/serialize.js";
import { childElements, cloneElement, createElement, type XmlElement } from "./xml/tree.js";

/**
 * What CIB replicas say to each other on the ordered channel, as compact XML
 * text (the payload of a CPG message):
 *   <cib-update origin serial><diff format="2">…</diff></cib-update>
 *   <cib-sync-request from have-admin_epoch … />  (a laggard asks for a copy)
 *   <cib-full from><cib>…</cib></cib-full>          (the answer, or a merge after a partition)
 */
export type CibMessage =
  | { kind: "update"; update: CibUpdate }
  | { kind: "sync-request"; from: string; have: CibVersion }
  | { kind: "full"; from: string; root: XmlElement };

export function encodeCibMessage(message: CibMessage): string {
  switch (message.kind) {
    case "update":
      return serializeXml(createElement("cib-update", { origin: message.update.origin, serial: String(message.update.serial) }, [patchToXml(message.update.patch)]), { pretty: false });
    case "sync-request": {
      const { adminEpoch, epoch, numUpdates } = message.have;
      return serializeXml(createElement("cib-sync-request", { from: message.from, admin_epoch: String(adminEpoch), epoch: String(epoch), num_updates: String(numUpdates) }), { pretty: false });
    }
    case "full":
      return serializeXml(createElement("cib-full", { from: message.from }, [cloneElement(message.root)]), { pretty: false });
  }
}

/** Decodes a payload; anything malformed is an error naming the problem, never an exception. */
export function decodeCibMessage(text: string): Result<CibMessage, string> {
  const parsed = parseXml(text, "cib message");
  if (!parsed.ok) return err(formatCibError(parsed.error));
  const root = parsed.value.root;
  const from = root.attrs.get("from") ?? root.attrs.get("origin");
  if (from === undefined || from === "") return err(`<${root.name}> does not say who sent it`);
  const inner = childElements(root)[0];
  switch (root.name) {
    case "cib-update": {
      const serial = Number(root.attrs.get("serial"));
      if (!Number.isSafeInteger(serial) || serial < 1) return err("<cib-update> needs a positive serial");
      if (!inner) return err("<cib-update> carries no <diff>");
      const patch = patchFromXml(inner, "cib message");
      return patch.ok ? ok({ kind: "update", update: { origin: from, serial, patch: patch.value } }) : err(formatCibError(patch.error));
    }
    case "cib-sync-request": {
      const numbers = ["admin_epoch", "epoch", "num_updates"].map((name) => Number(root.attrs.get(name)));
      if (!numbers.every((n) => Number.isSafeInteger(n) && n >= 0)) return err("<cib-sync-request> needs admin_epoch, epoch and num_updates");
      return ok({ kind: "sync-request", from, have: { adminEpoch: numbers[0]!, epoch: numbers[1]!, numUpdates: numbers[2]! } });
    }
    case "cib-full":
      return inner?.name === "cib" ? ok({ kind: "full", from, root: inner }) : err("<cib-full> carries no <cib>");
    default:
      return err(`<${root.name}> is not a CIB message`);
  }
}
