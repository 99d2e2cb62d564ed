import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { NbdServer } from "../../nbd/index.js";
import { loadTls } from "../../nbd/driver/tls.js";
import type { HostConfig } from "../config/model.js";
import { changesNeedingRestart, runtimeChanges } from "../config/adjust.js";
import { type LocalResource, loadConfig, selectHost } from "../config/load.js";
import { err, type Result } from "../../lib/result.js";
import type { SocketAddress } from "../config/model.js";
import type { Command } from "../core/types.js";
import type { ResourceStatus } from "../status.js";
import { attachLocalDevice, type LocalDevice } from "./local-device.js";
import { ReplicatedResource } from "./resource.js";

/** One request on the control socket (one JSON line); the reply is one JSON line too. */
export interface ControlRequest {
  verb: string;
  resource?: string;
  config?: string;
  force?: boolean;
  discardMyData?: boolean;
}

export type ControlReply = { ok: true; status?: ResourceStatus[]; message?: string } | { ok: false; error: string };

const REQUEST_BYTES_MAX = 64 * 1024;

export function socketPath(runDir: string, node: string): string {
  return join(runDir, `drbd-${node}.sock`);
}

/**
 * The per-node replication daemon: runs resources, exports them over NBD and
 * answers the CLI on a unix socket. It exits when its last resource goes down.
 */
export class DrbdDaemon {
  private readonly resources = new Map<string, ReplicatedResource>();
  private readonly nbdServers = new Map<string, NbdServer>();
  /** Primaries' exports attached as local block devices (see local-device.ts), by resource. */
  private readonly attached = new Map<string, LocalDevice>();
  private control: Server | undefined;
  private exitWhenIdle: (() => void) | undefined;

  constructor(private readonly node: string, private readonly runDir: string, private readonly log: (line: string) => void) {}

  async start(): Promise<void> {
    mkdirSync(this.runDir, { recursive: true });
    const path = socketPath(this.runDir, this.node);
    rmSync(path, { force: true });
    const server = createServer((socket) => this.serve(socket));
    this.control = server;
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, () => resolve()));
    writeFileSync(join(this.runDir, `drbd-${this.node}.pid`), `${process.pid}\n`);
    this.log(`daemon for node ${this.node} listening on ${path}`);
  }

  /** Resolves when the last resource is down. */
  idle(): Promise<void> {
    return new Promise((resolve) => (this.exitWhenIdle = resolve));
  }

  async stop(): Promise<void> {
    for (const name of [...this.resources.keys()]) {
      const reply = await this.down(name);
      // Stopping anyway is a crash for what still uses the device: say so.
      if (!reply.ok) this.log(`${reply.error}; stopping anyway`);
    }
    await new Promise<void>((resolve) => (this.control === undefined ? resolve() : this.control.close(() => resolve())));
    rmSync(socketPath(this.runDir, this.node), { force: true });
    rmSync(join(this.runDir, `drbd-${this.node}.pid`), { force: true });
  }

  private serve(socket: Socket): void {
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("error", () => undefined);
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      if (buffered.length > REQUEST_BYTES_MAX) return void socket.destroy();
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      const line = buffered.slice(0, newline);
      buffered = "";
      void this.handleLine(line).then(({ verb, reply }) => {
        socket.end(JSON.stringify(reply) + "\n");
        // A failed `up` of the only resource leaves nothing to serve either.
        if ((verb === "down" || verb === "up") && this.resources.size === 0) this.exitWhenIdle?.();
      });
    });
  }

  private async handleLine(line: string): Promise<{ verb: string; reply: ControlReply }> {
    let request: ControlRequest;
    try {
      request = JSON.parse(line) as ControlRequest;
    } catch {
      return { verb: "", reply: { ok: false, error: "malformed control request" } };
    }
    try {
      return { verb: request.verb, reply: await this.handle(request) };
    } catch (error) {
      this.log(`request ${request.verb} failed: ${(error as Error).stack ?? String(error)}`);
      return { verb: request.verb, reply: { ok: false, error: (error as Error).message } };
    }
  }

  private async handle(request: ControlRequest): Promise<ControlReply> {
    const name = request.resource;
    if (request.verb === "status") {
      const list = [...this.resources.values()].filter((r) => name === undefined || name === "all" || r.config.resource.name === name);
      if (name !== undefined && name !== "all" && list.length === 0) return { ok: false, error: `${name}: No such resource` };
      return { ok: true, status: list.map((r) => r.status()) };
    }
    if (name === undefined) return { ok: false, error: `${request.verb} needs a resource name` };
    if (request.verb === "up") return this.up(name, request.config);
    if (request.verb === "adjust") return this.adjust(name, request.config);
    if (request.verb === "down") return this.down(name);
    const resource = this.resources.get(name);
    if (resource === undefined) return { ok: false, error: `${name}: No such resource (run up first)` };
    if (request.verb === "attach") {
      const attached = await resource.attach();
      return attached.ok ? { ok: true } : { ok: false, error: attached.error };
    }
    const command = toCommand(request);
    if (command === undefined) return { ok: false, error: `unknown verb ${request.verb}` };
    if (command.verb === "secondary") {
      const busy = await this.detachLocal(resource);
      if (busy !== undefined) return { ok: false, error: `${name}: State change failed: ${busy}` };
    }
    const error = await resource.command(command);
    if (error !== undefined) return { ok: false, error: `${name}: ${error}` };
    const note = command.verb === "primary" ? await this.attachLocal(resource) : undefined;
    return note === undefined ? { ok: true } : { ok: true, message: note };
  }

  private async attachLocal(resource: ReplicatedResource): Promise<string | undefined> {
    const name = resource.config.resource.name;
    if (this.attached.has(name)) return undefined;
    const { device, note } = await attachLocalDevice(resource.config, this.runDir);
    if (device !== undefined) this.attached.set(name, device);
    if (note !== undefined) this.log(note);
    return note;
  }

  /** Detaches the resource's local block device; the reason when it is in use (then it stays). */
  private async detachLocal(resource: ReplicatedResource): Promise<string | undefined> {
    const name = resource.config.resource.name;
    const device = this.attached.get(name);
    if (device === undefined) return undefined;
    const busy = await device.detach();
    if (busy === undefined) this.attached.delete(name);
    return busy;
  }

  /** The resource as the configuration file describes it for this node. */
  private wanted(name: string, configPath: string | undefined): Result<LocalResource, string> {
    if (configPath === undefined) return err("the configuration file is needed");
    const loaded = loadConfig(configPath);
    if (!loaded.ok) return loaded;
    const resource = loaded.value.resources.find((r) => r.name === name);
    if (resource === undefined) return err(`'${name}' not defined in your config (for this host)`);
    return selectHost(resource, this.node);
  }

  /**
   * `adjust`: brings the resource to what the file says. Down: up. Running:
   * settings changeable at run time are applied (others refuse the whole
   * adjust, nothing changes), a detached disk is attached, a StandAlone
   * resource connects.
   */
  private async adjust(name: string, configPath: string | undefined): Promise<ControlReply> {
    const resource = this.resources.get(name);
    if (resource === undefined) return this.up(name, configPath);
    const wanted = this.wanted(name, configPath);
    if (!wanted.ok) return { ok: false, error: wanted.error };
    const refused = changesNeedingRestart(resource.config, wanted.value);
    if (refused.length > 0) return { ok: false, error: `${name}: adjust cannot change ${refused.join(", ")} of a running resource (down, then up)` };
    const changes = runtimeChanges(resource.config, wanted.value);
    resource.adjust(wanted.value);
    if (changes.length > 0) this.log(`${name}: adjusted ${changes.join(", ")}`);
    if (resource.replica.sb === undefined) {
      const attached = await resource.attach();
      if (!attached.ok) return { ok: false, error: `${name}: ${attached.error}` };
    }
    if (resource.replica.conn === "StandAlone") {
      const error = await resource.command({ verb: "connect", discardMyData: false });
      if (error !== undefined) return { ok: false, error: `${name}: ${error}` };
    }
    return changes.length > 0 ? { ok: true, message: `${name}: adjusted ${changes.join(", ")}` } : { ok: true };
  }

  private async up(name: string, configPath: string | undefined): Promise<ControlReply> {
    if (this.resources.has(name)) return { ok: true, message: `${name} is already up` };
    const local = this.wanted(name, configPath);
    if (!local.ok) return { ok: false, error: local.error };
    const started = await ReplicatedResource.up(local.value, this.node, this.log);
    if (!started.ok) return { ok: false, error: started.error };
    this.resources.set(name, started.value);
    const address = local.value.local.nbdAddress;
    const key = `${address.host}:${address.port}`;
    try {
      await this.export(address, name, started.value, local.value.local.nbdTls);
    } catch (error) {
      // Nothing half-started stays behind: the resource would replicate without an export.
      await this.down(name);
      return { ok: false, error: `${name}: cannot serve NBD on ${key}: ${(error as Error).message}` };
    }
    this.log(`${name}: up; NBD export '${name}' on ${key}`);
    return { ok: true };
  }

  /** Serves the resource on its NBD address; resources sharing an address share the server (and the first one's TLS settings). */
  private async export(address: SocketAddress, name: string, resource: ReplicatedResource, tlsConfig: HostConfig["nbdTls"]): Promise<void> {
    const key = `${address.host}:${address.port}`;
    const existing = this.nbdServers.get(key);
    if (existing !== undefined) return existing.addExport(name, resource);
    const tls = tlsConfig === undefined ? undefined : loadTls({ certificatesDir: tlsConfig.certificatesDir, required: tlsConfig.mode === "require", verifyPeer: tlsConfig.verifyPeer });
    if (tls !== undefined && !tls.ok) throw new Error(tls.error);
    const server = new NbdServer({ log: (line) => this.log(`nbd ${key}: ${line}`), ...(tls === undefined ? {} : { tls: tls.value }) });
    this.nbdServers.set(key, server);
    server.addExport(name, resource);
    await server.listen(address.port, address.host);
  }

  private async down(name: string): Promise<ControlReply> {
    const resource = this.resources.get(name);
    if (resource === undefined) return { ok: true, message: `${name} is not up` };
    const busy = await this.detachLocal(resource);
    if (busy !== undefined) return { ok: false, error: `${name}: State change failed: ${busy}` };
    if (resource.replica.role === "Primary") {
      const error = await resource.command({ verb: "secondary" });
      if (error !== undefined) return { ok: false, error: `${name}: ${error}` };
    }
    this.resources.delete(name);
    const address = resource.config.local.nbdAddress;
    const key = `${address.host}:${address.port}`;
    const server = this.nbdServers.get(key);
    server?.removeExport(name);
    if (server !== undefined && server.status().exports.length === 0) {
      this.nbdServers.delete(key);
      await server.dispose();
    }
    await resource.stop();
    this.log(`${name}: down`);
    return { ok: true };
  }
}

function toCommand(request: ControlRequest): Command | undefined {
  switch (request.verb) {
    case "connect": return { verb: "connect", discardMyData: request.discardMyData === true };
    case "disconnect": return { verb: "disconnect" };
    case "primary": return { verb: "primary", force: request.force === true };
    case "secondary": return { verb: "secondary" };
    case "detach": return { verb: "detach" };
    case "invalidate": return { verb: "invalidate" };
    case "verify": return { verb: "verify" };
    case "outdate": return { verb: "outdate" };
    case "resume-io": return { verb: "resume-io" };
    default: return undefined;
  }
}
