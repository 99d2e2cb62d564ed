import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Executor, OCF_RC, PACKAGED_AGENTS, type AgentRef } from "../../src/executor/index.js";
import { op, tempDir, waitFor } from "./helpers.js";

// Misbehaving agents each get a clear result, and the executor keeps running.
// The agents are written into a private OCF_ROOT for this test.

const agents: Record<string, string> = {
  // Forks a child that ignores SIGTERM, so the group must get SIGKILL too.
  Hang: `[ "$1" = meta-data ] && exit 1; echo $$ > "$OCF_RESKEY_pids"; (trap '' TERM; exec sleep 300) & echo $! >> "$OCF_RESKEY_pids"; sleep 300`,
  BadMeta: `[ "$1" = meta-data ] && { echo '<resource-agent name="BadMeta"><parameters>'; exit 0; }; exit 0`,
  Weird: `echo "ocf-exit-reason:the answer" >&2; exit 42`,
  Chatty: `head -c 5000000 /dev/zero | tr '\\0' x; head -c 3000000 /dev/zero | tr '\\0' y >&2; echo >&2; echo "ocf-exit-reason:said a lot" >&2; exit 1`,
  Suicide: `kill -9 $$`,
  // Starts a "daemon" that keeps the agent's stdout and stderr open.
  Daemon: `sleep 300 & echo $! > "$OCF_RESKEY_pidfile"; exit 0`,
  // Counts its meta-data runs next to itself.
  Counted: `[ "$1" = meta-data ] && { echo x >> "$(dirname "$0")/counted.runs"; sleep 0.1; echo '<resource-agent name="Counted"/>'; }; exit 0`,
};

let dir: { path: string; remove: () => Promise<void> };
let executor: Executor;
const agent = (type: string): AgentRef => ({ class: "ocf", provider: "qetest", type });

before(async () => {
  dir = await tempDir("bad");
  const provider = join(dir.path, "resource.d", "qetest");
  await mkdir(provider, { recursive: true });
  for (const [name, body] of Object.entries(agents)) {
    await writeFile(join(provider, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(provider, name), 0o755);
  }
  await writeFile(join(provider, "NotExecutable"), "#!/bin/sh\nexit 0\n");
  executor = new Executor({
    killGraceMs: 300,
    outputLimitBytes: 4096,
    directories: { ocfRoots: [dir.path], lsbDir: join(dir.path, "init.d"), fenceDirs: [], systemdRunning: false },
  });
});
after(async () => {
  await executor.dispose();
  await dir.remove();
});

/** Gone, or a zombie waiting for init to reap it: either way it runs no more. */
function dead(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

test("a hanging agent times out and its whole process group dies, even children ignoring SIGTERM", async () => {
  const pids = join(dir.path, "hang.pids");
  const result = await executor.run(op("hang", agent("Hang"), "start", { pids }, { timeoutMs: 300 }));
  assert.equal(result.status, "timeout");
  assert.equal(result.rc, OCF_RC.errGeneric);
  assert.match(result.exitReason, /timed out after 300ms/);
  const recorded = (await readFile(pids, "utf8")).trim().split("\n").map(Number);
  assert.equal(recorded.length, 2, "the agent and its child both recorded their pids");
  // SIGKILL was sent before the result; the kernel finishes the job promptly.
  for (const pid of recorded) await waitFor(() => dead(pid), `process ${pid} of the agent's group to die`, 5000);
});

test("an agent that is missing or not executable is 'not installed'", async () => {
  for (const type of ["Nope", "NotExecutable"]) {
    const result = await executor.run(op(type, agent(type), "monitor", {}));
    assert.equal(result.status, "not-installed", type);
    assert.equal(result.rc, OCF_RC.errInstalled);
    assert.match(result.exitReason, new RegExp(`ocf:qetest:${type} is not installed`));
  }
});

test("invalid meta-data is reported with its position and does not block the agent's actions", async () => {
  const metadata = await executor.metadata(agent("BadMeta"));
  assert.ok(!metadata.ok);
  assert.match(metadata.error, /ocf:qetest:BadMeta: invalid meta-data XML: meta-data:2:1: element <parameters> opened at 1:32 is never closed/);
  const start = await executor.run(op("badmeta", agent("BadMeta"), "start", {}));
  assert.equal(start.rc, OCF_RC.success, "without usable meta-data the start runs without validate-all");
});

test("an exit code outside the OCF range is an error that keeps the agent's code and reason", async () => {
  const result = await executor.run(op("weird", agent("Weird"), "monitor", {}));
  assert.equal(result.status, "error");
  assert.equal(result.rc, OCF_RC.errGeneric);
  assert.equal(result.exitCode, 42);
  assert.equal(result.exitReason, "the answer");
});

test("an agent killed by a signal is an error naming the signal", async () => {
  const result = await executor.run(op("suicide", agent("Suicide"), "monitor", {}));
  assert.equal(result.status, "error");
  assert.equal(result.exitCode, null);
  assert.match(result.exitReason, /SIGKILL/);
});

test("huge output is captured up to the limit, and an exit reason after it is still seen", async () => {
  const result = await executor.run(op("chatty", agent("Chatty"), "monitor", {}));
  assert.equal(result.rc, OCF_RC.errGeneric);
  assert.equal(result.status, "done");
  assert.equal(result.outputTruncated, true);
  assert.equal(result.stdout.length, 4096);
  assert.equal(result.stderr.length, 4096);
  assert.equal(result.exitReason, "said a lot");
});

test("parameters that cannot become environment variables are refused as invalid, before anything runs", async () => {
  for (const params of [{ "bad=name": "x" }, { state: "a\0b" }]) {
    const result = await executor.run(op("weird", agent("Weird"), "monitor", params));
    assert.equal(result.status, "invalid");
    assert.equal(result.exitCode, null);
    assert.match(result.exitReason, /cannot be passed to an agent|NUL byte/);
  }
});

test("a daemon started by an agent outlives the action, and holding the output pipes does not stall the result", async () => {
  const pidfile = join(dir.path, "daemon.pid");
  const result = await executor.run(op("daemon", agent("Daemon"), "start", { pidfile }, { timeoutMs: 5000 }));
  assert.equal(result.status, "done");
  assert.equal(result.rc, OCF_RC.success);
  const pid = Number((await readFile(pidfile, "utf8")).trim());
  assert.equal(dead(pid), false, "the daemon still runs");
  process.kill(pid, "SIGKILL");
});

test("many simultaneous starts of one agent type run its meta-data action once", async () => {
  const starts = Array.from({ length: 10 }, (_, i) => executor.run(op(`counted${i}`, agent("Counted"), "start", {})));
  assert.deepEqual((await Promise.all(starts)).map((r) => r.rc), Array(10).fill(0));
  const runs = await readFile(join(dir.path, "resource.d", "qetest", "counted.runs"), "utf8");
  assert.equal(runs.trim().split("\n").length, 1);
});

test("after all that the executor still runs agents", async () => {
  const state = join(dir.path, "after.state");
  const quorate: AgentRef = { class: "ocf", provider: "quorate", type: "Dummy" };
  const healthy = new Executor({ directories: { ocfRoots: [join(dir.path, "none"), join(PACKAGED_AGENTS, "ocf")], lsbDir: "", fenceDirs: [], systemdRunning: false } });
  try {
    assert.equal((await healthy.run(op("after", quorate, "start", { state }))).rc, OCF_RC.success);
  } finally {
    await healthy.dispose();
  }
  assert.equal((await executor.run(op("weird", agent("Weird"), "monitor", {}))).exitCode, 42, "the first executor too");
});

