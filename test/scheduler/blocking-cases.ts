// Rules about resources that cannot be stopped or moved (failures with on-fail=block,
// unmanaged resources) and what they hold back, from Pacemaker Explained (2.1).
// Run by rules.test.ts with the other semantics cases (ours and crm_simulate's).
import { group, location, order, primitive, running, type HistoryEntry } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const failedStop = (rsc: string): HistoryEntry[] => [...running(rsc), { rsc, operation: "stop", rc: 1 }];
const fenceDevice = primitive("fence", { agent: { class: "stonith", type: "fence_dummy" } });
const BLOCKED_SCORES = "crm_simulate assigns no blocked resource (prints no score for it); ours prints its score";
export const UNUSABLE_SCORES = "unusable nodes score -INFINITY; crm_simulate keeps their score (0) and just does not use them";
const fenceRunning: HistoryEntry[] = running("fence").map((e) => ({ ...e, agent: { class: "stonith", type: "fence_dummy" } }));

export const BLOCKING_CASES: SemanticsCase[] = [
  {
    name: "on-fail=block does not hold a resource on a node that is fenced",
    cite: "Operation properties: on-fail=block; Fencing: a fenced node runs nothing",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "lost", history: failedStop("a") }], ["n2", { history: fenceRunning }]],
      resources: [fenceDevice, primitive("a", { ops: [{ name: "stop", interval: "0", onFail: "block" }] })],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'", "* Move a ( n1 -> n2 )"],
  },
  {
    name: "a stop ordered after the stop of a blocked resource is blocked too",
    cite: "Ordering Constraints: symmetrical (stops in reverse order); on-fail=block",
    scoresTodo: BLOCKED_SCORES,
    cib: {
      nodes: [["n1", { history: [...running("a"), ...failedStop("b")] }]],
      resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")],
      constraints: [order("o", "a", "b")],
    },
    expect: ["* Stop a ( n1 ) due to node availability (blocked)"],
  },
  {
    name: "a move whose stop waits for a blocked resource stays a blocked stop",
    cite: "Ordering Constraints: symmetrical (stops in reverse order); on-fail=block",
    scoresTodo: BLOCKED_SCORES,
    cib: {
      nodes: [["n1", { history: [...running("a"), ...failedStop("b")] }], "n2"],
      resources: [primitive("a"), primitive("b")],
      constraints: [order("o", "a", "b"), location("l", "a", "n1", "-INFINITY")],
    },
    expect: ["* Stop a ( n1 ) blocked"],
  },
  {
    name: "a group member that cannot move holds the members after it",
    cite: "Groups: members are colocated with the member before them; on-fail=block",
    cib: {
      nodes: [["n1", { history: [...failedStop("a"), ...running("b")], transient: { standby: "on" } }], "n2"],
      resources: [group("g", [primitive("a"), primitive("b")])],
    },
    expect: ["* Stop b ( n1 ) due to node availability"],
  },
  {
    name: "a group member that cannot stop keeps the members before it in place, blocked",
    cite: "Groups: members stop in reverse order; on-fail=block",
    cib: {
      nodes: [["n1", { history: [...running("a"), ...failedStop("b")], transient: { standby: "on" } }], "n2"],
      resources: [group("g", [primitive("a"), primitive("b")])],
    },
    expect: ["* Stop a ( n1 ) due to unrunnable b stop (blocked)"],
  },
  {
    name: "a resource on a node in maintenance is left alone even when banned there",
    cite: "Node Attributes: maintenance (resources on the node are unmanaged)",
    cib: {
      nodes: [["n1", { history: running("a"), attributes: { maintenance: "true" } }], "n2"],
      resources: [primitive("a")],
      constraints: [location("l", "a", "n1", "-INFINITY")],
    },
    expect: [],
  },
  {
    name: "with fencing enabled, a resource on an offline node in maintenance is not started elsewhere",
    cite: "Node Attributes: maintenance (resources on the node are unmanaged)",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { state: "offline", history: running("a"), attributes: { maintenance: "true" } }], ["n2", { history: fenceRunning }]],
      resources: [fenceDevice, primitive("a")],
    },
    expect: [],
  },
];
