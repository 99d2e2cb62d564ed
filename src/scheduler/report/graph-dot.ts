import type { Transition } from "../core/schedule.js";
import { DO_SHUTDOWN, type GraphAction } from "../core/graph.js";
import { isFencing, operationKey } from "./graph-keys.js";

/**
 * The transition graph as graphviz, in crm_simulate --save-dotfile's style: one
 * vertex per action ("webip_start_0 node1"), an edge from each action to those
 * that wait for it. Runnable actions are green; a fencing action's label names it.
 */
export function graphDot(t: Transition): string {
  const label = (a: GraphAction): string =>
    isFencing(a) ? `stonith '${a.operation.slice("stonith-".length)}' ${a.node}`
      : a.node === "" ? operationKey(a)
      : a.operation === "cancel" ? `Cancel ${operationKey(a)} ${a.node}`
      : a.operation === DO_SHUTDOWN ? `${DO_SHUTDOWN} ${a.node}`
      : `${operationKey(a)} ${a.node}`;
  const byId = new Map(t.graph.actions.map((a) => [a.id, a] as const));
  const lines = [` digraph "g" {`];
  for (const a of t.graph.actions) lines.push(`${quote(label(a))} [ style=bold color="green" fontcolor="${a.pseudo ? "orange" : "black"}"]`);
  for (const [before, after] of t.graph.edges) lines.push(`${quote(label(byId.get(before)!))} -> ${quote(label(byId.get(after)!))} [ style = bold]`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
