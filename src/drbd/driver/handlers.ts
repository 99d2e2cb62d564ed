import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { LocalResource } from "../config/load.js";

const HANDLER_TIMEOUT_MS = 60_000;

/**
 * The environment DRBD gives its handlers (drbd.conf(5), "handlers"): the
 * resource, this node and the peer (name, address, node id), the device and
 * the backing disk. Node ids are the order of the `on` sections.
 */
export function handlerEnvironment(r: LocalResource, node: string, connectionState: string): Record<string, string> {
  const [file] = r.resource.at.split(/:(?=\d+$)/);
  const env: Record<string, string> = {
    DRBD_RESOURCE: r.resource.name,
    DRBD_CONF: file ?? "",
    DRBD_MY_HOST: node,
    DRBD_MY_ADDRESS: r.local.address.host,
    DRBD_MY_AF: "ipv4",
    DRBD_MY_NODE_ID: String(r.resource.hosts.indexOf(r.local)),
    DRBD_PEER: r.peer.name,
    DRBD_PEERS: r.peer.name,
    DRBD_PEER_ADDRESS: r.peer.address.host,
    DRBD_PEER_AF: "ipv4",
    DRBD_PEER_NODE_ID: String(r.resource.hosts.indexOf(r.peer)),
    DRBD_CSTATE: connectionState,
    DRBD_MINOR: String(r.local.minor),
    DRBD_MINOR_0: String(r.local.minor),
    DRBD_VOLUME: "0",
    DRBD_BACKING_DEV: r.local.disk,
    DRBD_LL_DISK: r.local.disk,
  };
  r.resource.hosts.forEach((host, id) => (env[`DRBD_NODE_ID_${id}`] = host.name));
  return env;
}

/**
 * Runs a handler command with `/bin/sh -c` and DRBD's environment. Resolves
 * with its exit code, or null when it could not start or was killed (after a
 * minute at most).
 */
export function runHandler(command: string, env: Record<string, string>, log: (line: string) => void): Promise<number | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { stdio: "ignore", env: { ...process.env, ...env } });
    const kill = setTimeout(() => child.kill("SIGKILL"), HANDLER_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(kill);
      log(`failed to start: ${error.message}`);
      resolve(null);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(kill);
      log(`exited ${signal ?? code} after ${Math.round(performance.now() - started)} ms`);
      resolve(signal === null ? code : null);
    });
  });
}
