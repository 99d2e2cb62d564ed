import { createHash } from "node:crypto";
import { open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { err, ok, type Result } from "../../lib/result.js";
import { formatCibError } from "../core/errors.js";
import { parseXml } from "../core/xml/parse.js";
import { serializeXml } from "../core/xml/serialize.js";
import type { XmlDocument, XmlElement } from "../core/xml/tree.js";

/**
 * The CIB on disk: `cib.xml` and `cib.xml.sig` (the SHA-256 of cib.xml's
 * bytes, in hex). A write goes to temporary files that are fsynced, then
 * renamed (signature first, then the document) and the directory fsynced. A
 * crash between the two renames leaves the new document in `cib.xml.tmp`
 * matching the new signature; loading finishes the rename.
 */
export const CIB_FILE_NAME = "cib.xml";
export const SIGNATURE_FILE_NAME = "cib.xml.sig";

export type StoreError =
  | { kind: "missing"; message: string }
  | { kind: "digest-mismatch"; message: string }
  | { kind: "corrupt"; message: string };

export function cibDigest(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function writeCibFile(directory: string, root: XmlElement): Promise<void> {
  const text = serializeXml(root) + "\n";
  const [document, signature] = [join(directory, CIB_FILE_NAME), join(directory, SIGNATURE_FILE_NAME)];
  await writeDurably(`${document}.tmp`, text);
  await writeDurably(`${signature}.tmp`, cibDigest(text) + "\n");
  await rename(`${signature}.tmp`, signature);
  await rename(`${document}.tmp`, document);
  await syncDirectory(directory);
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, "w", 0o600);
  try {
    await file.writeFile(text, "utf8");
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Loads the stored CIB; a document that does not match its signature, or does not parse, is refused with the reason. */
export async function readCibFile(directory: string): Promise<Result<XmlDocument, StoreError>> {
  const [documentPath, signaturePath] = [join(directory, CIB_FILE_NAME), join(directory, SIGNATURE_FILE_NAME)];
  const signatureBytes = await readOptional(signaturePath);
  let bytes = await readOptional(documentPath);
  if (!bytes) return err({ kind: "missing", message: `${documentPath} does not exist` });
  if (!signatureBytes) return err({ kind: "missing", message: `${signaturePath} does not exist; refusing an unsigned CIB` });
  const expected = signatureBytes.toString("utf8").trim();
  if (cibDigest(bytes) !== expected) {
    const pending = await readOptional(`${documentPath}.tmp`);
    if (!pending || cibDigest(pending) !== expected) {
      return err({ kind: "digest-mismatch", message: `${documentPath}: SHA-256 ${cibDigest(bytes)} does not match ${signaturePath} (${expected}); the file is corrupt or was edited by hand` });
    }
    await rename(`${documentPath}.tmp`, documentPath); // finish a write interrupted between the two renames
    await syncDirectory(directory);
    bytes = pending;
  }
  const parsed = parseXml(bytes.toString("utf8"), documentPath);
  if (!parsed.ok) return err({ kind: "corrupt", message: formatCibError(parsed.error) });
  if (parsed.value.root.name !== "cib") return err({ kind: "corrupt", message: `${documentPath}: the root element is <${parsed.value.root.name}>, not <cib>` });
  await rm(`${documentPath}.tmp`, { force: true });
  return ok(parsed.value);
}
