import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type SecureContext, createSecureContext } from "node:tls";
import { err, ok, type Result } from "../../lib/result.js";

/**
 * TLS for the NBD server (proto.md "TLS support": NBD_OPT_STARTTLS upgrades
 * the connection during option haggling). `required` refuses every option but
 * STARTTLS and ABORT until TLS is up (the specification's FORCEDTLS mode);
 * otherwise clients choose. With `verifyPeer`, clients must present a
 * certificate signed by the directory's CA.
 */
export interface NbdTls {
  readonly context: SecureContext;
  readonly required: boolean;
  readonly verifyPeer: boolean;
}

export interface NbdTlsSettings {
  /** Holds server-cert.pem, server-key.pem and (for verifyPeer) ca-cert.pem, as nbdkit and qemu-nbd expect. */
  readonly certificatesDir: string;
  readonly required: boolean;
  readonly verifyPeer: boolean;
}

export function loadTls(settings: NbdTlsSettings): Result<NbdTls, string> {
  const file = (name: string) => readFileSync(join(settings.certificatesDir, name));
  try {
    const context = createSecureContext({
      cert: file("server-cert.pem"),
      key: file("server-key.pem"),
      ...(settings.verifyPeer ? { ca: file("ca-cert.pem") } : {}),
      minVersion: "TLSv1.2",
    });
    return ok({ context, required: settings.required, verifyPeer: settings.verifyPeer });
  } catch (error) {
    return err(`TLS certificates in ${settings.certificatesDir}: ${(error as Error).message}`);
  }
}
