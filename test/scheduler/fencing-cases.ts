// Fencing, unfencing and quorum (Pacemaker Explained 2.1: "Fencing", "Unfencing",
// "Cluster Options": no-quorum-policy, stonith-enabled, startup-fencing,
// concurrent-fencing; resource meta-attribute "requires"), each as a small CIB with
// the Transition Summary and the graph edges the documentation implies.
import { clone, group, location, primitive, probedStopped, running, type CibOptions, type HistoryEntry, type PrimitiveOptions } from "./cib-builder.js";

import { opDigest } from "../../src/executor/index.js";

export interface FencingCase {
  name: string;
  cite: string;
  cib: CibOptions;
  /** Normalised summary lines, in our order. */
  expect: string[];
  /** Graph edges ("before -> after" in the dot file's labels) that must be there. */
  edges?: string[];
  /** Our graph differs from crm_simulate's here (not a fencing matter): why. */
  graphTodo?: string;
}

const FENCE_AGENT = { class: "stonith", type: "fence_dummy" };
const device = (id = "fence", options: PrimitiveOptions = {}): ReturnType<typeof primitive> => primitive(id, { agent: FENCE_AGENT, ...options });
const deviceRunning = (id = "fence", params?: Record<string, string>): HistoryEntry[] =>
  running(id).map((e) => ({ ...e, agent: FENCE_AGENT, ...(params === undefined ? {} : { params }) }));
const deviceProbed = (id = "fence"): HistoryEntry[] => probedStopped(id).map((e) => ({ ...e, agent: FENCE_AGENT }));
const probed = (...ids: string[]): HistoryEntry[] => ids.flatMap(probedStopped);

const FENCING = { "stonith-enabled": "true" };
const SUICIDE = { ...FENCING, "no-quorum-policy": "suicide" };
/** The cluster had quorum before (the controller records no-quorum-panic then). */
const HAD_QUORUM = { "no-quorum-panic": "1" };
const UNFENCED = { "#node-unfenced": "1700000000" };
const PROVIDES_UNFENCING = { meta: { provides: "unfencing" } };

const edge = (before: string, after: string): string => `"${before}" -> "${after}" [ style = bold]`;

export const FENCING_CASES: FencingCase[] = [
  {
    name: "no-quorum-policy=suicide fences every node of the partition, the controller's node last, one at a time",
    cite: "Cluster Options: no-quorum-policy=suicide, concurrent-fencing (default false)",
    cib: { properties: SUICIDE, quorum: false, cibAttributes: HAD_QUORUM, nodes: ["n1", "n2", "n3"], resources: [device()] },
    expect: [
      "* Fence (reboot) n1 'cluster does not have quorum'",
      "* Fence (reboot) n2 'cluster does not have quorum'",
      "* Fence (reboot) n3 'cluster does not have quorum'",
    ],
    edges: [edge("stonith 'reboot' n2", "stonith 'reboot' n3"), edge("stonith 'reboot' n3", "stonith 'reboot' n1")],
  },
  {
    name: "with concurrent-fencing the fencing actions run together, the controller's node still last",
    cite: "Cluster Options: concurrent-fencing",
    cib: { properties: { ...SUICIDE, "concurrent-fencing": "true" }, quorum: false, cibAttributes: HAD_QUORUM, nodes: ["n1", "n2", "n3"], resources: [device()] },
    expect: [
      "* Fence (reboot) n1 'cluster does not have quorum'",
      "* Fence (reboot) n2 'cluster does not have quorum'",
      "* Fence (reboot) n3 'cluster does not have quorum'",
    ],
    edges: [edge("stonith 'reboot' n2", "stonith 'reboot' n1"), edge("stonith 'reboot' n3", "stonith 'reboot' n1")],
  },
  {
    name: "suicide fences only the partition's online nodes; their resources stop with them, a lost node is left alone",
    cite: "Cluster Options: no-quorum-policy=suicide; Fencing: stops implied by fencing",
    cib: {
      properties: SUICIDE, quorum: false, cibAttributes: HAD_QUORUM,
      nodes: [
        ["n1", { history: [...deviceRunning(), ...probed("a"), ...running("b")] }],
        ["n2", { history: [...deviceProbed(), ...running("a"), ...probed("b")] }],
        ["n3", { state: "offline" }],
        ["n4", { state: "lost", history: [...deviceProbed(), ...probed("a", "b")] }],
      ],
      resources: [device(), primitive("a"), primitive("b")],
    },
    expect: [
      "* Fence (reboot) n1 'cluster does not have quorum'",
      "* Fence (reboot) n2 'cluster does not have quorum'",
      "* Stop fence ( n1 ) due to node availability",
      "* Stop a ( n2 ) due to node availability",
      "* Stop b ( n1 ) due to node availability",
    ],
    edges: [edge("stonith 'reboot' n1", "b_stop_0 n1"), edge("stonith 'reboot' n2", "a_stop_0 n2")],
  },
  {
    name: "suicide in a cluster that never had quorum acts as stop",
    cite: "Cluster Options: no-quorum-policy (suicide needs a cluster that had quorum)",
    cib: { properties: SUICIDE, quorum: false, nodes: ["n1", "n2"], resources: [device(), primitive("a")] },
    expect: ["* Start fence ( n1 ) due to no quorum (blocked)", "* Start a ( n2 ) due to no quorum (blocked)"],
  },
  {
    name: "suicide without fencing acts as stop",
    cite: "Cluster Options: no-quorum-policy=suicide needs stonith-enabled",
    cib: { properties: { "no-quorum-policy": "suicide" }, quorum: false, cibAttributes: HAD_QUORUM, nodes: ["n1", "n2"], resources: [primitive("a")] },
    expect: ["* Start a ( n1 ) due to no quorum (blocked)"],
  },
  {
    name: "without quorum a fencing device stops like any resource that requires quorum; requires=nothing keeps running",
    cite: "Resource meta-attributes: requires (quorum for fencing devices, nothing)",
    cib: {
      properties: FENCING, quorum: false,
      nodes: [["n1", { history: [...deviceRunning(), ...running("a"), ...probed("b")] }], ["n2", { history: [...deviceProbed(), ...probed("a"), ...running("b")] }]],
      resources: [device(), primitive("a", { meta: { requires: "nothing", "resource-stickiness": "100" } }), primitive("b")],
    },
    expect: ["* Stop fence ( n1 ) due to no quorum", "* Stop b ( n2 ) due to no quorum"],
  },
  {
    name: "without quorum a lost node cannot be fenced, so what ran there cannot be stopped (no-quorum-policy=stop)",
    cite: "Fencing needs quorum; Cluster Options: no-quorum-policy; Resource meta-attributes: requires",
    cib: {
      properties: FENCING, quorum: false,
      nodes: [["n1", { history: [...deviceRunning(), ...probed("a", "b")] }], ["n2", { state: "lost", history: [...deviceProbed(), ...running("a"), ...running("b")] }], ["n3", { history: [...deviceProbed(), ...probed("a", "b")] }]],
      resources: [device(), primitive("a"), primitive("b", { meta: { requires: "nothing" } })],
    },
    expect: ["* Stop fence ( n1 ) due to no quorum", "* Stop a ( n2 ) due to no quorum (blocked)", "* Stop b ( n2 ) blocked"],
  },
  {
    name: "without quorum a lost node cannot be fenced, so what ran there cannot be stopped (no-quorum-policy=freeze)",
    cite: "Fencing needs quorum; Cluster Options: no-quorum-policy=freeze",
    cib: {
      properties: { ...FENCING, "no-quorum-policy": "freeze" }, quorum: false,
      nodes: [["n1", { history: [...deviceRunning(), ...probed("a", "b")] }], ["n2", { state: "lost", history: [...deviceProbed(), ...running("a"), ...running("b")] }], ["n3", { history: [...deviceProbed(), ...probed("a", "b")] }]],
      resources: [device(), primitive("a"), primitive("b", { meta: { requires: "nothing" } })],
    },
    expect: ["* Stop a ( n2 ) blocked", "* Stop b ( n2 ) blocked"],
  },
  {
    name: "without quorum a lost node cannot be fenced: a device placed elsewhere, a device placed nowhere and a clone instance left over all keep running there",
    cite: "Fencing needs quorum; Cluster Options: no-quorum-policy=freeze; Clone Options: clone-max (one instance per usable node)",
    cib: {
      properties: { ...FENCING, "no-quorum-policy": "freeze" }, quorum: false,
      nodes: [
        ["n1", { history: [...deviceProbed("f1"), ...deviceProbed("f2"), ...running("c:1")] }],
        ["n2", { state: "lost", history: [...deviceRunning("f1"), ...deviceRunning("f2"), ...running("c:0")] }],
        ["n3", { history: [...deviceProbed("f1"), ...deviceProbed("f2"), ...running("c:2")] }],
      ],
      resources: [device("f1"), device("f2"), clone("cl", primitive("c"))],
      constraints: [location("f2-not-n1", "f2", "n1", "-INFINITY"), location("f2-not-n3", "f2", "n3", "-INFINITY")],
    },
    expect: ["* Stop f1 ( n2 ) blocked", "* Stop f2 ( n2 ) due to node availability (blocked)", "* Stop c:1 ( n2 ) due to node availability (blocked)"],
  },
  {
    name: "no-quorum-policy=freeze promotes no instance, even when the promoted one is on a lost node",
    cite: "Cluster Options: no-quorum-policy=freeze (roles stay as they are); Promotable Clones",
    cib: {
      properties: { ...FENCING, "no-quorum-policy": "freeze" }, quorum: false,
      nodes: [
        ["n1", { transient: { "master-s": "5" }, history: [...deviceRunning(), ...running("s:1")] }],
        ["n2", { state: "lost", history: [...deviceProbed(), ...running("s:0", true)] }],
        ["n3", { transient: { "master-s": "5" }, history: [...deviceProbed(), ...running("s:2")] }],
      ],
      resources: [device(), clone("ms", primitive("s"), { promotable: "true" })],
    },
    expect: ["* Stop s:1 ( Promoted n2 ) due to node availability (blocked)"],
  },
  {
    name: "without quorum a node still in this partition's membership is fenced; one outside it is not",
    cite: "Fencing; Cluster Options: no-quorum-policy",
    cib: {
      properties: FENCING, quorum: false,
      nodes: [
        ["n1", { history: [...deviceProbed(), ...probed("a")] }],
        ["crashed", { membership: { in_ccm: "true", crmd: "offline", join: "member", expected: "member" }, history: [...deviceProbed(), ...probed("a")] }],
        ["left", { membership: { in_ccm: "false", crmd: "offline", join: "member", expected: "member" }, history: [...deviceProbed(), ...probed("a")] }],
      ],
      resources: [device(), primitive("a")],
    },
    expect: ["* Fence (reboot) crashed 'peer process is no longer available'", "* Start fence ( n1 ) due to no quorum (blocked)", "* Start a ( n1 ) due to no quorum (blocked)"],
  },
  {
    name: "a clone instance whose failed stop fences its node stops with it; a free instance starts in its place",
    cite: "Operation properties: on-fail (stop defaults to fence); Clones",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { history: [...deviceRunning(), ...probed("c")] }],
        ["n2", { history: [...deviceProbed(), { rsc: "c", operation: "start" }, { rsc: "c", operation: "stop", rc: 1 }] }],
      ],
      resources: [device(), clone("cl", primitive("c"))],
    },
    expect: ["* Fence (reboot) n2 'c:0 failed there'", "* Stop c:0 ( n2 ) due to node availability", "* Start c:1 ( n1 )"],
  },
  {
    name: "a device active on two nodes, one of them fenced: the fencing stops that copy and the other stays",
    cite: "Fencing; Resource meta-attributes: multiple-active",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { history: [...deviceProbed(), ...probed("a")] }],
        ["n2", { history: [...deviceRunning(), { rsc: "a", operation: "start" }, { rsc: "a", operation: "stop", rc: 1 }] }],
        ["n3", { history: [...deviceRunning(), ...probed("a")] }],
      ],
      resources: [device(), primitive("a", { meta: { "resource-stickiness": "1" } })],
      constraints: [location("a-not-n1", "a", "n1", "-INFINITY"), location("a-not-n3", "a", "n3", "-INFINITY")],
    },
    expect: ["* Fence (reboot) n2 'a failed there'", "* Stop a ( n2 ) due to node availability"],
  },
  {
    name: "a probe that finds the agent not installed leaves the resource stopped and bans that node",
    cite: "Failure Response (hard errors: not installed); Resource Discovery",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "monitor", rc: 5, expected: 7 }] }], ["n2", { history: probed("a") }]],
      resources: [primitive("a")],
      constraints: [location("prefers-n1", "a", "n1", "100")],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "lost nodes are fenced one after another; starts wait per requires (fencing always, quorum when the state there is unknown, nothing never)",
    cite: "Fencing; Resource meta-attributes: requires",
    cib: {
      properties: FENCING,
      nodes: ["n1", ["n2", { state: "lost" }], ["n3", { state: "lost", history: [...deviceProbed("f2"), ...probed("b")] }]],
      resources: [device("f1"), device("f2"), primitive("a", { meta: { requires: "nothing" } }), primitive("b", { meta: { requires: "quorum" } }), primitive("c")],
    },
    expect: [
      "* Fence (reboot) n2 'peer is no longer part of the cluster'",
      "* Fence (reboot) n3 'peer is no longer part of the cluster'",
      "* Start f1 ( n1 )",
      "* Start f2 ( n1 )",
      "* Start a ( n1 )",
      "* Start b ( n1 )",
      "* Start c ( n1 )",
    ],
    edges: [
      edge("stonith 'reboot' n2", "stonith 'reboot' n3"),
      edge("stonith 'reboot' n2", "f1_start_0 n1"), edge("stonith 'reboot' n3", "f1_start_0 n1"),
      edge("stonith 'reboot' n2", "b_start_0 n1"), edge("stonith 'reboot' n2", "c_start_0 n1"), edge("stonith 'reboot' n3", "c_start_0 n1"),
    ],
  },
  {
    name: "what ran on a fenced node stops by the fencing itself; only what requires fencing waits for it",
    cite: "Fencing: a fenced node's resources are stopped by the fencing",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { history: [...deviceRunning(), ...probed("a", "b")] }],
        ["n2", { state: "lost", history: [...deviceProbed(), ...running("a"), ...running("b")] }],
      ],
      resources: [device(), primitive("a"), primitive("b", { meta: { requires: "quorum" } })],
    },
    expect: ["* Fence (reboot) n2 'peer is no longer part of the cluster'", "* Move a ( n2 -> n1 )", "* Move b ( n2 -> n1 )"],
    edges: [edge("stonith 'reboot' n2", "a_stop_0 n2"), edge("a_stop_0 n2", "a_start_0 n1"), edge("b_stop_0 n2", "b_start_0 n1")],
  },
  {
    name: "a group on a fenced node: its stop phase opens after the fencing, its members' stops are implied",
    cite: "Fencing; Groups",
    cib: {
      properties: FENCING,
      nodes: [["n1", { history: [...deviceRunning(), ...probed("x", "y")] }], ["n2", { state: "lost", history: [...deviceProbed(), ...running("x"), ...running("y")] }]],
      resources: [device(), group("g", [primitive("x"), primitive("y")])],
    },
    expect: ["* Fence (reboot) n2 'peer is no longer part of the cluster'", "* Move x ( n2 -> n1 )", "* Move y ( n2 -> n1 )"],
    edges: [edge("stonith 'reboot' n2", "g_stop_0"), edge("stonith 'reboot' n2", "x_stop_0 n2")],
  },
  {
    name: "startup-fencing fences a node the cluster has never seen",
    cite: "Cluster Options: startup-fencing",
    cib: { properties: FENCING, nodes: [["n1", { history: [...deviceProbed(), ...probed("a")] }], ["n2", { state: "unseen" }]], resources: [device(), primitive("a")] },
    expect: ["* Fence (reboot) n2 'node is unclean'", "* Start fence ( n1 )", "* Start a ( n1 )"],
    edges: [edge("stonith 'reboot' n2", "a_start_0 n1"), edge("stonith 'reboot' n2", "fence_start_0 n1")],
  },
  {
    name: "startup-fencing=false trusts a never-seen node to be down",
    cite: "Cluster Options: startup-fencing",
    cib: { properties: { ...FENCING, "startup-fencing": "false" }, nodes: [["n1", { history: [...deviceProbed(), ...probed("a")] }], ["n2", { state: "unseen" }]], resources: [device(), primitive("a")] },
    expect: ["* Start fence ( n1 )", "* Start a ( n1 )"],
  },
  {
    name: "stonith-enabled=false: a lost node is not fenced; what ran there counts as stopped and starts elsewhere",
    cite: "Cluster Options: stonith-enabled",
    cib: { nodes: [["n1", { history: probed("a") }], ["n2", { state: "lost", history: running("a") }]], resources: [primitive("a")] },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "membership: each way a node can be seen as failed is fenced with its own reason; a joining or cleanly leaving node is not",
    cite: "Fencing; node_state membership (in_ccm, crmd, join, expected)",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { history: [...deviceRunning(), ...probed("a")] }],
        ["unseen", { membership: { crmd: "offline", join: "down" } }],
        ["banned", { membership: { in_ccm: "true", crmd: "online", join: "banned" } }],
        ["left", { membership: { in_ccm: "false", crmd: "offline", join: "member", expected: "member" } }],
        ["crashed", { membership: { in_ccm: "true", crmd: "offline", join: "member", expected: "member" } }],
        ["odd", { membership: { in_ccm: "true", crmd: "online", join: "nack", expected: "member" } }],
        ["stopped", { membership: { in_ccm: "false", crmd: "offline", join: "down", expected: "down" } }],
        ["booting", { membership: { in_ccm: "false", crmd: "online", join: "down" } }],
      ],
      resources: [device(), primitive("a")],
    },
    expect: [
      "* Fence (reboot) unseen 'peer has not been seen by the cluster'",
      "* Fence (reboot) banned 'peer failed Pacemaker membership criteria'",
      "* Fence (reboot) left 'peer is no longer part of the cluster'",
      "* Fence (reboot) crashed 'peer process is no longer available'",
      "* Fence (reboot) odd 'peer was in an unknown state'",
      "* Start a ( n1 )",
    ],
  },
  {
    name: "a node in the membership that has not joined yet (pending) must be probed first: starts wait, blocked",
    cite: "Resource Discovery; node_state membership",
    cib: {
      properties: FENCING,
      nodes: [["n1", { history: [...deviceProbed(), ...probed("b")] }], ["n2", { membership: { in_ccm: "true", crmd: "online", join: "down" }, history: [...deviceProbed(), ...probed("b")] }]],
      resources: [device(), primitive("a"), primitive("b")],
    },
    expect: ["* Start fence ( n1 )", "* Start a ( n1 ) blocked", "* Start b ( n1 )"],
  },
  {
    name: "fencing enabled without any fencing device (nor watchdog): the cluster does nothing at all",
    cite: "Cluster Options: stonith-enabled (resources cannot start without a way to fence)",
    cib: {
      properties: FENCING,
      nodes: [["n1", { history: [...running("a"), ...running("b")] }], ["n2", { state: "lost", history: running("c") }]],
      resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b"), primitive("c"), primitive("d")],
    },
    expect: [],
  },
  {
    name: "a watchdog (have-watchdog) is a way to fence: the lost node is fenced and its resources recovered",
    cite: "Cluster Options: stonith-enabled, have-watchdog",
    cib: { properties: { ...FENCING, "have-watchdog": "true" }, nodes: ["n1", ["n2", { state: "lost", history: running("b") }]], resources: [primitive("a"), primitive("b")] },
    expect: ["* Fence (reboot) n2 'peer is no longer part of the cluster'", "* Start a ( n1 )", "* Move b ( n2 -> n1 )"],
  },
  {
    name: "a device with provides=unfencing unfences every node before anything is probed there",
    cite: "Unfencing: provides=unfencing",
    cib: { properties: FENCING, nodes: ["n1", "n2"], resources: [device("fence", PROVIDES_UNFENCING), primitive("a")] },
    expect: [
      "* Fence (on) n1 'required by fence monitor'",
      "* Fence (on) n2 'required by fence monitor'",
      "* Start fence ( n1 )",
      "* Start a ( n2 )",
    ],
    edges: [
      edge("stonith 'on' n1", "fence_monitor_0 n1"), edge("stonith 'on' n1", "a_monitor_0 n1"), edge("stonith 'on' n1", "fence_start_0 n1"),
      edge("stonith 'on' n2", "a_monitor_0 n2"), edge("stonith 'on' n2", "a_start_0 n2"),
    ],
  },
  {
    name: "a node already unfenced (#node-unfenced) is not unfenced again; the first action that needs it names the reason",
    cite: "Unfencing",
    cib: {
      properties: FENCING,
      nodes: [["n1", { transient: UNFENCED, history: [...deviceRunning(), ...probed("a")] }], ["n2", { history: [...deviceProbed(), ...probed("a")] }]],
      resources: [device("fence", PROVIDES_UNFENCING), primitive("a"), primitive("b")],
    },
    expect: ["* Fence (on) n2 'required by b monitor'", "* Start a ( n2 )", "* Start b ( n1 )"],
    edges: [edge("stonith 'on' n2", "b_monitor_0 n2"), edge("stonith 'on' n2", "a_start_0 n2")],
  },
  {
    name: "requires=unfencing on a resource turns unfencing on; whatever requires fencing then waits for it",
    cite: "Resource meta-attributes: requires=unfencing; Unfencing",
    cib: {
      properties: FENCING,
      nodes: [["n1", { transient: UNFENCED, history: [...deviceProbed(), ...probed("a", "b")] }], ["n2", { history: [...deviceProbed(), ...probed("a", "b")] }]],
      resources: [device(), primitive("a", { meta: { requires: "unfencing" } }), primitive("b")],
      constraints: [location("a-not-n2", "a", "n2", "-INFINITY"), location("b-not-n1", "b", "n1", "-INFINITY")],
    },
    expect: ["* Fence (on) n2 'required by b start'", "* Start fence ( n1 )", "* Start a ( n1 )", "* Start b ( n2 )"],
    edges: [edge("stonith 'on' n2", "b_start_0 n2")],
  },
  {
    name: "what already runs on a node that was never unfenced restarts behind the unfencing",
    cite: "Unfencing",
    cib: {
      properties: FENCING,
      nodes: [["n1", { transient: UNFENCED, history: [...deviceProbed(), ...probed("a", "b")] }], ["n2", { history: [...deviceProbed(), ...probed("a"), ...running("b")] }]],
      resources: [device(), primitive("a", { meta: { requires: "unfencing" } }), primitive("b")],
      constraints: [location("a-not-n2", "a", "n2", "-INFINITY")],
    },
    expect: ["* Fence (on) n2 'required by b start'", "* Start fence ( n1 )", "* Start a ( n1 )", "* Restart b ( n2 ) due to required stonith"],
    edges: [edge("b_stop_0 n2", "stonith 'on' n2"), edge("stonith 'on' n2", "b_start_0 n2")],
  },
  {
    name: "changing a device's parameters unfences its node again",
    cite: "Unfencing: a changed device definition",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { transient: UNFENCED, history: [...deviceProbed(), ...probed("a")] }],
        ["n2", { transient: UNFENCED, history: [...deviceRunning("fence", { devices: "/dev/old" }), ...probed("a")] }],
      ],
      resources: [device("fence", { ...PROVIDES_UNFENCING, params: { devices: "/dev/new" } }), primitive("a")],
    },
    expect: ["* Fence (on) n2 'Device parameters changed'", "* Restart fence ( n2 ) due to resource definition change", "* Start a ( n1 )"],
    edges: [edge("stonith 'on' n2", "fence_start_0 n2")],
  },
  {
    name: "a node unfenced under other device parameters (#digests-all) is unfenced again, in the graph only, and the device restarts",
    cite: "Unfencing: a changed device definition",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { transient: UNFENCED, history: [...deviceProbed(), ...probed("a")] }],
        ["n2", { transient: { ...UNFENCED, "#digests-all": "fence:fence_dummy:00000000000000000000000000000000," }, history: [...deviceRunning("fence", { devices: "/dev/x" }), ...probed("a")] }],
      ],
      resources: [device("fence", { ...PROVIDES_UNFENCING, params: { devices: "/dev/x" } }), primitive("a")],
    },
    expect: ["* Restart fence ( n2 ) due to required stonith", "* Start a ( n1 )"],
    edges: [edge("stonith 'on' n2", "fence_start_0 n2")],
  },
  {
    name: "a node whose #digests-all records the device as it is now is left alone",
    cite: "Unfencing",
    cib: {
      properties: FENCING,
      nodes: [
        ["n1", { transient: UNFENCED, history: [...deviceProbed(), ...probed("a")] }],
        ["n2", { transient: { ...UNFENCED, "#digests-all": `fence:fence_dummy:${opDigest({ devices: "/dev/x" })},` }, history: [...deviceRunning("fence", { devices: "/dev/x" }), ...probed("a")] }],
      ],
      resources: [device("fence", { ...PROVIDES_UNFENCING, params: { devices: "/dev/x" } }), primitive("a")],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "no unfencing without fencing enabled, nor where nothing needs it",
    cite: "Unfencing; Resource meta-attributes: requires=quorum",
    cib: {
      properties: FENCING,
      nodes: [["n1", { transient: UNFENCED, history: [...deviceProbed(), ...probed("a")] }], ["n2", { history: [...deviceProbed(), ...probed("a")] }]],
      resources: [device("fence", PROVIDES_UNFENCING), primitive("a", { meta: { requires: "quorum" } })],
      constraints: [location("fence-not-n2", "fence", "n2", "-INFINITY"), location("a-not-n1", "a", "n1", "-INFINITY")],
    },
    expect: ["* Start fence ( n1 )", "* Start a ( n2 )"],
  },
  {
    name: "a lost node is fenced (reboot) rather than unfenced; an offline node is neither",
    cite: "Unfencing; Fencing",
    cib: { properties: FENCING, nodes: ["n1", ["n2", { state: "offline" }], ["n3", { state: "lost" }]], resources: [device("fence", PROVIDES_UNFENCING), primitive("a")] },
    expect: ["* Fence (reboot) n3 'peer is no longer part of the cluster'", "* Fence (on) n1 'required by fence monitor'", "* Start fence ( n1 )", "* Start a ( n1 )"],
    edges: [edge("stonith 'reboot' n3", "a_start_0 n1"), edge("stonith 'on' n1", "a_start_0 n1")],
  },
];
