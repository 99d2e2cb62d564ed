// Live migration (Pacemaker Explained, "Migrating Resources": allow-migrate,
// migrate_to / migrate_from; "Failure Response": migration-threshold) and what a
// migration that stopped half way leaves in the operation history. Each case is a CIB
// written for the rule; rules.test.ts checks our summary and crm_simulate's, and
// migration-graph.test.ts compares the transition graphs.
import { location, order, primitive, probedStopped, type CibOptions, type HistoryEntry, type NodeOptions } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const monitored = [{ name: "monitor", interval: "10s" }];
/** A resource that can live-migrate, with a recurring monitor. */
const vm = (id = "vm", meta: Record<string, string> = {}): ReturnType<typeof primitive> =>
  primitive(id, { meta: { "allow-migrate": "true", ...meta }, ops: monitored });
const op = (operation: string, extra: Partial<HistoryEntry> = {}, rsc = "vm"): HistoryEntry => ({ rsc, operation, ...extra });
const started: HistoryEntry[] = [op("start"), op("monitor", { intervalMs: 10_000 })];
const stopped: HistoryEntry = op("stop");
const migrateTo = (source: string, target: string, rc = 0): HistoryEntry => op("migrate_to", { rc, migrate: { source, target } });
const migrateFrom = (source: string, target: string, rc = 0): HistoryEntry => op("migrate_from", { rc, migrate: { source, target } });
const pendingMigrateTo = (source: string, target: string): HistoryEntry => op("migrate_to", { rc: 193, status: -1, migrate: { source, target } });
const probed = probedStopped("vm");
const node = (name: string, history: HistoryEntry[], extra: NodeOptions = {}): [string, NodeOptions] => [name, { history, ...extra }];
const REMOTE_AGENT = { class: "ocf", provider: "pacemaker", type: "remote" };
const remoteOp = (operation: string): HistoryEntry => ({ rsc: "remote1", operation, agent: REMOTE_AGENT });
const fencing = primitive("fence", { agent: { class: "stonith", type: "fence_dummy" } });

/** vm on n1 started a migration to n2 that recorded migrate_to only; n3 is a third node. */
function halfMigrated(extra: Partial<CibOptions> = {}, target: HistoryEntry[] = probed): CibOptions {
  return { nodes: [node("n1", [...started, migrateTo("n1", "n2")]), node("n2", target), "n3"], resources: [vm()], ...extra };
}

/** With fencing, n1 left (`state`) while migrating vm to n2; vm prefers n3. */
function leftWithPendingMigration(state: "lost" | "offline"): CibOptions {
  return {
    properties: { "stonith-enabled": "true" },
    nodes: [node("n1", [...started, pendingMigrateTo("n1", "n2")], { state }), node("n2", probed), "n3"],
    resources: [vm(), fencing], constraints: [location("l", "vm", "n3", "100"), location("f", "fence", "n2", "100")],
  };
}

export const MIGRATION_CASES: SemanticsCase[] = [
  {
    name: "allow-migrate moves a started resource by migrate_to and migrate_from",
    cite: "Migrating Resources: allow-migrate",
    cib: { nodes: [node("n1", started), node("n2", probed)], resources: [vm()], constraints: [location("l", "vm", "n2", "100")] },
    expect: ["* Migrate vm ( n1 -> n2 )"],
  },
  {
    name: "without allow-migrate the same move is a stop and a start",
    cite: "Migrating Resources: allow-migrate defaults to false",
    cib: { nodes: [node("n1", started), node("n2", probed)], resources: [primitive("vm", { ops: monitored })], constraints: [location("l", "vm", "n2", "100")] },
    expect: ["* Move vm ( n1 -> n2 )"],
  },
  {
    name: "a partial migration whose target is still best is finished there",
    cite: "Migrating Resources: migrate_to then migrate_from; the cluster completes a migration it began",
    cib: halfMigrated({ constraints: [location("l", "vm", "n2", "100")] }),
    expect: ["* Migrate vm ( n1 -> n2 )"],
  },
  {
    name: "a partial migration to a node no longer wanted stops both copies and starts on the best node",
    cite: "Migrating Resources; multiple-active: stop every copy first",
    cib: halfMigrated({ constraints: [location("l", "vm", "n3", "100")] }),
    expect: ["* Move vm ( n2 -> n3 )"],
  },
  {
    name: "a partial migration with no preference goes back to its source, stopped on both first",
    cite: "Migrating Resources; Resource Stickiness does not hold a resource active on two nodes",
    cib: halfMigrated({ rscDefaults: { "resource-stickiness": "100" } }),
    expect: ["* Move vm ( n2 -> n1 )"],
  },
  {
    name: "a partial migration of a resource to be stopped stops it on both nodes",
    cite: "Migrating Resources; target-role=Stopped",
    cib: { ...halfMigrated(), resources: [vm("vm", { "target-role": "Stopped" })] },
    expect: ["* Stop vm ( n2 ) due to node availability", "* Stop vm ( n1 ) due to node availability"],
  },
  {
    name: "a history trimmed to its last migrate_to still shows the resource running on the source",
    cite: "Migrating Resources: only a running resource migrates",
    cib: { nodes: [node("n1", [migrateTo("n1", "n2")]), node("n2", probed), "n3"], resources: [vm()], constraints: [location("l", "vm", "n2", "100")] },
    expect: ["* Migrate vm ( n1 -> n2 )"],
  },
  {
    name: "a migrate_to towards a node where the resource's state is unknown is left to the probe",
    cite: "Resource Discovery: a probe finds out where a resource runs",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2")]), "n2", "n3"], resources: [vm()] },
    expect: [],
  },
  {
    name: "a migrate_to towards a node that went offline is recovered in place, not migrated",
    cite: "Migrating Resources; Failure Response: recovery",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2")]), ["n2", { state: "offline" }], "n3"], resources: [vm()] },
    expect: ["* Recover vm ( n1 )"],
  },
  {
    name: "a migration that only lacks the source's stop leaves the resource on its target",
    cite: "Migrating Resources: the stop on the source completes a migration",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2")]), node("n2", [...probed, migrateFrom("n1", "n2"), op("monitor", { intervalMs: 10_000 })]), "n3"], resources: [vm()] },
    expect: [],
  },
  {
    name: "that unfinished source stop is done before the resource moves on, by stop and start",
    cite: "Migrating Resources",
    cib: {
      nodes: [node("n1", [...started, migrateTo("n1", "n2")]), node("n2", [...probed, migrateFrom("n1", "n2")]), "n3"],
      resources: [vm()], constraints: [location("l", "vm", "n3", "100")],
    },
    expect: ["* Move vm ( n2 -> n3 )"],
  },
  {
    name: "a failed migrate_from fails the resource on both nodes: both stop, it recovers on the target",
    cite: "Failure Response: a failed action is recovered (stop, then start)",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2")]), node("n2", [...probed, migrateFrom("n1", "n2", 1)]), "n3"], resources: [vm()] },
    expect: ["* Recover vm ( n2 )"],
  },
  {
    name: "after a failed migrate_from the target was stopped: the source's copy recovers",
    cite: "Failure Response",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2")]), node("n2", [...probed, migrateFrom("n1", "n2", 1), stopped]), "n3"], resources: [vm()] },
    expect: ["* Recover vm ( n1 )"],
  },
  {
    name: "a failed migrate_to may have reached the target: both copies stop, it recovers there",
    cite: "Failure Response",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2", 1)]), node("n2", probed), "n3"], resources: [vm()] },
    expect: ["* Recover vm ( n2 )"],
  },
  {
    name: "a failed migrate_to with the source stopped since: the target copy is started",
    cite: "Failure Response",
    cib: { nodes: [node("n1", [...started, migrateTo("n1", "n2", 1), stopped]), node("n2", probed), "n3"], resources: [vm()] },
    expect: ["* Restart vm ( n2 )"],
  },
  {
    name: "migration-threshold after a failed migration moves the resource off the failed node",
    cite: "Failure Response: migration-threshold",
    cib: {
      nodes: [node("n1", [...started, migrateTo("n1", "n2")], { transient: { "fail-count-vm#migrate_to_0": "1" } }), node("n2", [...probed, migrateFrom("n1", "n2", 1), stopped]), "n3"],
      resources: [vm("vm", { "migration-threshold": "1" })], constraints: [location("l", "vm", "n2", "50")],
    },
    expect: ["* Recover vm ( n1 -> n2 )"],
  },
  {
    name: "a pending migrate_to on a lost node: fence it, stop the target's copy too, start elsewhere",
    cite: "Fencing: a node that leaves uncleanly; Migrating Resources",
    cib: leftWithPendingMigration("lost"),
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'", "* Move vm ( n1 -> n3 )", "* Start fence ( n2 )"],
  },
  {
    name: "a node that left with a migration pending is fenced: its history shows the resource active",
    cite: "Fencing: a resource thought active on a node that left is made safe by fencing the node",
    cib: leftWithPendingMigration("offline"),
    expect: ["* Fence (reboot) n1 'vm is thought to be active there'", "* Move vm ( n1 -> n3 )", "* Start fence ( n2 )"],
  },
  {
    name: "a migratable resource on a lost node is not migrated: the node is fenced, the resource started elsewhere",
    cite: "Migrating Resources: both nodes must be up; Fencing",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [node("n1", started, { state: "lost" }), node("n2", probed)],
      resources: [vm(), fencing], constraints: [location("f", "fence", "n2", "100")],
    },
    expect: ["* Fence (reboot) n1 'peer is no longer part of the cluster'", "* Move vm ( n1 -> n2 )", "* Start fence ( n2 )"],
  },
  {
    name: "a migratable resource ordered after one that moves by stop and start cannot migrate",
    cite: "Migrating Resources; Ordering Constraints: then starts after first starts, stops before first stops",
    cib: {
      nodes: [node("n1", [...started, op("start", {}, "a")]), node("n2", [...probed, ...probedStopped("a")])],
      resources: [primitive("a"), vm()],
      constraints: [order("o", "a", "vm"), location("la", "a", "n2", "INFINITY"), location("lv", "vm", "n2", "INFINITY")],
    },
    expect: ["* Move a ( n1 -> n2 )", "* Move vm ( n1 -> n2 ) due to unrunnable a stop"],
  },
  {
    name: "two migratable resources ordered one after the other both migrate",
    cite: "Migrating Resources; Ordering Constraints",
    cib: {
      nodes: [node("n1", [...started, op("start", {}, "b")]), node("n2", [...probed, ...probedStopped("b")])],
      resources: [vm(), vm("b")],
      constraints: [order("o", "vm", "b"), location("la", "vm", "n2", "100"), location("lb", "b", "n2", "100")],
    },
    expect: ["* Migrate vm ( n1 -> n2 )", "* Migrate b ( n1 -> n2 )"],
  },
  {
    name: "a remote connection's partial migration is finished on its target when scores tie",
    cite: "Pacemaker Remote: connection resources can be migrated; Migrating Resources",
    cib: {
      nodes: [
        node("n1", [remoteOp("start"), { ...remoteOp("migrate_to"), migrate: { source: "n1", target: "n2" } }]),
        node("n2", [{ ...remoteOp("monitor"), rc: 7, expected: 7 }]), "n3", ["remote1", { remote: true }],
      ],
      resources: [primitive("remote1", { agent: REMOTE_AGENT })],
    },
    expect: ["* Migrate remote1 ( n1 -> n2 )"],
  },
  {
    name: "a remote connection's partial migration target wins a tie even where more is assigned",
    cite: "Pacemaker Remote: connection resources can be migrated; Migrating Resources",
    cib: {
      nodes: [
        node("n1", [remoteOp("start"), { ...remoteOp("migrate_to"), migrate: { source: "n1", target: "n2" } }]),
        node("n2", [{ ...remoteOp("start"), rsc: "remote0" }, { ...remoteOp("monitor"), rc: 7, expected: 7 }]), "n3",
        ["remote0", { remote: true }], ["remote1", { remote: true }],
      ],
      resources: [primitive("remote0", { agent: REMOTE_AGENT }), primitive("remote1", { agent: REMOTE_AGENT })],
    },
    expect: ["* Migrate remote1 ( n1 -> n2 )"],
  },
  {
    name: "a remote connection resource migrates without allow-migrate",
    cite: "Pacemaker Remote: connection resources can be migrated",
    cib: {
      nodes: [node("n1", [remoteOp("start")]), node("n2", [{ ...remoteOp("monitor"), rc: 7, expected: 7 }]), ["remote1", { remote: true }]],
      resources: [primitive("remote1", { agent: REMOTE_AGENT })],
      constraints: [location("l", "remote1", "n2", "100")],
    },
    expect: ["* Migrate remote1 ( n1 -> n2 )"],
  },
];
