import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificates, makeClientCertificate } from "../nbd/certificates.js";
import { hasProgram, run } from "../nbd/helpers.js";
import { TwoNodes, type NodeName } from "./nodes.js";

// A replicated resource exported over TLS only, to clients with a certificate
// (`nbd-tls require;`, `nbd-tls-certificates DIR;`, `nbd-tls-verify-peer yes;`
// in its `on HOST` sections): libnbd clients reach it with nbds://, the CA and
// a client certificate; a plain client, or one without a certificate, is refused.
const skip = ["openssl", "nbdcopy", "nbdinfo"].every(hasProgram) ? false : "needs openssl, nbdcopy and nbdinfo";

let nodes: TwoNodes;
let pki: string;
let client: string;
const nbds = (node: NodeName, dir = client) => `nbds://${nodes.ip(node)}:16501/r0?tls-certificates=${dir}`;

before(async () => {
  if (skip !== false) return;
  nodes = await TwoNodes.create("qd-tls-", { ipBlock: 11, backingMiB: 8 });
  pki = join(nodes.dir, "pki");
  // One certificate for 127.0.0.1 would not match 127.0.20.x: a SAN per node address.
  await makeCertificates(pki, "Quorate test", [nodes.ip("alpha"), nodes.ip("beta")]);
  client = join(nodes.dir, "client");
  await makeClientCertificate(client, pki);
  const text = readFileSync(nodes.config, "utf8").replace(/(nbd-address [\d.]+:16501;)/g, `$1\n    nbd-tls require;\n    nbd-tls-certificates "${pki}";\n    nbd-tls-verify-peer yes;`);
  writeFileSync(nodes.config, text);
  await nodes.startSynced();
});
after(() => nodes?.dispose());

test("the Primary's export over TLS: written through nbds:// on alpha, read back through nbds:// on beta; plain NBD refused", { skip }, async () => {
  const data = randomBytes(2 * 1024 * 1024);
  const file = join(nodes.dir, "in.bin");
  writeFileSync(file, data);
  const copy = await run("nbdcopy", [file, nbds("alpha")]);
  assert.equal(copy.status, 0, copy.stderr);
  const plain = await run("nbdinfo", [nodes.uri("alpha")]);
  assert.notEqual(plain.status, 0, "TLS is required");
  const anonymous = await run("nbdinfo", [nbds("alpha", pki)]);
  assert.notEqual(anonymous.status, 0, "a client certificate is required");
  const out = join(nodes.dir, "out.bin");
  const back = await run("nbdcopy", [nbds("beta"), out]);
  assert.equal(back.status, 0, back.stderr);
  assert.ok(readFileSync(out).subarray(0, data.length).equals(data));
  assert.match(await nodes.ok("alpha", "dump", "r0"), /nbd-tls require;\n\s+nbd-tls-certificates "?\S*pki"?;\n\s+nbd-tls-verify-peer yes;/);
});
