// Test helpers for the NBD export, reusable by other layers' tests (drbd):
// run real client programs without blocking the event loop, and serve files.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BlockDevice, FileBlockDevice, NbdServer } from "../../src/nbd/index.js";

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program asynchronously (an in-process NBD server must keep serving
 * while the client runs, so spawnSync would deadlock), killing it at the deadline.
 */
export function run(command: string, args: string[], options: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"], env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    // A child may exit without reading its input; that is its business, not an error here.
    child.stdin?.on("error", () => undefined).end(options.input);
  });
}

/** Whether an executable is on PATH (or an absolute path exists). */
export function hasProgram(name: string): boolean {
  if (name.startsWith("/")) return existsSync(name);
  return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, name)));
}

/** The system Python, which has the libnbd bindings (python3-libnbd); a pyenv shim may not. */
export const systemPython = "/usr/bin/python3";

export async function hasPythonNbd(): Promise<boolean> {
  if (!existsSync(systemPython)) return false;
  return (await run(systemPython, ["-c", "import nbd"])).status === 0;
}

export async function tempDir(prefix: string): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Listens on the first free port of [base, base + count): every worktree runs
 * the whole suite, so another run of these very tests may hold a port.
 */
export async function listenInRange(server: NbdServer, base: number, count = 10): Promise<number> {
  for (let port = base; port < base + count; port++) {
    try {
      await server.listen(port, "127.0.0.1");
      return port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    }
  }
  throw new Error(`no free port in ${base}-${base + count - 1}`);
}

export interface ServedExports {
  readonly server: NbdServer;
  readonly port: number;
  uri(exportName: string): string;
  dispose(): Promise<void>;
}

/** Serves the given devices from an in-process NbdServer on 127.0.0.1, on a free port from portBase. */
export async function serve(portBase: number, devices: Record<string, BlockDevice>): Promise<ServedExports> {
  const server = new NbdServer({ log: () => undefined });
  for (const [name, device] of Object.entries(devices)) server.addExport(name, device);
  const port = await listenInRange(server, portBase);
  return {
    server,
    port,
    uri: (name) => `nbd://127.0.0.1:${port}/${name}`,
    dispose: () => server.dispose(),
  };
}

/** A fresh sparse file device of sizeBytes in dir. */
export function fileDevice(dir: string, name: string, sizeBytes: number): Promise<FileBlockDevice> {
  return FileBlockDevice.open(join(dir, name), { sizeBytes });
}

/** Polls until check() holds or the deadline passes (tests never sleep blindly). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 10_000, pollMs = 20): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  uri(exportName: string): string;
  /** SIGKILL, like a crashed node; resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Path of the `quorate` executable of this checkout. */
export const quorateBin = new URL("../../../bin/quorate", import.meta.url).pathname;

/**
 * Starts `quorate nbd serve` as its own process (so it can be SIGKILLed) on
 * the first free port from portBase, and resolves once it listens.
 */
export async function startServeProcess(file: string, portBase: number, exportName: string, sizeArg?: string): Promise<ChildServer> {
  for (let port = portBase; port < portBase + 10; port++) {
    const started = await startServeOn(file, port, exportName, sizeArg);
    if (started !== "port busy") return started;
  }
  throw new Error(`no free port in ${portBase}-${portBase + 9}`);
}

function startServeOn(file: string, port: number, exportName: string, sizeArg?: string): Promise<ChildServer | "port busy"> {
  const args = ["nbd", "serve", "--file", file, "--export", exportName, "--listen", `127.0.0.1:${port}`];
  if (sizeArg !== undefined) args.push("--size", sizeArg);
  const child = spawn(quorateBin, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      if (!s.includes("nbd: serving")) return;
      resolve({
        pid: child.pid!,
        port,
        uri: (name) => `nbd://127.0.0.1:${port}/${name}`,
        kill: async (signal = "SIGKILL") => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
    child.once("exit", (code) => {
      if (stderr.includes("EADDRINUSE")) resolve("port busy");
      else reject(new Error(`quorate nbd serve exited (${code}) before listening: ${stderr}`));
    });
  });
}

/** The crash-test checker (see its header for the CLI). */
export const crashChecker = new URL("../../../test/nbd/crash-checker.py", import.meta.url).pathname;
