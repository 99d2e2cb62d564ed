import { err, ok, type Result } from "../../lib/result.js";

/** The resource classes Pacemaker knows; `service` resolves to systemd or lsb. */
export const AGENT_CLASSES = ["ocf", "lsb", "service", "systemd", "stonith"] as const;
export type AgentClass = (typeof AGENT_CLASSES)[number];

/** A resource agent as the CIB names it: class, provider (ocf only) and type. */
export type AgentRef =
  | { class: "ocf"; provider: string; type: string }
  | { class: Exclude<AgentClass, "ocf">; type: string };

export function agentRefText(agent: AgentRef): string {
  return agent.class === "ocf" ? `ocf:${agent.provider}:${agent.type}` : `${agent.class}:${agent.type}`;
}

// Names end up in file paths: refuse anything that could climb out of a directory.
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/;

/**
 * Parses `class:provider:type` (ocf) or `class:type` (the others), as in crmsh.
 * A bare type is not accepted: the class decides where the agent is looked up.
 */
export function parseAgentRef(text: string): Result<AgentRef, string> {
  const parts = text.split(":");
  const [klass, second, third] = parts;
  if (!isAgentClass(klass)) {
    return err(`'${text}': unknown resource class '${klass ?? ""}' (known: ${AGENT_CLASSES.join(", ")})`);
  }
  if (klass === "ocf") {
    if (parts.length !== 3 || second === undefined || third === undefined) {
      return err(`'${text}': an ocf agent is written ocf:PROVIDER:TYPE`);
    }
    if (!SAFE_NAME.test(second) || !SAFE_NAME.test(third)) return err(`'${text}': invalid provider or type name`);
    return ok({ class: "ocf", provider: second, type: third });
  }
  if (parts.length !== 2 || second === undefined) return err(`'${text}': a ${klass} agent is written ${klass}:TYPE`);
  if (!SAFE_NAME.test(second)) return err(`'${text}': invalid type name`);
  return ok({ class: klass, type: second });
}

export function isAgentClass(text: string | undefined): text is AgentClass {
  return (AGENT_CLASSES as readonly string[]).includes(text ?? "");
}
