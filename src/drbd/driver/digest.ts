import { createHash } from "node:crypto";

/**
 * A block digest for verify-alg, csums-alg and data-integrity-alg. Only two
 * Quorate nodes compare them, so an algorithm node:crypto lacks (crc32c) is
 * stood in for by sha256: equal data still gives equal digests on both sides.
 */
export function blockDigest(alg: string, data: Uint8Array): string {
  return createHash(alg === "crc32c" ? "sha256" : alg).update(data).digest("base64");
}
