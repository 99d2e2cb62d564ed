import { assertNever } from "../../lib/assert.js";
import { OCF_RC, fenceToOcf, isOcfRc, lsbToOcf, type OcfRc, type OpStatus } from "./codes.js";
import { fenceAgentStdin, ocfEnvironment } from "./environment.js";
import type { OpRequest } from "./operation.js";

/** Where an agent was found; the driver resolves it, everything after is pure. */
export type AgentLocation =
  | { kind: "ocf"; file: string; ocfRoot: string }
  | { kind: "lsb"; file: string }
  | { kind: "stonith"; file: string }
  | { kind: "systemd"; unit: string };

/** A process to run, or an answer known without running anything. */
export type Invocation =
  | { kind: "run"; file: string; args: string[]; env: Record<string, string>; stdin: string | undefined }
  | { kind: "answer"; rc: OcfRc; status: OpStatus; exitReason: string; stdout: string };

/**
 * How each class runs an action: OCF agents get the action as their argument
 * and the OCF environment; init scripts get `status` for a monitor; fence
 * agents read `action=…` and the parameters on stdin; systemd units go through
 * systemctl. Actions a class has no meaning for are answered "unimplemented".
 */
export function invocationFor(req: OpRequest, location: AgentLocation, basePath: string): Invocation {
  switch (location.kind) {
    case "ocf": {
      const env = ocfEnvironment(req, location.ocfRoot, basePath);
      return { kind: "run", file: location.file, args: [req.action], env, stdin: undefined };
    }
    case "lsb":
      return lsbInvocation(req, location.file, basePath);
    case "stonith":
      return fenceInvocation(req, location.file, basePath);
    case "systemd":
      return systemdInvocation(req, location.unit, basePath);
    default:
      return assertNever(location, "agent location");
  }
}

const LSB_ACTIONS: Record<string, string> = { start: "start", stop: "stop", monitor: "status", status: "status", reload: "force-reload" };

function lsbInvocation(req: OpRequest, file: string, basePath: string): Invocation {
  const verb = LSB_ACTIONS[req.action];
  if (verb === undefined) return unimplemented(req.action, "lsb");
  return { kind: "run", file, args: [verb], env: { PATH: basePath }, stdin: undefined };
}

/** Fence-device resource actions mapped onto fence-agent actions. */
function fenceInvocation(req: OpRequest, file: string, basePath: string): Invocation {
  const env = { PATH: basePath };
  switch (req.action) {
    case "stop": // the fencer forgets the device; nothing to run
      return { kind: "answer", rc: OCF_RC.success, status: "done", exitReason: "", stdout: "" };
    case "start": // registering a device checks its configuration
    case "validate-all":
      return { kind: "run", file, args: [], env, stdin: fenceAgentStdin("validate-all", req.params) };
    case "meta-data":
    case "metadata":
      return { kind: "run", file, args: [], env, stdin: fenceAgentStdin("metadata", {}) };
    case "monitor": case "off": case "on": case "reboot": case "status": case "list":
      return { kind: "run", file, args: [], env, stdin: fenceAgentStdin(req.action, req.params) };
    default:
      return unimplemented(req.action, "stonith");
  }
}

const SYSTEMCTL_VERBS: Record<string, string[]> = {
  start: ["start"], stop: ["stop"], monitor: ["is-active", "--quiet"], status: ["is-active", "--quiet"], reload: ["reload"],
};

function systemdInvocation(req: OpRequest, unit: string, basePath: string): Invocation {
  const verb = SYSTEMCTL_VERBS[req.action];
  if (verb === undefined) return unimplemented(req.action, "systemd");
  return { kind: "run", file: "systemctl", args: [...verb, unit], env: { PATH: basePath }, stdin: undefined };
}

function unimplemented(action: string, klass: string): Invocation {
  return { kind: "answer", rc: OCF_RC.errUnimplemented, status: "not-supported", exitReason: `${klass} agents have no '${action}' action`, stdout: "" };
}

/** How the process ended, as the driver saw it. */
export type ProcessEnd =
  | { kind: "exited"; code: number }
  | { kind: "signaled"; signal: string }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "spawn-failed"; why: string };

/** Turns a process end into the rc and op status recorded in the CIB. */
export function interpretEnd(location: AgentLocation, action: string, end: ProcessEnd): { rc: OcfRc; status: OpStatus; why: string } {
  switch (end.kind) {
    case "timeout":
      return { rc: OCF_RC.errGeneric, status: "timeout", why: `timed out after ${end.timeoutMs}ms; process group killed` };
    case "signaled":
      return { rc: OCF_RC.errGeneric, status: "error", why: `agent killed by ${end.signal}` };
    case "spawn-failed":
      return { rc: OCF_RC.errInstalled, status: "not-installed", why: end.why };
    case "exited":
      return interpretExitCode(location, action, end.code);
    default:
      return assertNever(end, "process end");
  }
}

function interpretExitCode(location: AgentLocation, action: string, code: number): { rc: OcfRc; status: OpStatus; why: string } {
  switch (location.kind) {
    case "ocf":
      if (isOcfRc(code)) return { rc: code, status: "done", why: "" };
      return { rc: OCF_RC.errGeneric, status: "error", why: `agent exited with ${code}, which is not an OCF exit code` };
    case "lsb":
      return { rc: lsbToOcf(action, code), status: "done", why: "" };
    case "stonith":
      return { rc: fenceToOcf(action, code), status: "done", why: "" };
    case "systemd":
      if (action === "monitor" || action === "status") return { rc: code === 0 ? OCF_RC.success : OCF_RC.notRunning, status: "done", why: "" };
      return { rc: code === 0 ? OCF_RC.success : OCF_RC.errGeneric, status: "done", why: "" };
    default:
      return assertNever(location, "agent location");
  }
}
