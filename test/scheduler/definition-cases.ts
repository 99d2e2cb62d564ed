// Resource definition changes (Pacemaker Explained, "Reloading Agents" and the
// op-digest of the operation history): the scheduler compares the parameters a
// resource runs with against its configuration. Run by rules.test.ts.
import { order, primitive, type Attrs, type HistoryEntry } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const startedWith = (rsc: string, params: Attrs, forceRestart?: string[]): HistoryEntry[] =>
  [{ rsc, operation: "start", params, ...(forceRestart === undefined ? {} : { forceRestart }) }];

export const DEFINITION_CASES: SemanticsCase[] = [
  {
    name: "a changed parameter restarts the resource in place",
    cite: "Resource Operations: op-digest records the parameters an operation ran with",
    cib: { nodes: [["n1", { history: startedWith("a", { ip: "10.0.0.1" }) }]], resources: [primitive("a", { params: { ip: "10.0.0.2" } })] },
    expect: ["* Restart a ( n1 ) due to resource definition change"],
  },
  {
    name: "unchanged parameters leave the resource alone",
    cite: "Resource Operations: op-digest records the parameters an operation ran with",
    cib: { nodes: [["n1", { history: startedWith("a", { ip: "10.0.0.1" }) }]], resources: [primitive("a", { params: { ip: "10.0.0.1" } })] },
    expect: [],
  },
  {
    name: "a change only in reloadable parameters reloads the resource",
    cite: "Reloading Agents: parameters not listed in op-force-restart can be reloaded",
    cib: {
      nodes: [["n1", { history: startedWith("a", { state: "s", fake: "1" }, ["state"]) }]],
      resources: [primitive("a", { params: { state: "s", fake: "2" } })],
    },
    expect: ["* Reload a ( n1 )"],
  },
  {
    name: "a change in a parameter that forces a restart restarts the resource",
    cite: "Reloading Agents: parameters listed in op-force-restart need a restart",
    cib: {
      nodes: [["n1", { history: startedWith("a", { state: "s", fake: "1" }, ["state"]) }]],
      resources: [primitive("a", { params: { state: "t", fake: "1" } })],
    },
    expect: ["* Restart a ( n1 ) due to resource definition change"],
  },
  {
    name: "a masked secret parameter is not a definition change",
    cite: "Resource Operations: op-secure-params are compared through op-secure-digest",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start", params: { ip: "1", passwd: "secret" }, secure: ["passwd"] }] }]],
      resources: [primitive("a", { params: { ip: "1", passwd: "****" } })],
    },
    expect: [],
  },
  {
    name: "what is ordered after a resource restarted for a definition change restarts with it",
    cite: "Ordering Constraints: then restarts when first restarts",
    cib: {
      nodes: [["n1", { history: [...startedWith("a", { ip: "1" }), ...startedWith("b", {})] }]],
      resources: [primitive("a", { params: { ip: "2" } }), primitive("b")],
      constraints: [order("o", "a", "b")],
    },
    expect: ["* Restart a ( n1 ) due to resource definition change", "* Restart b ( n1 ) due to required a start"],
  },
  {
    name: "a start still pending with parameters that changed restarts for the definition change",
    cite: "Resource parameters: a change restarts the resource (a start in progress included)",
    cib: {
      nodes: [["n1", { history: [{ rsc: "d", operation: "start", rc: -1, status: -1, params: { x: "1" } }] }], "n2"],
      resources: [primitive("d", { params: { x: "2" } })],
    },
    expect: ["* Restart d ( n1 ) due to resource definition change"],
  },
  {
    name: "a start still pending cannot be reloaded: a reloadable change restarts it, without a reason",
    cite: "Reloading agents: only parameters outside op-force-restart are reloaded (observed with crm_simulate for a pending start)",
    cib: {
      nodes: [["n1", { history: [{ rsc: "d", operation: "start", rc: -1, status: -1, params: { x: "1" }, forceRestart: ["y"] }] }], "n2"],
      resources: [primitive("d", { params: { x: "2" } })],
    },
    expect: ["* Restart d ( n1 )"],
  },
];
