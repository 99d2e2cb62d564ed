// Test certificates for NBD over TLS, made with openssl: a CA and a server
// certificate for 127.0.0.1, laid out as nbdkit, qemu-nbd and libnbd expect.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./helpers.js";

async function openssl(cwd: string, ...args: string[]): Promise<void> {
  const result = await run("openssl", args.map((a) => a.replace("@", `${cwd}/`)));
  assert.equal(result.status, 0, result.stderr);
}

/** A CA and a server certificate it signed for the given addresses, in `dir` (server-*.pem, ca-cert.pem). */
export async function makeCertificates(dir: string, name: string, addresses: string[] = ["127.0.0.1"]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, "req", "-x509", ...ec, "-keyout", "@ca-key.pem", "-out", "@ca-cert.pem", "-days", "2", "-subj", `/CN=${name} CA`);
  await openssl(dir, "req", ...ec, "-keyout", "@server-key.pem", "-out", "@server.csr", "-subj", `/CN=${addresses[0]}`);
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${addresses.map((a) => `IP:${a}`).join(",")}\n`);
  await openssl(dir, "x509", "-req", "-in", "@server.csr", "-CA", "@ca-cert.pem", "-CAkey", "@ca-key.pem", "-CAcreateserial",
    "-out", "@server-cert.pem", "-days", "2", "-extfile", "@ext.cnf");
}

/** A client certificate signed by the CA in `caDir`, with that CA's certificate, in `dir` (client-*.pem, ca-cert.pem; libnbd's layout). */
export async function makeClientCertificate(dir: string, caDir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(caDir, "ca-cert.pem"), join(dir, "ca-cert.pem"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, "req", ...ec, "-keyout", "@client-key.pem", "-out", "@client.csr", "-subj", "/CN=quorate-test-client");
  await openssl(dir, "x509", "-req", "-in", "@client.csr", "-CA", join(caDir, "ca-cert.pem"), "-CAkey", join(caDir, "ca-key.pem"),
    "-CAcreateserial", "-CAserial", "@ca.srl", "-out", "@client-cert.pem", "-days", "2");
}
