import { createElement, type XmlElement } from "./xml/tree.js";

/** The schema Quorate writes new CIBs against (the newest that Pacemaker 2.1.5 ships). */
export const CIB_VALIDATE_WITH = "pacemaker-3.9";
/** The feature set Pacemaker 2.1.5 announces; kept so that Pacemaker tools read our CIBs as current. */
export const CIB_FEATURE_SET = "3.16.1";

/** A new, empty CIB, as `cibadmin --empty` writes it. */
export function createEmptyCib(): XmlElement {
  const configuration = createElement("configuration", {}, ["crm_config", "nodes", "resources", "constraints"].map((name) => createElement(name)));
  return createElement(
    "cib",
    { crm_feature_set: CIB_FEATURE_SET, "validate-with": CIB_VALIDATE_WITH, epoch: "1", num_updates: "0", admin_epoch: "0" },
    [configuration, createElement("status")],
  );
}
