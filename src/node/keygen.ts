import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { err, ok, type Result } from "../lib/result.js";
import { defaultKeyfile } from "./config/model.js";

export const keySizeMin = 128;
export const keySizeMax = 4096;
export const keySizeDefault = 256;

/**
 * Writes a cluster authkey from the OS CSPRNG, mode 0400, as corosync-keygen
 * does (same default path and size limits). The key is written to a temporary
 * file and renamed, so a reader never sees half a key.
 */
export async function writeAuthkey(file = defaultKeyfile, size = keySizeDefault): Promise<Result<void, string>> {
  if (!Number.isInteger(size) || size < keySizeMin || size > keySizeMax) return err(`Unsupported key size (supported <${keySizeMin},${keySizeMax}>)`);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const handle = await open(temporary, "wx", 0o400);
    try {
      await handle.writeFile(randomBytes(size));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    return ok(undefined);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    return err(`Could not write ${file}: ${(error as NodeJS.ErrnoException).message}`);
  }
}
