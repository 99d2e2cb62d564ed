import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { createConnection } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from "../cli/command.js";
import { err, type Result } from "../lib/result.js";
import { dumpConfig } from "./config/dump.js";
import { DEFAULT_CONFIG, loadConfig, selectHost } from "./config/load.js";
import { Backing } from "./driver/backing.js";
import { DrbdDaemon, socketPath, type ControlReply, type ControlRequest } from "./driver/daemon.js";
import { formatProc, formatStatus, statusJson } from "./status.js";

interface Options {
  config: string;
  node: string;
  runDir: string;
  json: boolean;
  force: boolean;
  discardMyData: boolean;
  verb: string;
  resource: string | undefined;
}

const DAEMON_START_MS = 15_000;
const REQUEST_MS = 60_000;
const VERBS = ["create-md", "up", "adjust", "wait-connect", "down", "attach", "detach", "connect", "disconnect", "primary", "secondary", "invalidate", "verify", "outdate", "resume-io", "role", "cstate", "dstate", "status", "proc", "dump", "daemon"];
/** Verbs that print a resource's state in one word, as drbdadm does for scripts. */
const STATE_VERBS = ["role", "cstate", "dstate"];

const USAGE = `usage: quorate drbd [--config FILE] [--node NAME] [--run-dir DIR] VERB [RESOURCE|all]
verbs: create-md, up, adjust, down, attach, detach, connect [--discard-my-data], disconnect,
       primary [--force], secondary, invalidate, verify, outdate, resume-io, wait-connect,
       role, cstate, dstate, status [--json], proc [--json], dump`;

function parseArgs(args: string[]): Options {
  const o: Options = { config: DEFAULT_CONFIG, node: hostname(), runDir: "/run/quorate", json: false, force: false, discardMyData: false, verb: "", resource: undefined };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--config" || a === "-c") o.config = value();
    else if (a === "--node") o.node = value();
    else if (a === "--run-dir") o.runDir = value();
    else if (a === "--json") o.json = true;
    // drbdadm passes what follows `--` to drbdsetup; DRBD 8.3 spelled --force --overwrite-data-of-peer.
    else if (a === "--") continue;
    else if (a === "--force" || a === "--overwrite-data-of-peer") o.force = true;
    else if (a === "--discard-my-data") o.discardMyData = true;
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  const [verb, resource, ...rest] = positional;
  if (verb === undefined || !VERBS.includes(verb)) throw new UsageError(verb === undefined ? USAGE : `unknown verb '${verb}'\n${USAGE}`);
  if (rest.length > 0) throw new UsageError(`one resource at a time (got ${[resource, ...rest].join(" ")})`);
  if (resource === undefined && !["status", "proc", "dump", "daemon"].includes(verb)) throw new UsageError(`${verb} needs a resource name`);
  return { ...o, verb, resource };
}

export const drbd: CliCommand = async (args) => {
  const o = parseArgs(args);
  if (o.resource === "all" && !["status", "proc", "dump", "daemon"].includes(o.verb)) return forAll(o);
  return runVerb(o);
};

/** `VERB all`: the verb on every resource with a section for this node, in file order; fails if any fails. */
async function forAll(o: Options): Promise<number> {
  const loaded = loadConfig(o.config);
  if (!loaded.ok) return fail(loaded.error);
  const mine = loaded.value.resources.filter((r) => selectHost(r, o.node).ok);
  if (mine.length === 0) return fail(`no resource in ${o.config} has an 'on ${o.node}' section`);
  let status = EXIT_OK;
  for (const resource of mine) status = Math.max(status, await runVerb({ ...o, resource: resource.name }));
  return status;
}

async function runVerb(o: Options): Promise<number> {
  if (STATE_VERBS.includes(o.verb)) return state(o);
  switch (o.verb) {
    case "dump": return dump(o);
    case "create-md": return createMd(o);
    case "daemon": return runDaemon(o);
    case "status":
    case "proc": return status(o);
    case "up":
    case "adjust": return up(o);
    case "wait-connect": return waitConnect(o);
    case "outdate": return outdate(o);
    default: return simple(o);
  }
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return EXIT_FAILURE;
}

function dump(o: Options): number {
  const loaded = loadConfig(o.config);
  if (!loaded.ok) return fail(loaded.error);
  for (const warning of loaded.value.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (o.resource !== undefined && !loaded.value.resources.some((r) => r.name === o.resource)) return fail(`'${o.resource}' not defined in your config`);
  process.stdout.write(dumpConfig(loaded.value, o.node, o.resource));
  return EXIT_OK;
}

/** Opens the node's backing store of the resource (for verbs that work on a resource that is down). */
async function openBacking(o: Options): Promise<Result<Backing, string>> {
  const loaded = loadConfig(o.config);
  if (!loaded.ok) return loaded;
  const resource = loaded.value.resources.find((r) => r.name === o.resource);
  if (resource === undefined) return err(`'${o.resource}' not defined in your config`);
  const local = selectHost(resource, o.node);
  if (!local.ok) return local;
  return Backing.open(local.value.local.disk, local.value.local.metaDisk);
}

async function createMd(o: Options): Promise<number> {
  const opened = await openBacking(o);
  if (!opened.ok) return fail(opened.error);
  const backing = opened.value;
  try {
    if ((await backing.readMeta()).ok && !o.force) return fail(`${backing.diskPath}: valid metadata found; use --force to overwrite it`);
    const sb = await backing.createMeta();
    process.stdout.write(`initializing activity log\ninitializing bitmap (${Math.ceil(backing.layout.bitmapBytes / 1024)} KiB)\n` +
      `New drbd meta data block successfully created (usable size ${sb.sizeBytes} bytes).\n`);
    return EXIT_OK;
  } finally {
    await backing.close();
  }
}

function request(o: Options, body: ControlRequest, timeoutMs = REQUEST_MS): Promise<ControlReply | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath(o.runDir, o.node));
    let text = "";
    const timer = setTimeout(() => { socket.destroy(); resolve({ ok: false, error: `no answer from the daemon within ${timeoutMs} ms` }); }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(JSON.stringify(body) + "\n"));
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", () => { clearTimeout(timer); resolve(undefined); });
    socket.on("end", () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as ControlReply);
      } catch {
        resolve({ ok: false, error: "malformed reply from the daemon" });
      }
    });
  });
}

/**
 * `outdate`: through the daemon when the resource is up, else (like drbdmeta)
 * straight into the metadata, so a peer's fence-peer handler can outdate a
 * node whose replication is not running.
 */
async function outdate(o: Options): Promise<number> {
  const reply = await request(o, { verb: "outdate", resource: o.resource! });
  if (reply !== undefined && (reply.ok || !/No such resource/.test(reply.error))) return reply.ok ? EXIT_OK : fail(reply.error);
  const opened = await openBacking(o);
  if (!opened.ok) return fail(opened.error);
  const backing = opened.value;
  try {
    const meta = await backing.readMeta();
    if (!meta.ok) return fail(meta.error);
    const sb = meta.value.sb;
    if (sb.disk === "UpToDate") await backing.persistMeta({ ...sb, seq: sb.seq + 1, disk: "Outdated" }, []);
    return EXIT_OK;
  } finally {
    await backing.close();
  }
}

async function simple(o: Options): Promise<number> {
  const reply = await request(o, { verb: o.verb, resource: o.resource!, force: o.force, discardMyData: o.discardMyData });
  if (reply === undefined) return o.verb === "down" ? EXIT_OK : fail(`${o.resource}: not running on node ${o.node} (no daemon at ${socketPath(o.runDir, o.node)})`);
  if (!reply.ok) return fail(reply.error);
  if (reply.message !== undefined) process.stderr.write(`${reply.message}\n`);
  return EXIT_OK;
}

async function status(o: Options): Promise<number> {
  const reply = await request(o, { verb: "status", ...(o.resource === undefined ? {} : { resource: o.resource }) });
  const list = reply === undefined ? [] : reply.ok ? reply.status ?? [] : undefined;
  if (list === undefined) return fail((reply as { error: string }).error);
  if (reply === undefined && o.resource !== undefined) return fail(`${o.resource}: No such resource`);
  if (o.json) process.stdout.write(JSON.stringify(list.map(statusJson), null, 2) + "\n");
  else if (o.verb === "proc") process.stdout.write(formatProc(list, "0.1.0"));
  else process.stdout.write(list.map(formatStatus).join("\n"));
  return EXIT_OK;
}

/** role, cstate, dstate: DRBD 9's one-line answers (local role; connection state; local/peer disk). */
async function state(o: Options): Promise<number> {
  const reply = await request(o, { verb: "status", resource: o.resource! });
  if (reply === undefined) return fail(`${o.resource}: No such resource`);
  if (!reply.ok) return fail(reply.error);
  const s = reply.status?.[0];
  if (s === undefined) return fail(`${o.resource}: No such resource`);
  const line = o.verb === "role" ? s.role : o.verb === "cstate" ? s.peer.connection : `${s.disk}/${s.peer.disk ?? "DUnknown"}`;
  process.stdout.write(`${line}\n`);
  return EXIT_OK;
}

/** up, adjust: start the node's daemon if none runs, then ask it. */
async function up(o: Options): Promise<number> {
  const config = loadConfig(o.config);
  if (!config.ok) return fail(config.error);
  if ((await request(o, { verb: "status" }, 5000)) === undefined) {
    const started = await startDaemon(o);
    if (started !== undefined) return fail(started);
  }
  const absolute = o.config.startsWith("/") ? o.config : join(process.cwd(), o.config);
  const reply = await request(o, { verb: o.verb, resource: o.resource!, config: absolute });
  if (reply === undefined) return fail("the daemon went away");
  if (reply.ok && reply.message !== undefined && o.verb === "adjust") process.stderr.write(`${reply.message}\n`);
  return reply.ok ? EXIT_OK : fail(reply.error);
}

/**
 * Waits until the resource is connected, for startup's wfc-timeout seconds,
 * outdated-wfc-timeout when the local disk is Outdated, or degr-wfc-timeout
 * when the node last ran without its peer (0: without limit).
 */
async function waitConnect(o: Options): Promise<number> {
  const config = loadConfig(o.config);
  if (!config.ok) return fail(config.error);
  const resource = config.value.resources.find((r) => r.name === o.resource);
  if (resource === undefined) return fail(`'${o.resource}' not defined in your config`);
  let limit: { name: string; seconds: number; deadline: number } | undefined;
  for (;;) {
    const reply = await request(o, { verb: "status", resource: o.resource! }, 5000);
    if (reply === undefined || !reply.ok) return fail(reply === undefined ? `${o.resource}: not running on node ${o.node}` : reply.error);
    const status = reply.status?.[0];
    if (status?.peer.connection === "Connected") return EXIT_OK;
    if (limit === undefined) {
      const [name, seconds] = status?.disk === "Outdated" ? ["outdated-wfc-timeout", resource.startup.outdatedWfcTimeoutS]
        : status?.degradedAtStart === true ? ["degr-wfc-timeout", resource.startup.degrWfcTimeoutS]
        : ["wfc-timeout", resource.startup.wfcTimeoutS];
      limit = { name, seconds, deadline: seconds === 0 ? Number.POSITIVE_INFINITY : Date.now() + seconds * 1000 };
    }
    if (Date.now() >= limit.deadline) return fail(`${o.resource}: not connected after ${limit.name} ${limit.seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the node's daemon as a detached child and waits for its socket. */
async function startDaemon(o: Options): Promise<string | undefined> {
  mkdirSync(o.runDir, { recursive: true });
  const logPath = join(o.runDir, `drbd-${o.node}.log`);
  const log = openSync(logPath, "a");
  const entry = process.argv[1]!;
  const child = spawn(process.execPath, [entry, "drbd", "--node", o.node, "--run-dir", o.runDir, "daemon"], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  closeSync(log);
  const deadline = Date.now() + DAEMON_START_MS;
  while (Date.now() < deadline) {
    if (existsSync(socketPath(o.runDir, o.node)) && (await request(o, { verb: "status" }, 2000)) !== undefined) return undefined;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return `the daemon for node ${o.node} did not start (see ${logPath})`;
}

async function runDaemon(o: Options): Promise<number> {
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const daemon = new DrbdDaemon(o.node, o.runDir, log);
  await daemon.start();
  const stop = async (signal: string) => {
    log(`${signal}: stopping`);
    await daemon.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  await daemon.idle();
  await daemon.stop();
  log("no resources left; exiting");
  return EXIT_OK;
}
