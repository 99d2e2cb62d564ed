// The exports a storage benchmark compares. Each target starts serving a file
// (or a replicated resource) and says where; the workloads never know which.
import { type ChildProcess, spawn } from "node:child_process";
import { open, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";

export interface StartContext {
  /** A fresh directory on the backing filesystem under test. */
  readonly workDir: string;
  /** A TCP port on 127.0.0.1 reserved for this target. */
  readonly port: number;
  readonly sizeBytes: number;
}

export interface RunningExport {
  /** nbd://127.0.0.1:PORT/NAME */
  readonly uri: string;
  /** The server's processes, for CPU per write (nbd-server forks per connection: not known). */
  readonly pids?: readonly number[];
  stop(): Promise<void>;
}

/**
 * "How to start the export": the one thing a benchmark target provides.
 * The drbd layer adds Quorate protocol C and A targets (a peer on loopback)
 * by implementing this and passing them to runStorageBench().
 */
export interface ExportUnderTest {
  readonly label: string;
  /** An incumbent the others are measured against (their ratios to it are printed too). */
  readonly reference?: boolean;
  /** Programs the target needs; a missing one skips the target with a message. */
  readonly requires: readonly string[];
  start(context: StartContext): Promise<RunningExport>;
}

const repoRoot = new URL("../../../", import.meta.url).pathname;

/**
 * Starts a server process and resolves once its port accepts connections.
 * The port must be free first: another server there would be measured in
 * its place while this one exits on EADDRINUSE.
 */
export async function startProcess(command: string, args: string[], port: number, host = "127.0.0.1"): Promise<ChildProcess> {
  await assertPortFree(port, host);
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const deadline = performance.now() + 10_000;
  while (!(await accepts(port, host))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${command} did not start listening on ${port}: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return child;
}

/** A port taken by some other process would be measured in place of the target that fails to listen on it. */
export async function assertPortFree(port: number, host = "127.0.0.1"): Promise<void> {
  if (await accepts(port, host)) throw new Error(`${host}:${port} is already in use by another process (choose --port)`);
}

function accepts(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function pidsOf(child: ChildProcess): number[] {
  return child.pid === undefined ? [] : [child.pid];
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const ZERO_CHUNK = Buffer.alloc(8 * 1024 * 1024);

/**
 * A backing file written through once with zeros, so every block is allocated
 * and written, as on an LV or a partition. A sparse (or only fallocated) file
 * makes each first write allocate, and each durable write then waits for a
 * journal commit that a real block device never needs.
 */
export async function allocatedFile(path: string, sizeBytes: number): Promise<void> {
  const file = await open(path, "w");
  try {
    for (let offset = 0; offset < sizeBytes; offset += ZERO_CHUNK.length) {
      await file.write(ZERO_CHUNK, 0, Math.min(ZERO_CHUNK.length, sizeBytes - offset), offset);
    }
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Printed with the figures: how every target's backing store was prepared. */
export const BACKING_NOTE = "backing files fully written with zeros (allocated) before measuring, for every target";

/** (a) nbd-server (the NBD project's reference server) serving a file. */
export const nbdServerTarget: ExportUnderTest = {
  label: "nbd-server, file",
  reference: true,
  requires: ["nbd-server"],
  async start({ workDir, port, sizeBytes }) {
    const image = join(workDir, "nbd-server.img");
    await allocatedFile(image, sizeBytes);
    const config = join(workDir, "nbd-server.conf");
    const pidFile = join(workDir, "nbd-server.pid");
    await assertPortFree(port);
    await writeFile(config, `[generic]\n listenaddr = 127.0.0.1\n port = ${port}\n[disk]\n exportname = ${image}\n flush = true\n fua = true\n trim = true\n`);
    // nbd-server daemonizes (its -d debug mode serves a single connection), so it is stopped through its pid file.
    const launcher = spawn("nbd-server", ["-C", config, "-p", pidFile], { stdio: "ignore" });
    await new Promise((resolve) => launcher.once("exit", resolve));
    const deadline = performance.now() + 10_000;
    while (!(await accepts(port))) {
      if (performance.now() > deadline) throw new Error("nbd-server did not start listening");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    return {
      uri: `nbd://127.0.0.1:${port}/disk`,
      async stop() {
        try {
          process.kill(pid, "SIGTERM");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // already gone
        }
        while (await accepts(port)) await new Promise((resolve) => setTimeout(resolve, 25));
      },
    };
  },
};

/** nbdkit's file plugin: the faster incumbent on this machine. */
export const nbdkitFileTarget: ExportUnderTest = {
  label: "nbdkit file plugin",
  reference: true,
  requires: ["nbdkit"],
  async start({ workDir, port, sizeBytes }) {
    const image = join(workDir, "nbdkit.img");
    await allocatedFile(image, sizeBytes);
    const child = await startProcess("nbdkit", ["--foreground", "--exit-with-parent", "-i", "127.0.0.1", "-p", String(port), "file", image], port);
    return { uri: `nbd://127.0.0.1:${port}/`, pids: pidsOf(child), stop: () => stopProcess(child) };
  },
};

/** (b) Quorate standalone: `quorate nbd serve` with the file device, in its own process. */
export const quorateStandaloneTarget: ExportUnderTest = {
  label: "Quorate standalone",
  requires: [],
  async start({ workDir, port, sizeBytes }) {
    const image = join(workDir, "quorate.img");
    await allocatedFile(image, sizeBytes);
    const child = await startProcess(join(repoRoot, "bin/quorate"),
      ["nbd", "serve", "--file", image, "--export", "disk", "--listen", `127.0.0.1:${port}`], port);
    return { uri: `nbd://127.0.0.1:${port}/disk`, pids: pidsOf(child), stop: () => stopProcess(child) };
  },
};

export const standardTargets: readonly ExportUnderTest[] = [nbdServerTarget, nbdkitFileTarget, quorateStandaloneTarget];
