import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { assert } from "../../lib/assert.js";
import { exitReasonOf } from "../core/environment.js";
import type { ProcessEnd } from "../core/invocation.js";

export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  stdin: string | undefined;
  timeoutMs: number;
  /** After SIGTERM to the group, how long before SIGKILL. */
  killGraceMs: number;
  /** Per stream; the rest is counted and dropped. */
  outputLimitBytes: number;
}

export interface ProcessRun {
  end: ProcessEnd;
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** The last `ocf-exit-reason:` line on stderr, seen even beyond the capture limit. */
  exitReason: string;
  startedAtEpochMs: number;
  execMs: number;
}

/** After the agent exits, how long its output pipes may stay open (a daemon it started may hold them). */
const PIPE_DRAIN_MS = 200;
const GROUP_POLL_MS = 20;
const PARTIAL_LINE_MAX = 4096;

/**
 * Runs one agent in its own process group. On timeout the whole group gets
 * SIGTERM, then SIGKILL after the grace period, so children an agent forked
 * die with it; the result is then a timeout whatever the exit status.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const startedAtEpochMs = Date.now();
    const started = performance.now();
    const stdout = new BoundedCapture(spec.outputLimitBytes);
    const stderr = new BoundedCapture(spec.outputLimitBytes, true);
    let end: ProcessEnd | undefined;
    let settled = false;
    // Only fence agents read stdin; the others get /dev/null, as from a daemon.
    const stdin = spec.stdin === undefined ? "ignore" : "pipe";
    const child = spawn(spec.file, spec.args, { env: spec.env, detached: true, stdio: [stdin, "pipe", "pipe"] });
    const { stdout: out, stderr: errors } = child;
    assert(out !== null && errors !== null, "agent stdout and stderr are pipes");
    const finish = (): void => {
      if (settled || end === undefined) return;
      settled = true;
      clearTimeout(timeoutTimer);
      out.destroy();
      errors.destroy();
      resolve({
        end, stdout: stdout.text(), stderr: stderr.text(), truncated: stdout.truncated || stderr.truncated,
        exitReason: stderr.exitReason, startedAtEpochMs, execMs: performance.now() - started,
      });
    };
    const timeoutTimer = setTimeout(() => {
      if (end !== undefined) return; // exited in time; only its output pipes are still draining
      end = { kind: "timeout", timeoutMs: spec.timeoutMs };
      void killGroup(child.pid, spec.killGraceMs).then(finish);
    }, spec.timeoutMs);
    stdout.attach(out);
    stderr.attach(errors);
    if (child.stdin !== null) {
      child.stdin.on("error", () => undefined); // an agent that ignores stdin may close it early
      child.stdin.end(spec.stdin);
    }
    child.on("error", (error) => {
      end ??= { kind: "spawn-failed", why: `cannot run ${spec.file}: ${error.message}` };
      finish();
    });
    child.on("exit", (code, signal) => {
      if (end !== undefined) return; // a timeout owns the ending
      end = code !== null ? { kind: "exited", code } : { kind: "signaled", signal: signal ?? "unknown signal" };
      setTimeout(finish, PIPE_DRAIN_MS).unref();
    });
    child.on("close", () => {
      if (end?.kind !== "timeout") finish();
    });
  });
}

/** SIGTERM the group, wait for it to vanish up to graceMs, then SIGKILL whatever is left. */
async function killGroup(pid: number | undefined, graceMs: number): Promise<void> {
  if (pid === undefined) return;
  signalGroup(pid, "SIGTERM");
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline && groupAlive(pid)) {
    await new Promise((wake) => setTimeout(wake, GROUP_POLL_MS));
  }
  signalGroup(pid, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Keeps the first limitBytes of a stream; optionally watches every line for an exit reason. */
class BoundedCapture {
  private chunks: Buffer[] = [];
  private kept = 0;
  private partialLine = "";
  truncated = false;
  exitReason = "";

  constructor(private readonly limitBytes: number, private readonly watchLines = false) {}

  attach(stream: Readable): void {
    stream.on("data", (chunk: Buffer) => this.add(chunk));
    stream.on("error", () => undefined); // destroyed after the agent ended: nothing more to read
  }

  text(): string {
    if (this.watchLines) this.scanLine(this.partialLine);
    return Buffer.concat(this.chunks).toString("utf8");
  }

  private add(chunk: Buffer): void {
    const room = this.limitBytes - this.kept;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.kept += kept.length;
    }
    if (chunk.length > room) this.truncated = true;
    if (!this.watchLines) return;
    const lines = (this.partialLine + chunk.toString("utf8")).split("\n");
    this.partialLine = (lines.pop() ?? "").slice(-PARTIAL_LINE_MAX);
    for (const line of lines) this.scanLine(line);
  }

  private scanLine(line: string): void {
    const reason = exitReasonOf(line);
    if (reason !== undefined) this.exitReason = reason;
  }
}
