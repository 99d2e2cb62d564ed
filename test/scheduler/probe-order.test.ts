// Probes before stops (Pacemaker Explained, "Resource Discovery" with "Ordering
// Constraints"): when "first" stops or moves, the probes of what is ordered after it
// come before its stop (and before its migrate_to when it migrates), so a copy of
// "then" already running somewhere is found first. Compared with crm_simulate's graph.
import { location, order, primitive, probedStopped } from "./cib-builder.js";
import { graphCaseTests, type GraphCase } from "./graph-cases.js";

const CASES: GraphCase[] = [
  {
    name: "then's probes come before first's stop when first moves",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [primitive("a"), primitive("b")],
      constraints: [location("l", "a", "n2", "100"), order("o", "a", "b")],
    },
    expect: ['"b_monitor_0 n3" -> "a_stop_0 n1" [ style = bold]'],
  },
  {
    name: "then's probes come before first's stop when first stops for good",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [primitive("a", { meta: { "target-role": "Stopped" } }), primitive("b")],
      constraints: [order("o", "a", "b")],
    },
    expect: ['"b_monitor_0 n2" -> "a_stop_0 n1" [ style = bold]'],
  },
  {
    name: "then's probes come before first's migrate_to and stop when first migrates",
    cib: {
      nodes: [["n1", { history: [{ rsc: "a", operation: "start" }] }], ["n2", { history: probedStopped("a") }], "n3"],
      resources: [primitive("a", { meta: { "allow-migrate": "true" } }), primitive("b")],
      constraints: [location("l", "a", "n2", "100"), location("lb", "a", "n3", "-INFINITY"), order("o", "a", "b")],
    },
    expect: ['"b_monitor_0 n3" -> "a_migrate_to_0 n1" [ style = bold]', '"b_monitor_0 n3" -> "a_stop_0 n1" [ style = bold]'],
  },
];

graphCaseTests("probe order", CASES);
