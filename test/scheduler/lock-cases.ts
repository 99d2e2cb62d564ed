// shutdown-lock (Pacemaker Explained, "Cluster Options": shutdown-lock,
// shutdown-lock-limit), each rule on a CIB written for it.
import { primitive, type CibOptions } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const NOW = 1_700_000_000;

/** a and b were stopped as n1 shut down, locked there `ago` seconds ago; n1 is now offline. */
function lockedOnShutdown(ago: number, properties: Record<string, string>): CibOptions {
  const stopped = (rsc: string): Array<{ rsc: string; operation: string }> => [{ rsc, operation: "start" }, { rsc, operation: "stop" }];
  return {
    now: NOW,
    properties: { "shutdown-lock": "true", ...properties },
    nodes: [["n1", { state: "offline", history: [...stopped("a"), ...stopped("b")], shutdownLocks: { a: NOW - ago } }], "n2"],
    resources: [primitive("a"), primitive("b")],
  };
}

export const LOCK_CASES: SemanticsCase[] = [
  {
    name: "shutdown-lock keeps a resource stopped on the node that shut down",
    cite: "Cluster Options: shutdown-lock",
    cib: lockedOnShutdown(60, {}),
    expect: ["* Start b ( n2 )"],
  },
  {
    name: "after shutdown-lock-limit the locked resource is recovered elsewhere",
    cite: "Cluster Options: shutdown-lock-limit",
    cib: lockedOnShutdown(600, { "shutdown-lock-limit": "5m" }),
    expect: ["* Start a ( n2 )", "* Start b ( n2 )"],
  },
];
