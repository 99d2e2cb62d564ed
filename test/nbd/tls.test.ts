import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NbdServer } from "../../src/nbd/index.js";
import { loadTls } from "../../src/nbd/driver/tls.js";
import { makeCertificates, makeClientCertificate } from "./certificates.js";
import { fileDevice, hasProgram, listenInRange, quorateBin, run, tempDir } from "./helpers.js";

// NBD_OPT_STARTTLS (proto.md "TLS support") with libnbd's and qemu's TLS:
// certificates made here with openssl (a CA, and a server certificate for
// 127.0.0.1), laid out as nbdkit and qemu-nbd expect them.
const skip = ["openssl", "nbdinfo", "nbdcopy"].every(hasProgram) ? false : "needs openssl, nbdinfo and nbdcopy (libnbd-bin)";

describe("NBD over TLS", { skip }, () => {
  let dir: { path: string; dispose(): Promise<void> };
  const servers: Array<{ server: NbdServer; port: number }> = [];
  const image = randomBytes(1 << 20);
  const certs = () => join(dir.path, "pki");
  const nbds = (port: number, pki = certs()) => `nbds://127.0.0.1:${port}/disk?tls-certificates=${pki}`;

  before(async () => {
    dir = await tempDir("qn-tls-");
    await makeCertificates(certs(), "Quorate test");
    await makeCertificates(join(dir.path, "other"), "Someone else");
    await makeClientCertificate(join(dir.path, "client"), certs());
    const device = await fileDevice(dir.path, "disk.img", image.length);
    await device.write(0, image, false);
    // Required TLS, optional TLS, and required TLS with client certificates.
    for (const [required, verifyPeer, portBase] of [[true, false, 16470], [false, false, 16480], [true, true, 16490]] as const) {
      const tls = loadTls({ certificatesDir: certs(), required, verifyPeer });
      assert.ok(tls.ok);
      const server = new NbdServer({ tls: tls.value, log: () => undefined });
      server.addExport("disk", device);
      servers.push({ server, port: await listenInRange(server, portBase) });
    }
  });
  after(async () => {
    for (const s of servers) await s.server.dispose();
    await dir?.dispose();
  });

  test("required TLS: nbdinfo and nbdcopy over nbds:// work, a plain client is refused, a client trusting another CA fails", async () => {
    const port = servers[0]!.port;
    const info = await run("nbdinfo", [nbds(port)]);
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /newstyle-fixed with TLS, using structured packets/);
    const out = join(dir.path, "out.img");
    const copy = await run("nbdcopy", [nbds(port), out]);
    assert.equal(copy.status, 0, copy.stderr);
    assert.ok(readFileSync(out).equals(image));
    const plain = await run("nbdinfo", [`nbd://127.0.0.1:${port}/disk`]);
    assert.notEqual(plain.status, 0, "without TLS the export is not reachable");
    const stranger = await run("nbdinfo", [nbds(port, join(dir.path, "other"))]);
    assert.notEqual(stranger.status, 0, "the server's certificate does not verify against another CA");
  });

  test("optional TLS: plain and TLS clients both reach the export", async () => {
    const port = servers[1]!.port;
    for (const uri of [`nbd://127.0.0.1:${port}/disk`, nbds(port)]) {
      const info = await run("nbdinfo", ["--size", uri]);
      assert.equal(info.status, 0, `${uri}: ${info.stderr}`);
      assert.equal(info.stdout.trim(), String(image.length));
    }
  });

  test("qemu-img reads through TLS with x509 credentials", { skip: hasProgram("qemu-img") ? false : "needs qemu-img" }, async () => {
    const port = servers[0]!.port;
    const out = join(dir.path, "qemu.img");
    const convert = await run("qemu-img", ["convert", "-O", "raw", "--object", `tls-creds-x509,id=tls0,dir=${certs()},endpoint=client`,
      "--image-opts", `driver=nbd,host=127.0.0.1,port=${port},export=disk,tls-creds=tls0`, out]);
    assert.equal(convert.status, 0, convert.stderr);
    assert.ok(readFileSync(out).equals(image));
  });

  test("--tls-verify-peer: only a client with a certificate signed by the CA gets in", async () => {
    const port = servers[2]!.port;
    const withCert = await run("nbdinfo", ["--size", nbds(port, join(dir.path, "client"))]);
    assert.equal(withCert.status, 0, withCert.stderr);
    const without = await run("nbdinfo", ["--size", nbds(port)]);
    assert.notEqual(without.status, 0, "no client certificate, no export");
  });

  test("quorate nbd serve: --tls needs --tls-certificates", async () => {
    const result = await run(quorateBin, ["nbd", "serve", "--file", join(dir.path, "disk.img"), "--tls", "require"]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--tls require needs --tls-certificates DIR/);
  });
});
