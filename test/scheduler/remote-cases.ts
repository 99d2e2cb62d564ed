// Rules of Pacemaker Remote (the "Pacemaker Remote" document: remote nodes, guest
// nodes, their connection resources and their fencing) and of resource-discovery
// (Pacemaker Explained, "Location Constraints"), each on a CIB written for it.
// Run by rules.test.ts with the other semantics cases (ours and crm_simulate's).
import { createElement, type XmlElement } from "../../src/cib/index.js";
import { colocation, location, primitive, running, type HistoryEntry, type NodeOptions, type PrimitiveOptions } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";
import { UNUSABLE_SCORES } from "./blocking-cases.js";

const REMOTE_AGENT = { class: "ocf", provider: "pacemaker", type: "remote" };
const STONITH_AGENT = { class: "stonith", type: "fence_dummy" };
const connection = (id: string, options: PrimitiveOptions = {}): ReturnType<typeof primitive> =>
  primitive(id, { ...options, agent: REMOTE_AGENT, ops: [{ name: "monitor", interval: "60s" }] });
const connected = (id: string): HistoryEntry[] => running(id).map((e) => ({ ...e, agent: REMOTE_AGENT }));
const fenceDevice = primitive("fence", { agent: STONITH_AGENT });
const fenceRunning: HistoryEntry[] = running("fence").map((e) => ({ ...e, agent: STONITH_AGENT }));
const remoteNode = (name: string, history: HistoryEntry[] = []): [string, NodeOptions] => [name, { remote: true, history }];
/** A connection that waits `interval` after a lost connection before reconnecting. */
const reconnecting = (id: string, interval: string): XmlElement => {
  const element = connection(id);
  element.children.push(createElement("instance_attributes", { id: `${id}-params` }, [createElement("nvpair", { id: `${id}-reconnect`, name: "reconnect_interval", value: interval })]));
  return element;
};
const lostConnection: HistoryEntry[] = [...connected("remote1"), ...[{ operation: "monitor", intervalMs: 60000, rc: 1 }, { operation: "stop" }].map((e) => ({ ...e, rsc: "remote1", agent: REMOTE_AGENT }))];
/** A container resource running guest node guest1. */
const guestVm = (options: PrimitiveOptions = {}): XmlElement => primitive("vm", { ...options, meta: { "remote-node": "guest1" } });
/** A bundle of docker replicas, with a primitive inside when `inner` is given. */
const bundle = (id: string, container: Record<string, string>, inner?: XmlElement, network: Record<string, string> = { "control-port": "3121" }): XmlElement =>
  createElement("bundle", { id }, [
    createElement("docker", { image: "example/image:latest", ...container }),
    createElement("network", network),
    ...(inner === undefined ? [] : [inner]),
  ]);
/** A docker container of `bundle(...)` started with the parameters Pacemaker gives it (no network options, control-port 3121). */
const containerStarted = (rsc: string): HistoryEntry[] => [{
  rsc, operation: "start", agent: { class: "ocf", provider: "heartbeat", type: "docker" },
  params: { allow_pull: "true", force_kill: "false", image: "example/image:latest", monitor_cmd: "/bin/true", mount_points: "", reuse: "false", run_opts: " --restart=no -e PCMK_stderr=1 -e PCMK_remote_port=3121 " },
}];
/** Replica `n` of a `bundle(...)` with a primitive inside, started on `node`: container and connection with the parameters Pacemaker gives them. */
const replicaStarted = (bundleId: string, n: number, node: string): HistoryEntry[] => {
  const logs = `/var/log/pacemaker/bundles/${bundleId}-${n}`;
  return [{
    rsc: `${bundleId}-docker-${n}`, operation: "start", agent: { class: "ocf", provider: "heartbeat", type: "docker" },
    params: {
      allow_pull: "true", force_kill: "false", image: "example/image:latest", monitor_cmd: "/bin/true", mount_points: logs, reuse: "false",
      run_cmd: "/usr/sbin/pacemaker-remoted",
      run_opts: ` --restart=no -e PCMK_stderr=1 -e PCMK_remote_port=3121 -v /etc/pacemaker/authkey:/etc/pacemaker/authkey -v ${logs}:/var/log -p 3121:3121 `,
    },
  }, { rsc: `${bundleId}-${n}`, operation: "start", agent: REMOTE_AGENT, params: { addr: node, port: "3121" } }];
};

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
      resources: [guestVm(), primitive("a")],
      constraints: [location("prefer-guest", "a", "guest1", "100")],
    },
    expect: ["* Start a ( guest1 )", "* Start guest1 ( n1 )"],
  },
  {
    name: "a guest connection's failures count against its container: at migration-threshold the container stays off the node",
    cite: "Pacemaker Remote: the guest's connection runs inside its container; Failure Response: migration-threshold",
    cib: {
      nodes: [["n1", { transient: { "fail-count-guest1#start_0": "INFINITY" }, history: [{ rsc: "guest1", operation: "start", rc: 1, agent: REMOTE_AGENT }, { rsc: "guest1", operation: "stop", agent: REMOTE_AGENT }] }], "n2"],
      resources: [guestVm()],
      constraints: [location("vm-not-n2", "vm", "n2", "-INFINITY")],
    },
    expect: [],
  },
  {
    name: "a failure inside a guest that asks for fencing recovers the container; the guest's other resources restart after it",
    cite: "Pacemaker Remote: a guest node is fenced by recovering its container; Resource Operations: on-fail=fence",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [
        ["n1", { history: [...fenceRunning, ...running("vm"), ...connected("guest1")] }],
        remoteNode("guest1", [...running("a"), { rsc: "a", operation: "monitor", intervalMs: 10000, rc: 7 }, ...running("b")]),
      ],
      resources: [fenceDevice, guestVm(), primitive("a", { ops: [{ name: "monitor", interval: "10s", onFail: "fence" }] }), primitive("b")],
      constraints: [location("a-on-guest", "a", "guest1", "100"), location("b-on-guest", "b", "guest1", "100")],
    },
    expect: [
      "* Fence (reboot) guest1 (resource: vm) 'guest is unclean'",
      "* Recover vm ( n1 )",
      "* Recover a ( guest1 )",
      "* Restart b ( guest1 ) due to required vm start",
      "* Restart guest1 ( n1 ) due to required vm start",
    ],
  },
  {
    name: "a failed container fences its guest node and recovers what runs there",
    cite: "Pacemaker Remote: a guest node is fenced by recovering its container",
    cib: {
      rscDefaults: { "resource-stickiness": "100" },
      nodes: [
        ["n1", { history: [...running("vm"), { rsc: "vm", operation: "monitor", intervalMs: 10000, rc: 1 }, ...connected("guest1")] }],
        remoteNode("guest1", running("a")),
      ],
      resources: [guestVm({ ops: [{ name: "monitor", interval: "10s" }] }), primitive("a")],
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
    cib: {
      nodes: ["n1", "n2", "n3"],
      resources: [primitive("a")],
      constraints: [location("only-n2", "a", "n2", "0", { "resource-discovery": "exclusive" })],
    },
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "remote connections are placed before resources of higher priority",
    cite: "Pacemaker Remote: a remote node can run resources once its connection is placed; Resource Meta-Attributes: priority",
    cib: {
      nodes: ["n1", remoteNode("remote1")],
      resources: [connection("remote1"), primitive("a", { meta: { priority: "100" } })],
      constraints: [location("prefer-remote", "a", "remote1", "100")],
    },
    // The summary lists resources of higher priority first.
    expect: ["* Start a ( remote1 )", "* Start remote1 ( n1 )"],
  },
  {
    name: "a guest whose container is not running while its history shows resources is fenced",
    cite: "Pacemaker Remote: resources thought active on a guest whose container is gone are in an unknown state",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [["n1", { history: fenceRunning }], remoteNode("guest1", running("a"))],
      resources: [fenceDevice, guestVm(), primitive("a")],
    },
    expect: [
      "* Fence (reboot) guest1 (resource: vm) 'guest is unclean'",
      "* Start vm ( n1 )",
      "* Recover a ( guest1 )",
      "* Start guest1 ( n1 )",
    ],
  },
  {
    name: "without fencing, the history of a guest whose container is not running is ignored",
    cite: "Pacemaker Remote: a guest node exists only while its container runs",
    cib: {
      nodes: ["n1", remoteNode("guest1", running("a"))],
      resources: [guestVm(), primitive("a")],
    },
    expect: ["* Start vm ( n1 )", "* Start a ( guest1 )", "* Start guest1 ( n1 )"],
  },
  {
    name: "bundle replicas start as containers, guest connections and replicas of the primitive inside",
    cite: "Bundles: <bundle>-docker-<n>, the guest node <bundle>-<n> and <primitive>:<n>",
    scoresTodo: "bundle allocation scores are printed per container and replica by crm_simulate",
    cib: {
      nodes: ["n1", "n2"],
      resources: [bundle("web", { replicas: "2" }, primitive("httpd"))],
    },
    expect: [
      "* Start web-docker-0 ( n1 )",
      "* Start web-0 ( n1 )",
      "* Start httpd:0 ( web-0 )",
      "* Start web-docker-1 ( n2 )",
      "* Start web-1 ( n2 )",
      "* Start httpd:1 ( web-1 )",
    ],
  },
  {
    name: "replicas-per-host=1 keeps the replicas of a bundle on different nodes",
    cite: "Bundles: replicas-per-host (default 1)",
    cib: {
      nodes: ["n1", "n2"],
      resources: [bundle("web", { replicas: "3" })],
    },
    expect: ["* Start web-docker-0 ( n1 )", "* Start web-docker-1 ( n2 )"],
  },
  {
    name: "a bundle replica running where the bundle is banned stops rather than take another replica's node",
    cite: "Bundles: replicas-per-host (default 1); Location Constraints on a bundle",
    cib: {
      nodes: [["n1", { history: containerStarted("web-docker-0") }], ["n2", { history: containerStarted("web-docker-1") }], ["n3", { history: containerStarted("web-docker-2") }]],
      resources: [bundle("web", { replicas: "3" })],
      constraints: [location("web-not-n2", "web", "n2", "-INFINITY")],
    },
    expect: ["* Stop web-docker-1 ( n2 ) due to node availability"],
  },
  {
    name: "a replica whose container has no node keeps its connection and its instance where they are, stopped as unrunnable",
    cite: "Bundles: replicas-per-host; Pacemaker Remote: a guest's connection and resources need its container",
    scoresTodo: "bundle allocation scores are printed per container and replica by crm_simulate",
    cib: {
      nodes: [
        ["n1", { history: replicaStarted("web", 0, "n1") }],
        ["n2", { history: replicaStarted("web", 1, "n2") }],
        ["n3", { history: replicaStarted("web", 2, "n3") }],
        remoteNode("web-0", running("httpd")), remoteNode("web-1", running("httpd")), remoteNode("web-2", running("httpd")),
      ],
      resources: [bundle("web", { replicas: "3" }, primitive("httpd"))],
      constraints: [location("web-not-n2", "web", "n2", "-INFINITY")],
    },
    expect: ["* Stop web-docker-1 ( n2 ) due to node availability", "* Stop web-1 ( n2 ) due to unrunnable web-docker-1 start", "* Stop httpd:1 ( web-1 ) due to unrunnable web-docker-1 start"],
  },
  {
    name: "bundles are placed one after the other: a fresh replica goes where its own bundle has least, whatever runs of a later bundle",
    cite: "Bundles: replicas, replicas-per-host; Resource Placement: the node with the fewest resources assigned on equal scores",
    cib: {
      nodes: [["n1", { history: [...containerStarted("b-docker-0"), ...containerStarted("c-docker-0")] }], ["n2", { history: containerStarted("a-docker-1") }]],
      resources: [bundle("a", { replicas: "2", "replicas-per-host": "2" }), bundle("b", { replicas: "1" }), bundle("c", { replicas: "1" })],
    },
    expect: ["* Start a-docker-0 ( n1 )"],
  },
  {
    name: "a replica on a node that shuts down: container and connection stop, its instance stops waiting on the connection's start",
    cite: "Bundles; Pacemaker Remote: a guest's resources need its connection; Node shutdown",
    scoresTodo: "bundle allocation scores are printed per container and replica by crm_simulate",
    cib: {
      nodes: [["n1", { transient: { shutdown: "1000" }, history: replicaStarted("web", 0, "n1") }], remoteNode("web-0", running("httpd"))],
      resources: [bundle("web", { replicas: "1" }, primitive("httpd"))],
    },
    expect: ["* Stop web-docker-0 ( n1 ) due to node availability", "* Stop web-0 ( n1 ) due to node availability", "* Stop httpd:0 ( web-0 ) due to unrunnable web-0 start"],
  },
  {
    name: "a replica that cannot stay, colocated with a bundle whose container stops too: its instance stops for the colocation",
    cite: "Bundles; Colocation Constraints between bundles; Node shutdown",
    scoresTodo: "bundle allocation scores are printed per container and replica by crm_simulate",
    cib: {
      nodes: [["n1", { transient: { shutdown: "1000" }, history: [...replicaStarted("web", 0, "n1"), ...containerStarted("h-docker-0")] }], remoteNode("web-0", running("httpd"))],
      resources: [bundle("web", { replicas: "1" }, primitive("httpd")), bundle("h", { replicas: "1" })],
      constraints: [colocation("web-with-h", "web", "h", "INFINITY")],
    },
    expect: ["* Stop web-docker-0 ( n1 ) due to node availability", "* Stop web-0 ( n1 ) due to node availability", "* Stop httpd:0 ( web-0 ) due to colocation with h-docker-0", "* Stop h-docker-0 ( n1 ) due to node availability"],
  },
  {
    name: "a guest whose connection is down, with its container on a remote node whose connection is down, is fenced by recovering the container",
    cite: "Pacemaker Remote: a guest node is fenced by recovering its container; Bundles on remote nodes",
    scoresTodo: "bundle allocation scores are printed per container and replica by crm_simulate",
    cib: {
      properties: { "stonith-enabled": "true" },
      nodes: [
        ["n1", { history: [...fenceRunning, { rsc: "r1", operation: "monitor", rc: 7, expected: 7, agent: REMOTE_AGENT }, { rsc: "web-0", operation: "monitor", rc: 7, expected: 7, agent: REMOTE_AGENT }] }],
        remoteNode("r1", replicaStarted("web", 0, "r1").slice(0, 1)),
        remoteNode("web-0", running("httpd")),
      ],
      resources: [fenceDevice, connection("r1"), bundle("web", { replicas: "1" }, primitive("httpd"), { "control-port": "3121" })],
      constraints: [location("web-on-r1", "web", "r1", "100")],
    },
    expect: [
      "* Fence (reboot) web-0 (resource: web-docker-0) 'guest is unclean'",
      "* Start r1 ( n1 )",
      "* Recover web-docker-0 ( r1 -> n1 )",
      "* Start web-0 ( n1 )",
      "* Recover httpd:0 ( web-0 )",
    ],
  },
  {
    name: "a bundle network with ip-range-start gives each replica its own address resource",
    cite: "Bundles: network ip-range-start, one IPaddr2 resource per replica",
    scoresTodo: "bundle allocation scores are printed per container and replica by crm_simulate",
    cib: {
      nodes: ["n1", "n2"],
      resources: [bundle("web", { replicas: "2" }, undefined, { "ip-range-start": "192.168.20.188", "host-interface": "eth0", "host-netmask": "24" })],
    },
    expect: [
      "* Start web-ip-192.168.20.188 ( n1 )",
      "* Start web-docker-0 ( n1 )",
      "* Start web-ip-192.168.20.189 ( n2 )",
      "* Start web-docker-1 ( n2 )",
    ],
  },
  {
    name: "the summary lists resources of higher priority first",
    cite: "Resource Meta-Attributes: priority (resources of higher priority are dealt with first)",
    cib: {
      nodes: ["n1"],
      resources: [primitive("b"), primitive("a", { meta: { priority: "100" } }), primitive("c")],
    },
    expect: ["* Start a ( n1 )", "* Start b ( n1 )", "* Start c ( n1 )"],
  },
  {
    name: "stop-all-resources stops what runs and starts nothing",
    cite: "Cluster Options: stop-all-resources",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      properties: { "stop-all-resources": "true" },
      nodes: [["n1", { history: running("a") }]],
      resources: [primitive("a"), primitive("b")],
    },
    expect: ["* Stop a ( n1 ) due to node availability"],
  },
  {
    name: "a lost connection with reconnect_interval waits before reconnecting",
    cite: "Pacemaker Remote: the reconnect_interval parameter of ocf:pacemaker:remote",
    scoresTodo: UNUSABLE_SCORES,
    cib: {
      now: 1_700_000_010,
      nodes: [["n1", { history: lostConnection, transient: { "fail-count-remote1#monitor_60000": "1", "last-failure-remote1#monitor_60000": "1700000000" } }], remoteNode("remote1")],
      resources: [reconnecting("remote1", "60s"), primitive("a")],
      constraints: [location("prefer-remote", "a", "remote1", "100")],
    },
    expect: ["* Start a ( n1 )"],
  },
  {
    name: "a lost connection reconnects once reconnect_interval has passed",
    cite: "Pacemaker Remote: the reconnect_interval parameter of ocf:pacemaker:remote",
    cib: {
      now: 1_700_000_100,
      nodes: [["n1", { history: lostConnection, transient: { "fail-count-remote1#monitor_60000": "1", "last-failure-remote1#monitor_60000": "1700000000" } }], remoteNode("remote1")],
      resources: [reconnecting("remote1", "60s"), primitive("a")],
      constraints: [location("prefer-remote", "a", "remote1", "100")],
    },
    expect: ["* Start remote1 ( n1 )", "* Start a ( remote1 )"],
  },
  {
    name: "a connection that fails with reconnect_interval set is stopped rather than recovered",
    cite: "Pacemaker Remote: the reconnect_interval parameter of ocf:pacemaker:remote",
    cib: {
      now: 1_700_000_010,
      nodes: [["n1", { history: lostConnection.slice(0, -1), transient: { "fail-count-remote1#monitor_60000": "1", "last-failure-remote1#monitor_60000": "1700000000" } }], remoteNode("remote1")],
      resources: [reconnecting("remote1", "60s")],
    },
    expect: ["* Stop remote1 ( n1 ) due to node availability"],
  },
];
