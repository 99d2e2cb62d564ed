import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BlockDevice, FileBlockDevice } from "../../src/nbd/index.js";
import { type ServedExports, fileDevice, hasProgram, hasPythonNbd, run, serve, systemPython, tempDir, waitFor } from "./helpers.js";
import { clientFlags, concat, goData, option, request } from "./wire.js";

// Real NBD clients from Debian (libnbd-bin, qemu-utils, python3-libnbd) against the server and file device.
const MiB = 1024 * 1024;
const port = 16010;
const missing = ["nbdinfo", "nbdcopy", "qemu-io"].filter((p) => !hasProgram(p));
const pythonSkip = (await hasPythonNbd()) ? false : "needs python3-libnbd (the system python3 with the nbd module)";
const skip = missing.length > 0 ? `needs ${missing.join(", ")} (apt-get install libnbd-bin qemu-utils)` : false;

/**
 * Counts operations in progress at once, to prove requests are served
 * concurrently. It passes on the file device's reuse of memory, so these
 * clients also check that a pooled buffer never serves two requests at once.
 */
class ConcurrencyProbe implements BlockDevice {
  inFlight = 0;
  inFlightMax = 0;
  readonly releasesWriteData: boolean;
  constructor(private readonly inner: FileBlockDevice) {
    this.releasesWriteData = inner.releasesWriteData;
  }
  get sizeBytes(): number { return this.inner.sizeBytes; }
  writable(): boolean { return this.inner.writable(); }
  private async track<T>(op: Promise<T>): Promise<T> {
    this.inFlightMax = Math.max(this.inFlightMax, ++this.inFlight);
    try { return await op; } finally { this.inFlight--; }
  }
  read(o: number, l: number) { return this.track(this.inner.read(o, l)); }
  readInto(o: number, into: Uint8Array) { return this.track(this.inner.readInto(o, into)); }
  write(o: number, d: Uint8Array, fua: boolean) { return this.track(this.inner.write(o, d, fua)); }
  flush() { return this.track(this.inner.flush()); }
  trim(o: number, l: number) { return this.track(this.inner.trim(o, l)); }
  writeZeroes(o: number, l: number, fua: boolean) { return this.track(this.inner.writeZeroes(o, l, fua)); }
}

describe("NBD export with real clients", { skip }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let served: ServedExports;
  let disk: FileBlockDevice;
  let probe: ConcurrencyProbe;
  let readOnly: FileBlockDevice;

  before(async () => {
    dir = await tempDir("qn-clients-");
    disk = await fileDevice(dir.path, "disk.img", 64 * MiB);
    probe = new ConcurrencyProbe(disk);
    await writeFile(join(dir.path, "ro.img"), Buffer.alloc(MiB, 0x5a));
    readOnly = await FileBlockDevice.open(join(dir.path, "ro.img"), { readOnly: true });
    served = await serve(port, { disk: probe, ro: readOnly });
  });
  after(async () => {
    await served?.dispose();
    await disk?.close();
    await readOnly?.close();
    await dir?.dispose();
  });

  test("nbdinfo lists the exports and describes each (size, read-only, flush/fua/trim/zero, multi-conn)", async () => {
    const list = await run("nbdinfo", ["--list", "--json", `nbd://127.0.0.1:${served.port}`]);
    assert.equal(list.status, 0, list.stderr);
    const exports = JSON.parse(list.stdout).exports as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(exports.map((e) => [e["export-name"], e]));
    assert.deepEqual(Object.keys(byName).sort(), ["disk", "ro"]);
    assert.equal(byName.disk!["export-size"], 64 * MiB);
    assert.equal(byName.disk!.is_read_only, false);
    for (const flag of ["can_flush", "can_fua", "can_trim", "can_zero", "can_multi_conn"]) assert.equal(byName.disk![flag], true, flag);
    assert.equal(byName.ro!.is_read_only, true);
    assert.equal(byName.ro!.block_size_maximum, 32 * MiB);
  });

  test("qemu-io writes a pattern and reads it back, and the bytes land in the backing file", async () => {
    const io = await run("qemu-io", ["-f", "raw", "-c", "write -P 0xab 1M 1M", "-c", "read -P 0xab 1M 1M", "-c", "flush", served.uri("disk")]);
    assert.equal(io.status, 0, io.stderr);
    assert.doesNotMatch(io.stdout, /Pattern verification failed/);
    const onDisk = (await readFile(disk.path)).subarray(MiB, 2 * MiB);
    assert.ok(onDisk.every((b) => b === 0xab));
  });

  test("write-zeroes and trim succeed, and zeroed ranges read back as zeroes", async () => {
    const io = await run("qemu-io", ["-f", "raw", "-c", "write -P 0x11 4M 2M", "-c", "write -z -u 4M 1M", "-c", "read -P 0 4M 1M",
      "-c", "read -P 0x11 5M 1M", "-c", "discard 5M 1M", "-c", "write -f -P 0x22 6M 64k", "-c", "read -P 0x22 6M 64k", served.uri("disk")]);
    assert.equal(io.status, 0, io.stderr);
    assert.doesNotMatch(io.stdout + io.stderr, /failed|error/i);
  });

  test("nbdcopy copies a file in and out byte-identical, with many requests in flight", async () => {
    const source = join(dir.path, "source.bin");
    const back = join(dir.path, "back.bin");
    const content = randomBytes(48 * MiB);
    await writeFile(source, content);
    probe.inFlightMax = 0;
    const copyIn = await run("nbdcopy", ["--flush", source, served.uri("disk")]);
    assert.equal(copyIn.status, 0, copyIn.stderr);
    const copyOut = await run("nbdcopy", [served.uri("disk"), back]);
    assert.equal(copyOut.status, 0, copyOut.stderr);
    const copied = await readFile(back);
    assert.ok(copied.subarray(0, content.length).equals(content), "data read back differs");
    assert.ok(probe.inFlightMax >= 8, `only ${probe.inFlightMax} requests were served at once`);
  });

  test("fio writes 4 KiB blocks at queue depth 32 in random order and verifies every one (crc32c)", { skip: !hasProgram("fio") && "needs fio" }, async () => {
    const fio = await run("fio", ["--name=verify", "--ioengine=nbd", `--uri=${served.uri("disk")}`, "--rw=randwrite", "--bs=4k",
      "--iodepth=32", "--offset=32M", "--size=16M", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json"]);
    assert.equal(fio.status, 0, fio.stderr);
    const job = JSON.parse(fio.stdout.slice(fio.stdout.indexOf("{"))).jobs[0];
    assert.equal(job.error, 0);
    assert.equal(job.write.total_ios, 4096);
    assert.equal(job.read.total_ios, 4096); // the verify pass read back every block
  });

  test("a read-only export refuses writes with EPERM (python3-libnbd, strict mode off)", { skip: pythonSkip }, async () => {
    const script = [
      "import nbd, sys",
      "h = nbd.NBD(); h.set_strict_mode(0); h.connect_uri(sys.argv[1])",
      "assert h.is_read_only()",
      "assert h.pread(4, 0) == b'ZZZZ'",
      "try:\n  h.pwrite(b'x' * 512, 0)\n  print('accepted')\nexcept nbd.Error as e:\n  print('errno', e.errnum)",
    ].join("\n");
    const py = await run(systemPython, ["-c", script, served.uri("ro")]);
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), "errno 1");
    assert.ok((await readFile(readOnly.path)).every((b) => b === 0x5a));
  });

  test("a 32 MiB write is served; one byte more is refused with EOVERFLOW and the connection goes on", { skip: pythonSkip }, async () => {
    const script = [
      "import nbd, sys",
      "h = nbd.NBD(); h.set_strict_mode(0); h.connect_uri(sys.argv[1])",
      "big = bytes([7]) * (32 << 20)",
      "h.pwrite(big, 0)",
      "assert h.pread(32 << 20, 0) == big",
      "try:\n  h.pwrite(big + b'x', 0)\n  print('accepted')\nexcept nbd.Error as e:\n  print('errno', e.errnum)",
      "assert h.pread(4, (32 << 20) - 4) == bytes([7]) * 4",
      "h.shutdown()",
    ].join("\n");
    const py = await run(systemPython, ["-c", script, served.uri("disk")]);
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), "errno 75");
  });

  test("64 pipelined requests (some FUA) all complete with their own data (python3-libnbd aio)", { skip: pythonSkip }, async () => {
    const script = [
      "import nbd, sys",
      "h = nbd.NBD(); h.connect_uri(sys.argv[1])",
      "bufs = []",
      "for i in range(64):\n  h.aio_pwrite(bytes([i]) * 65536, i * 65536, flags=nbd.CMD_FLAG_FUA if i % 8 == 0 else 0)",
      "while h.aio_in_flight() > 0: h.poll(-1)",
      "for i in range(64):\n  b = nbd.Buffer(65536); bufs.append(b); h.aio_pread(b, i * 65536)",
      "while h.aio_in_flight() > 0: h.poll(-1)",
      "bad = [i for i, b in enumerate(bufs) if b.to_bytearray() != bytes([i]) * 65536]",
      "h.flush(); h.shutdown(); print('bad', bad)",
    ].join("\n");
    const py = await run(systemPython, ["-c", script, served.uri("disk")]);
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), "bad []");
  });

  test("a protocol violation drops that connection only; the server keeps serving", async () => {
    const socket = connect(served.port, "127.0.0.1");
    let closed = false;
    socket.on("close", () => (closed = true)).on("error", () => undefined).resume();
    const bad = request(0, 1n, 0, 512);
    bad[0] = 0xff;
    socket.write(concat([clientFlags(3), option(7, goData("disk")), bad]));
    await waitFor("the server to drop a client that sent a bad request magic", () => closed);
    const info = await run("nbdinfo", ["--size", served.uri("disk")]);
    assert.equal(info.stdout.trim(), String(64 * MiB));
  });

  test("a client that vanishes mid-write does not disturb the server", async () => {
    const socket = connect(served.port, "127.0.0.1");
    socket.on("error", () => undefined).resume();
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(concat([clientFlags(3), option(7, goData("disk")), request(1, 1n, 0, MiB).subarray(0, 28), new Uint8Array(1000)]));
    socket.destroy();
    const io = await run("qemu-io", ["-f", "raw", "-c", "write -P 0x33 60M 64k", "-c", "read -P 0x33 60M 64k", served.uri("disk")]);
    assert.equal(io.status, 0, io.stderr);
    assert.doesNotMatch(io.stdout, /Pattern verification failed/);
  });

  test("removing an export cuts its connections and hides it from new clients", async () => {
    const extra = await fileDevice(dir.path, "extra.img", MiB);
    served.server.addExport("extra", extra);
    const socket = connect(served.port, "127.0.0.1");
    let closed = false;
    socket.on("close", () => (closed = true)).on("error", () => undefined).resume();
    socket.write(concat([clientFlags(3), option(7, goData("extra"))]));
    await waitFor("the client to attach", () => served.server.status().exports.find((e) => e.name === "extra")?.connections === 1);
    served.server.removeExport("extra");
    await waitFor("the connection to be cut", () => closed);
    const info = await run("nbdinfo", ["--size", served.uri("extra")]);
    assert.notEqual(info.status, 0);
    await extra.close();
  });
});
