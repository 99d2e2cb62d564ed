// Failure handling from Pacemaker Explained (2.1): multiple-active ("Resource
// Meta-Attributes"), failed probes and hard/fatal errors ("Resource Discovery",
// "How are OCF Return Codes Interpreted?"), on-fail and failure-timeout.
// Run by rules.test.ts (ours and crm_simulate's summary) and failure-graph.test.ts
// (the transition graph against crm_simulate's).
import { group, location, primitive, probedStopped, running, type HistoryEntry } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

/** A semantics case whose transition graph is compared with crm_simulate's too. */
export interface FailureCase extends SemanticsCase {
  /** Our graph differs from crm_simulate's here (why). */
  graphTodo?: string;
}

const MULTIPLE = "Resource Meta-Attributes: multiple-active";
const fenceAgent = { class: "stonith", type: "fence_dummy" };
const fenceDevice = primitive("fence", { agent: fenceAgent, ops: [{ name: "monitor", interval: "60s" }] });
const fenceRunning: HistoryEntry[] = running("fence").map((e) => ({ ...e, agent: fenceAgent }));
const monitored = (id: string, meta: Record<string, string> = {}): ReturnType<typeof primitive> =>
  primitive(id, { meta, ops: [{ name: "monitor", interval: "10s" }] });
/** `rsc` running on n1 and n2 (n3, if listed, knows it stopped). */
const onTwo = (rsc: string, third = true): SemanticsCase["cib"]["nodes"] => [
  ["n1", { history: running(rsc) }], ["n2", { history: running(rsc) }], ...(third ? [["n3", { history: probedStopped(rsc) }] as [string, { history: HistoryEntry[] }]] : []),
];
const UNUSABLE_SCORES = "unusable nodes score -INFINITY; crm_simulate keeps their score (0) and just does not use them";

export const MULTIPLE_ACTIVE_CASES: FailureCase[] = [
  {
    name: "multiple-active=stop_start (default): every copy stops and one starts again, here on the first copy's node",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a")] },
    expect: ["* Restart a ( n1 )"],
  },
  {
    name: "multiple-active=stop_start: placed away from every copy, the resource moves from its first copy",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a")], constraints: [location("l", "a", "n3", "50")] },
    expect: ["* Move a ( n1 -> n3 )"],
  },
  {
    name: "multiple-active: a resource that is to stop stops on every node",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "target-role": "Stopped" })] },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "multiple-active=stop_only: every copy stops and none starts",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "stop_only" })], constraints: [location("l", "a", "n1", "50")] },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "multiple-active=block: every copy is left alone, even where it is not wanted",
    cite: MULTIPLE,
    scoresTodo: "crm_simulate assigns no blocked resource (prints no score for it); ours prints its score",
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "block" })], constraints: [location("l", "a", "n1", "-INFINITY")] },
    expect: [],
  },
  {
    name: "multiple-active=stop_unexpected: only the copies away from its node stop; it keeps running where placed",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "stop_unexpected" })], constraints: [location("l", "a", "n2", "50")] },
    expect: ["* Move a ( n1 -> n2 ) due to being multiply active"],
  },
  {
    name: "multiple-active=stop_unexpected: kept on its first copy's node, the summary shows a restart",
    cite: MULTIPLE,
    cib: { nodes: onTwo("a"), resources: [monitored("a", { "multiple-active": "stop_unexpected" })], constraints: [location("l", "a", "n1", "50")] },
    expect: ["* Restart a ( n1 )"],
  },
  {
    name: "multiple-active from rsc_defaults applies to every resource",
    cite: `${MULTIPLE}; Resource Defaults`,
    cib: { rscDefaults: { "multiple-active": "stop_only" }, nodes: onTwo("a"), resources: [monitored("a")] },
    expect: ["* Stop a ( n1 ) due to node availability", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "a multiply active resource sticks to none of its copies (resource-stickiness does not apply)",
    cite: `${MULTIPLE}; Resource Meta-Attributes: resource-stickiness`,
    cib: { rscDefaults: { "resource-stickiness": "100" }, nodes: onTwo("a"), resources: [monitored("a")], constraints: [location("l", "a", "n3", "50")] },
    expect: ["* Move a ( n1 -> n3 )"],
  },
  {
    name: "a multiply active group member restarts, and the members after it restart with it",
    cite: `${MULTIPLE}; Groups: members start in order`,
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b"), ...running("c")] }], ["n2", { history: [...probedStopped("a"), ...running("b"), ...probedStopped("c")] }]],
      resources: [group("g", [primitive("a"), primitive("b"), primitive("c")])],
    },
    expect: ["* Restart b ( n1 )", "* Restart c ( n1 ) due to required b start"],
  },
  {
    name: "multiple-active=stop_only on a group: the member stops everywhere, and so do the members after it",
    cite: `${MULTIPLE}; Groups`,
    cib: {
      nodes: [["n1", { history: [...running("a"), ...running("b"), ...running("c")] }], ["n2", { history: [...probedStopped("a"), ...running("b"), ...probedStopped("c")] }]],
      resources: [group("g", [primitive("a"), primitive("b"), primitive("c")], { "multiple-active": "stop_only" })],
    },
    expect: ["* Stop b ( n1 ) due to node availability", "* Stop b ( n2 ) due to node availability", "* Stop c ( n1 ) due to node availability"],
  },
  {
    name: "a resource also active on a node that is fenced: its stop there is done by the fencing, it starts once fenced",
    cite: `${MULTIPLE}; Fencing`,
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "lost", history: running("a") }], ["n2", { history: [...running("a"), ...fenceRunning] }], ["n3", { history: probedStopped("a") }]],
      resources: [fenceDevice, monitored("a")],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'", "* Move a ( n1 -> n3 )"],
  },
  {
    name: "a fencing device's copy on a node being fenced does not make it multiply active",
    cite: `${MULTIPLE}; Fencing`,
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "lost", history: fenceRunning }], ["n2", { history: [...fenceRunning, { rsc: "fence", operation: "monitor", intervalMs: 60_000, agent: fenceAgent }] }], "n3"],
      resources: [fenceDevice],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'"],
  },
];

export const FAILURE_CASES: FailureCase[] = [...MULTIPLE_ACTIVE_CASES];
