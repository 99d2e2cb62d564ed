// Clone and promotable-clone rules from Pacemaker Explained, in the same form as
// semantics-cases.ts (each expectation is also checked against crm_simulate).
import { clone, primitive, probedStopped, running, type HistoryEntry } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const promotable = (meta: Record<string, string> = {}, ops: Array<{ name: string; interval: string; role?: string; onFail?: string }> = []) =>
  clone("ms", primitive("s", { ops }), { promotable: "true", ...meta });
const promotedMonitor = (rc: number, status = 0): HistoryEntry => ({ rsc: "s", operation: "monitor", intervalMs: 10000, rc, expected: 8, status });
const promotedWithMonitor = [...running("s", true), { rsc: "s", operation: "monitor", intervalMs: 10000, rc: 8, expected: 8 }];

export const CLONE_CASES: SemanticsCase[] = [
  {
    name: "equal promotion scores keep the lower-numbered instance promoted",
    cite: "Promotable Clones: promoted-max (only that many instances stay promoted)",
    cib: {
      nodes: [
        // Listed first, n2 runs instance 0: the tie is not broken by node name.
        ["n2", { transient: { "master-s": "10" }, history: running("s", true) }],
        ["n1", { transient: { "master-s": "10" }, history: running("s", true) }],
      ],
      resources: [promotable({ "promoted-max": "1" })],
    },
    expect: ["* Demote s:1 ( Promoted -> Unpromoted n1 )"],
  },
  {
    name: "a negative promotion preference does not keep an instance off a node",
    cite: "Promotable Clones: promotion scores (a negative score only prevents promotion)",
    cib: {
      nodes: [["n1", { transient: { "master-s": "-5" }, history: probedStopped("s") }], ["n2", { history: probedStopped("s") }]],
      resources: [promotable({ "clone-max": "1" })],
    },
    expect: ["* Start s:0 ( n1 )"],
  },
  {
    name: "on-fail=demote demotes a failed promoted instance in place, and promotes it again if it still wins",
    cite: "Operation properties: on-fail=demote",
    todo: "we demote and hold back every promotion of the clone (what crm_simulate does in the corpus case on_fail_demote3); here it re-promotes",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...running("s", true), promotedMonitor(1)] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable({}, [{ name: "monitor", interval: "10s", role: "Promoted", onFail: "demote" }])],
    },
    expect: ["* Re-promote s:0 ( Promoted n1 )"],
  },
  {
    name: "no-quorum-policy=demote demotes promoted instances and stops everything else",
    cite: "Cluster Options: no-quorum-policy=demote",
    cib: {
      properties: { "no-quorum-policy": "demote" },
      quorum: false,
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...running("s", true), ...running("a")] }],
        ["n2", { transient: { "master-s": "5" }, history: [...running("s"), ...probedStopped("a")] }],
      ],
      resources: [promotable(), primitive("a")],
    },
    expect: ["* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Stop a ( n1 ) due to no quorum"],
  },
  {
    name: "a degraded result (OCF_DEGRADED_PROMOTED, 191) counts as a healthy promoted instance",
    cite: "OCF return codes: degraded results",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...running("s", true), promotedMonitor(191)] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable()],
    },
    expect: [],
  },
  {
    name: "an executor error whose rc is the expected one is no failure",
    cite: "Operation history: the rc code decides the result",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...running("s", true), promotedMonitor(8, 4)] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable()],
    },
    expect: [],
  },
  {
    name: "a failed demote is recovered from the unpromoted role, and promoted again where the score is highest",
    cite: "Promotable Clones: recovery of a failed demote",
    cib: {
      nodes: [
        ["n1", { transient: { "master-s": "10" }, history: [...promotedWithMonitor, { rsc: "s", operation: "demote", rc: 1 }] }],
        ["n2", { transient: { "master-s": "5" }, history: running("s") }],
      ],
      resources: [promotable()],
    },
    expect: ["* Recover s:0 ( Unpromoted -> Promoted n1 )"],
  },
  {
    name: "a clone child's own target-role=Started wins over the clone's target-role=Stopped",
    cite: "Resource Meta-Attributes: a child's own meta-attributes override inherited ones",
    cib: {
      nodes: [["n1", { history: running("c1") }], ["n2", { history: running("c1") }]],
      resources: [clone("c", primitive("c1", { meta: { "target-role": "Started" } }), { "target-role": "Stopped" })],
    },
    expect: [],
  },
];
