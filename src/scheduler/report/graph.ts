import { createElement, serializeXml, type XmlElement } from "../../cib/index.js";
import type { GraphAction, TransitionGraph } from "../core/graph.js";

function key(a: GraphAction): string {
  return a.operation.startsWith("stonith") ? `${a.operation}_${a.node}` : `${a.resource}_${a.operation}_${a.intervalMs}`;
}

/** The transition graph as XML: one synapse per action with the actions it waits for. */
export function graphXml(graph: TransitionGraph): string {
  const waitsFor = new Map<number, number[]>();
  for (const [before, after] of graph.edges) waitsFor.set(after, [...(waitsFor.get(after) ?? []), before]);
  const op = (a: GraphAction): XmlElement =>
    createElement(a.operation.startsWith("stonith") ? "crm_event" : "rsc_op", {
      id: String(a.id), operation: a.operation, operation_key: key(a), on_node: a.node,
      interval: String(a.intervalMs), timeout: String(a.timeoutMs),
    });
  const synapses = graph.actions.map((a) =>
    createElement("synapse", { id: String(a.id) }, [
      createElement("action_set", {}, [op(a)]),
      createElement("inputs", {}, (waitsFor.get(a.id) ?? []).map((b) => createElement("trigger", {}, [op(graph.actions[b]!)]))),
    ]),
  );
  return serializeXml(createElement("transition_graph", { batch_limit: "0" }, synapses)) + "\n";
}

/** The transition graph in Graphviz dot, like crm_simulate --save-dotfile. */
export function graphDot(graph: TransitionGraph): string {
  const label = (a: GraphAction): string => JSON.stringify(`${key(a)} ${a.node}`);
  const lines = [" digraph \"g\" {"];
  for (const a of graph.actions) lines.push(`${label(a)} [ style=bold color="green" fontcolor="black"]`);
  for (const [before, after] of graph.edges) lines.push(`${label(graph.actions[before]!)} -> ${label(graph.actions[after]!)} [ style = bold]`);
  lines.push("}");
  return lines.join("\n") + "\n";
}
