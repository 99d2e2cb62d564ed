import type { Completer } from "node:readline";
import { TOP_COMMANDS, configureCommands } from "../core/commands.js";
import type { CrmShell } from "../shell.js";
import { agentLookup, installedAgents } from "./agents.js";

type AsyncCompleter = (line: string, callback: (error: null, result: [string[], string]) => void) => void;

const AGENT_POSITION = new Set(["primitive", "rsc_template"]);

/** Tab completion: commands of the level, then agents (after `primitive ID`), parameter names after `params`, else ids. */
export function completer(shell: CrmShell): Completer | AsyncCompleter {
  let agents: string[] | undefined;
  const lookup = agentLookup();
  return (line, callback) => {
    const words = line.split(/\s+/);
    const current = words.at(-1) ?? "";
    const previous = words.slice(0, -1).filter((w) => w !== "");
    const finish = (candidates: string[]) => callback(null, [candidates.filter((c) => c.startsWith(current)), current]);
    if (previous.length === 0) return finish(shell.level === "top" ? TOP_COMMANDS : configureCommands());
    if (shell.level === "top" && previous[0] === "configure" && previous.length === 1) return finish(configureCommands());
    const command = previous[0] === "configure" ? previous[1] : previous[0];
    const offset = previous[0] === "configure" ? 1 : 0;
    if (command !== undefined && AGENT_POSITION.has(command) && previous.length === offset + 2) {
      agents ??= installedAgents();
      return finish(agents);
    }
    if (previous.includes("params") && command !== undefined && AGENT_POSITION.has(command)) {
      const [cls = "", provider, type] = (previous[offset + 2] ?? "").split(":");
      const info = type === undefined ? lookup("ocf", "heartbeat", cls) : lookup(cls, provider, type);
      return finish(typeof info === "object" ? info.parameters.map((p) => `${p.name}=`) : []);
    }
    void shell.knownIds().then((ids) => finish(ids.sort()));
  };
}
