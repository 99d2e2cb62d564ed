// Transition graphs with Pacemaker Remote nodes ("Pacemaker Remote": a remote node
// runs resources only while its connection is up): resources are probed on a remote
// node once its connection starts, start there after it, and stop there (their probes
// elsewhere too) before it stops. Each graph is compared with crm_simulate's.
import { location, primitive, type HistoryEntry } from "./cib-builder.js";
import { graphCaseTests, type GraphCase } from "./graph-cases.js";

const REMOTE_AGENT = { class: "ocf", provider: "pacemaker", type: "remote" };
const connection = (meta: Record<string, string> = {}): ReturnType<typeof primitive> =>
  primitive("remote1", { agent: REMOTE_AGENT, meta, ops: [{ name: "monitor", interval: "60s" }] });
const connected: HistoryEntry[] = [
  { rsc: "remote1", operation: "start", agent: REMOTE_AGENT },
  { rsc: "remote1", operation: "monitor", intervalMs: 60_000, agent: REMOTE_AGENT },
];
const onRemote = location("prefer-remote", "a", "remote1", "100");

const CASES: GraphCase[] = [
  {
    name: "a resource is probed on a remote node after its connection starts, and starts there after it",
    cib: { nodes: ["n1", "n2", ["remote1", { remote: true }]], resources: [connection(), primitive("a")], constraints: [onRemote] },
    expect: ['"remote1_start_0 n1" -> "a_monitor_0 remote1" [ style = bold]', '"remote1_start_0 n1" -> "a_start_0 remote1" [ style = bold]', '"a_monitor_0 remote1" -> "a_start_0 remote1" [ style = bold]'],
  },
  {
    name: "a running connection: resources are probed on the remote node, fencing devices are not",
    cib: {
      nodes: [["n1", { history: connected }], "n2", ["remote1", { remote: true }]],
      resources: [connection(), primitive("a"), primitive("fence", { agent: { class: "stonith", type: "fence_dummy" } })], constraints: [onRemote],
    },
    expect: ['"a_monitor_0 remote1" -> "a_start_0 remote1" [ style = bold]'],
  },
  {
    name: "what runs on a remote node stops before its connection stops",
    cib: {
      nodes: [["n1", { history: connected }], "n2", ["remote1", { remote: true, history: [{ rsc: "a", operation: "start" }] }]],
      resources: [connection({ "target-role": "Stopped" }), primitive("a")], constraints: [onRemote],
    },
    expect: ['"a_stop_0 remote1" -> "remote1_stop_0 n1" [ style = bold]'],
  },
];

graphCaseTests("remote graph", CASES);
