import { createEmptyCib, createElement, descend, serializeXml, type XmlElement } from "../../src/cib/index.js";

function nvset(kind: string, id: string, pairs: Record<string, string>): XmlElement {
  return createElement(kind, { id }, Object.entries(pairs).map(([name, value]) => createElement("nvpair", { id: `${id}-${name}`, name, value })));
}

function primitive(id: string): XmlElement {
  return createElement("primitive", { id, class: "ocf", provider: "heartbeat", type: "Dummy" }, [
    nvset("instance_attributes", `${id}-params`, { state: `/run/bench/${id}.state` }),
    createElement("operations", {}, [createElement("op", { id: `${id}-monitor-10s`, name: "monitor", interval: "10s", timeout: "20s" })]),
  ]);
}

/**
 * A fresh cluster (every node online, nothing running yet) with `primitiveCount`
 * primitives: of every 40, 12 sit in three groups of four, 2 are cloned (one a
 * promotable clone), 26 stand alone in colocation chains of five; every tenth
 * resource has a location rule on a node attribute and every fifth a score on a node.
 * `plain` leaves out the groups and clones (only chained primitives).
 */
export function generateSchedulerCib(primitiveCount: number, nodeCount: number, plain = false): string {
  const root = createEmptyCib();
  root.attrs.set("have-quorum", "1");
  root.attrs.set("dc-uuid", "1");
  const crmConfig = descend(root, ["configuration", "crm_config"])!;
  crmConfig.children.push(nvset("cluster_property_set", "cib-bootstrap-options", { "stonith-enabled": "false" }));
  const nodes = descend(root, ["configuration", "nodes"])!;
  const status = descend(root, ["status"])!;
  for (let n = 1; n <= nodeCount; n++) {
    nodes.children.push(createElement("node", { id: String(n), uname: `node${n}` }, [nvset("instance_attributes", `node${n}-attrs`, { rack: `r${n % 4}` })]));
    status.children.push(createElement("node_state", { id: String(n), uname: `node${n}`, in_ccm: "true", crmd: "online", join: "member", expected: "member" }));
  }
  const resources = descend(root, ["configuration", "resources"])!;
  const constraints = descend(root, ["configuration", "constraints"])!;
  let made = 0;
  const next = (): string => `rsc${made++}`;
  while (made < primitiveCount) {
    const block = made;
    for (let g = 0; !plain && g < 3 && made + 4 <= primitiveCount; g++) {
      resources.children.push(createElement("group", { id: `grp${made}` }, [0, 1, 2, 3].map(() => primitive(next()))));
    }
    if (!plain && made < primitiveCount) resources.children.push(createElement("clone", { id: `cl${made}` }, [primitive(next())]));
    if (!plain && made < primitiveCount) {
      resources.children.push(createElement("clone", { id: `ms${made}` }, [nvset("meta_attributes", `ms${made}-meta`, { promotable: "true" }), primitive(next())]));
    }
    let previous: string | undefined;
    while (made < primitiveCount && made < block + 40) {
      const id = next();
      resources.children.push(primitive(id));
      if (previous !== undefined && made % 5 !== 1) constraints.children.push(createElement("rsc_colocation", { id: `col-${id}`, rsc: id, "with-rsc": previous, score: "INFINITY" }));
      if (made % 10 === 0) constraints.children.push(locationRule(id, `r${made % 4}`));
      if (made % 5 === 0) constraints.children.push(createElement("rsc_location", { id: `loc-${id}`, rsc: id, node: `node${(made % nodeCount) + 1}`, score: "50" }));
      previous = id;
    }
  }
  return serializeXml(root) + "\n";
}

function locationRule(rsc: string, rack: string): XmlElement {
  return createElement("rsc_location", { id: `rule-${rsc}`, rsc }, [
    createElement("rule", { id: `rule-${rsc}-r`, score: "100" }, [createElement("expression", { id: `rule-${rsc}-e`, attribute: "rack", operation: "eq", value: rack })]),
  ]);
}
