import type { Configuration } from "./config.js";
import { CrmError } from "./errors.js";
import { childElements, element } from "./xml.js";

/** `crm node standby|online NODE`: the node's permanent `standby` attribute, as crm_attribute writes it. */
export function setNodeStandby(config: Configuration, uname: string, standby: boolean): void {
  const node = childElements(config.section("nodes") ?? config.configuration, "node").find(
    (n) => n.attrs.get("uname") === uname || n.attrs.get("id") === uname,
  );
  if (node === undefined) throw new CrmError(`node ${uname} does not exist`);
  const nodeId = node.attrs.get("id") ?? uname;
  const value = standby ? "on" : "off";
  for (const set of childElements(node, "instance_attributes")) {
    const pair = childElements(set, "nvpair").find((nv) => nv.attrs.get("name") === "standby");
    if (pair !== undefined) {
      pair.attrs.set("value", value);
      return;
    }
  }
  const ids = config.idAllocator();
  let set = childElements(node, "instance_attributes")[0];
  if (set === undefined) {
    set = element("instance_attributes", [["id", ids.take(`nodes-${nodeId}`)]]);
    node.children.push(set);
  }
  set.children.push(element("nvpair", [["id", ids.take(`nodes-${nodeId}-standby`)], ["name", "standby"], ["value", value]]));
}
