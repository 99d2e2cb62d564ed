// Rules of Pacemaker Remote (the "Pacemaker Remote" document: remote nodes, guest
// nodes, their connection resources and their fencing) and of resource-discovery
// (Pacemaker Explained, "Location Constraints"), each on a CIB written for it.
// Run by rules.test.ts with the other semantics cases (ours and crm_simulate's).
import { location, primitive, running, type HistoryEntry, type NodeOptions, type PrimitiveOptions } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const REMOTE_AGENT = { class: "ocf", provider: "pacemaker", type: "remote" };
const STONITH_AGENT = { class: "stonith", type: "fence_dummy" };
const connection = (id: string, options: PrimitiveOptions = {}): ReturnType<typeof primitive> =>
  primitive(id, { ...options, agent: REMOTE_AGENT, ops: [{ name: "monitor", interval: "60s" }] });
const connected = (id: string): HistoryEntry[] => running(id).map((e) => ({ ...e, agent: REMOTE_AGENT }));
const fenceDevice = primitive("fence", { agent: STONITH_AGENT });
const fenceRunning: HistoryEntry[] = running("fence").map((e) => ({ ...e, agent: STONITH_AGENT }));
const remoteNode = (name: string, history: HistoryEntry[] = []): [string, NodeOptions] => [name, { remote: true, history }];
const UNUSABLE_SCORES = "unusable nodes score -INFINITY; crm_simulate keeps their score (0) and just does not use them";

export const REMOTE_CASES: SemanticsCase[] = [
  {
    name: "a remote node hosts resources while its connection runs",
    cite: "Pacemaker Remote: remote nodes are named after their ocf:pacemaker:remote resource",
    cib: {
      nodes: [["n1", { history: connected("remote1") }], remoteNode("remote1")],
      resources: [connection("remote1"), primitive("a")],
      constraints: [location("prefer-remote", "a", "remote1", "100")],
    },
    expect: ["* Start a ( remote1 )"],
  },
  {
    name: "a remote node whose connection is stopped hosts nothing",
    cite: "Pacemaker Remote: a remote node is available only through its connection resource",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      nodes: ["n1", remoteNode("remote1")],
      resources: [connection("remote1", { meta: { "target-role": "Stopped" } }), primitive("a")],
      constraints: [location("prefer-remote", "a", "remote1", "100")],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "a remote node can take resources in the transition that starts its connection",
    cite: "Pacemaker Remote: the connection starts, then the remote node runs resources",
    cib: {
      nodes: ["n1", remoteNode("remote1")],
      resources: [connection("remote1"), primitive("a")],
      constraints: [location("prefer-remote", "a", "remote1", "100")],
    },
    expect: ["* Start remote1 ( n1 )", "* Start a ( remote1 )"],
  },
  {
    name: "fencing devices never run on a remote node",
    cite: "Pacemaker Remote: remote nodes do not run fencing devices or connection resources",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { history: connected("remote1") }], remoteNode("remote1")],
      resources: [connection("remote1"), fenceDevice],
      constraints: [location("fence-on-remote", "fence", "remote1", "100")],
    },
    expect: ["* Start fence ( n1 )"],
  },
  {
    name: "a failed connection fences the remote node and is recovered",
    cite: "Pacemaker Remote: a failed connection leaves the remote node's state unknown, so it is fenced",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [
        ["n1", { history: [...connected("remote1"), { rsc: "remote1", operation: "monitor", intervalMs: 60000, rc: 1, agent: REMOTE_AGENT }, ...fenceRunning] }],
        remoteNode("remote1"),
      ],
      resources: [connection("remote1"), fenceDevice],
    },
    expect: ["* Fence (reboot) remote1 'remote connection is unrecoverable'", "* Recover remote1 ( n1 )"],
  },
  {
    name: "a connection that can run nowhere fences a remote node with active resources",
    cite: "Pacemaker Remote: resources on a remote node whose connection cannot be recovered are stopped by fencing it",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [
        ["n1", { state: "lost", history: connected("remote1") }],
        ["n2", { history: fenceRunning }],
        remoteNode("remote1", running("a")),
      ],
      resources: [connection("remote1"), fenceDevice, primitive("a")],
      constraints: [location("not-n2", "remote1", "n2", "-INFINITY")],
    },
    expect: [
      "* Fence (reboot) remote1 'resources are active but connection is unrecoverable'",
      "* Fence (reboot) n1 'peer is no longer part of the cluster'",
      "* Stop remote1 ( n1 ) due to node availability",
      "* Move a ( remote1 -> n2 )",
    ],
  },
  {
    name: "a guest node's implicit connection starts with its container",
    cite: "Pacemaker Remote: the remote-node meta-attribute makes a resource a guest node",
    cib: {
      nodes: [["n1", { history: running("vm") }]],
      resources: [primitive("vm", { meta: { "remote-node": "guest1" } }), primitive("a")],
      constraints: [location("prefer-guest", "a", "guest1", "100")],
    },
    expect: ["* Start a ( guest1 )", "* Start guest1 ( n1 )"],
  },
  {
    name: "a failed container fences its guest node and recovers what runs there",
    cite: "Pacemaker Remote: a guest node is fenced by recovering its container",
    cib: {
      rscDefaults: { "resource-stickiness": "100" },
      nodes: [
        ["n1", { history: [...running("vm"), { rsc: "vm", operation: "monitor", intervalMs: 10000, rc: 1 }, ...connected("guest1")] }],
        ["guest1", { remote: true, history: running("a") }],
      ],
      resources: [primitive("vm", { meta: { "remote-node": "guest1" }, ops: [{ name: "monitor", interval: "10s" }] }), primitive("a")],
    },
    expect: [
      "* Fence (reboot) guest1 (resource: vm) 'guest is unclean'",
      "* Recover vm ( n1 )",
      "* Recover a ( guest1 )",
      "* Restart guest1 ( n1 ) due to required vm start",
    ],
  },
  {
    name: "resource-discovery=exclusive keeps a resource to the nodes its locations name",
    cite: "Location Constraints: resource-discovery=exclusive",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      nodes: ["n1", "n2", "n3"],
      resources: [primitive("a")],
      constraints: [location("only-n2", "a", "n2", "0", { "resource-discovery": "exclusive" })],
    },
    expect: ["* Start a ( n2 )"],
  },
];
