import { createEmptyCib, createElement, descend, type XmlElement } from "../../src/cib/index.js";

function nvset(kind: string, id: string, pairs: Record<string, string>): XmlElement {
  return createElement(kind, { id }, Object.entries(pairs).map(([name, value]) => createElement("nvpair", { id: `${id}-${name}`, name, value })));
}

function primitive(id: string, index: number): XmlElement {
  return createElement("primitive", { id, class: "ocf", provider: "heartbeat", type: "Dummy" }, [
    nvset("instance_attributes", `${id}-params`, { state: `/run/bench/${id}.state`, fake: String(index) }),
    nvset("meta_attributes", `${id}-meta`, { "target-role": "Started", "resource-stickiness": "10" }),
    createElement("operations", {}, [
      createElement("op", { id: `${id}-monitor-10s`, name: "monitor", interval: "10s", timeout: "20s" }),
      createElement("op", { id: `${id}-start-0`, name: "start", interval: "0", timeout: "20s" }),
    ]),
  ]);
}

/**
 * A CIB with `count` resources, shaped like a large real configuration: mostly
 * primitives, every tenth in a group of three, every fiftieth a clone, with a
 * location and an order constraint per ten resources.
 */
export function generateCib(count: number, nodeCount = 3): XmlElement {
  const root = createEmptyCib();
  const nodes = descend(root, ["configuration", "nodes"])!;
  for (let n = 1; n <= nodeCount; n++) nodes.children.push(createElement("node", { id: String(n), uname: `node${n}` }));
  const resources = descend(root, ["configuration", "resources"])!;
  const constraints = descend(root, ["configuration", "constraints"])!;
  for (let made = 0; made < count; ) {
    const id = `rsc${made}`;
    if (made % 50 === 0) {
      resources.children.push(createElement("clone", { id: `${id}-clone` }, [primitive(id, made)]));
      made += 1;
    } else if (made % 10 === 0 && made + 3 <= count) {
      resources.children.push(createElement("group", { id: `grp${made}` }, [0, 1, 2].map((k) => primitive(`rsc${made + k}`, made + k))));
      made += 3;
    } else {
      resources.children.push(primitive(id, made));
      made += 1;
    }
    if (made % 10 === 0) {
      constraints.children.push(createElement("rsc_location", { id: `loc-${id}`, rsc: id, node: `node${(made % nodeCount) + 1}`, score: "100" }));
      constraints.children.push(createElement("rsc_order", { id: `ord-${id}`, first: `rsc${made - 2}`, then: id, kind: "Optional" }));
    }
  }
  return root;
}
