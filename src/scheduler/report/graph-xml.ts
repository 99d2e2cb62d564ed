import { createElement, serializeXml, type XmlElement } from "../../cib/index.js";
import type { Transition } from "../core/schedule.js";
import { DO_SHUTDOWN, type GraphAction } from "../core/graph.js";
import { inputsOf, isClusterEvent, isFencing, operationKey, primitiveConfigs } from "./graph-keys.js";

/**
 * The transition graph in the layout of Pacemaker's (crm_simulate --save-graph):
 * one <synapse> per action, its <action_set> holding the action and its <inputs>
 * the actions it waits for. Resource actions are <rsc_op>; fencing (operation
 * "stonith"), clearing a fail-count and a node's shutdown are <crm_event>; a
 * group's or clone's pseudo-action is <pseudo_event> (notifications' own are
 * operation "notify" and "notified"). An action's meta attributes (the notify_*
 * lists of clone notifications) are written as CRM_meta_<name>, for the executor to pass
 * to the agent; a clone instance's agent names the configured id and the instance.
 */
export function graphXml(t: Transition): string {
  const configs = primitiveConfigs(t);
  const uuid = new Map(t.nodes.map((n) => [n.name, n.id] as const));
  const inputs = inputsOf(t);
  const byId = new Map(t.graph.actions.map((a) => [a.id, a] as const));
  const header = (a: GraphAction): Record<string, string> => ({
    id: String(a.id),
    operation: isFencing(a) ? "stonith" : a.operation,
    operation_key: operationKey(a),
    // An anonymous instance named after its history also keeps its own name.
    ...(isHistoryNamed(a) ? { internal_operation_key: `${a.resource}_${a.operation}_${a.intervalMs}` } : {}),
    ...(a.pseudo ? {} : { on_node: a.node, on_node_uuid: uuid.get(a.node) ?? a.node }),
  });
  const isHistoryNamed = (a: GraphAction): boolean => {
    const configId = configs.get(a.resource)?.id;
    return configId !== undefined && configId !== a.resource && a.key === `${configId}_${a.operation}_${a.intervalMs}`;
  };
  const element = (a: GraphAction): string => (a.pseudo ? "pseudo_event" : isClusterEvent(a) ? "crm_event" : "rsc_op");
  const full = (a: GraphAction): XmlElement => {
    const config = configs.get(a.resource);
    const attributes: Record<string, string> = {};
    if (a.intervalMs > 0) attributes["CRM_meta_interval"] = String(a.intervalMs);
    if (!a.pseudo) attributes["CRM_meta_on_node"] = a.node;
    if (!a.pseudo) attributes["CRM_meta_on_node_uuid"] = uuid.get(a.node) ?? a.node;
    for (const [name, value] of Object.entries(a.meta ?? {})) attributes[`CRM_meta_${name}`] = value;
    attributes["CRM_meta_timeout"] = String(a.timeoutMs);
    if (isFencing(a)) Object.assign(attributes, fencingAttributes(t, a));
    const ids = config === undefined || config.id === a.resource ? { id: a.resource } : { id: config.id, "long-id": a.resource };
    const agent = config === undefined ? [] : [createElement("primitive", { ...ids, class: config.class, ...(config.provider ? { provider: config.provider } : {}), type: config.type })];
    // A shutdown tells the controller the node goes down, as fencing does.
    const downed = a.operation === DO_SHUTDOWN ? [createElement("downed", {}, [createElement("node", { id: uuid.get(a.node) ?? a.node })])] : [];
    return createElement(element(a), header(a), [...agent, createElement("attributes", sortedByName(attributes)), ...downed]);
  };
  const synapses = t.graph.actions.map((a, index) =>
    createElement("synapse", { id: String(index) }, [
      createElement("action_set", {}, [full(a)]),
      createElement("inputs", {}, (inputs.get(a.id) ?? []).map((before) => {
        const b = byId.get(before)!;
        return createElement("trigger", {}, [createElement(element(b), header(b))]);
      })),
    ]),
  );
  const root = createElement("transition_graph", {
    "cluster-delay": t.options.all.get("cluster-delay") ?? "60s",
    "stonith-timeout": t.options.all.get("stonith-timeout") ?? "60s",
    "failed-stop-offset": "INFINITY",
    "failed-start-offset": "INFINITY",
    "batch-limit": "0",
    transition_id: "0",
  }, synapses);
  return serializeXml(root) + "\n";
}

/** Attributes in name order, as Pacemaker writes them. */
function sortedByName(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The fencing action, and for unfencing the device digests the node records afterwards. */
function fencingAttributes(t: Transition, a: GraphAction): Record<string, string> {
  const action = a.operation.slice("stonith-".length);
  const digests = action === "on" ? t.fences.find((f) => f.node === a.node && f.action === "on")?.digests : undefined;
  return {
    CRM_meta_stonith_action: action,
    ...(digests === undefined ? {} : { CRM_meta_digests_all: digests.all, CRM_meta_digests_secure: digests.secure }),
  };
}
