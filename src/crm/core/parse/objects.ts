import type { XmlElement } from "../xml.js";

/** The configuration sections a crm statement can create an object in. */
export type SectionName =
  | "crm_config"
  | "nodes"
  | "resources"
  | "constraints"
  | "rsc_defaults"
  | "op_defaults"
  | "fencing-topology"
  | "acls"
  | "tags"
  | "alerts";

/** A parsed object, ready to be placed into its section. */
export interface NewObject {
  section: SectionName;
  element: XmlElement;
  /** Existing resources that move inside this container (group members, clone child, bundle primitive). */
  members?: string[];
  /** Where members go among the element's children (bundle: before its meta_attributes). */
  membersAt?: number;
  /** Comment lines written directly before the statement. */
  comments?: string[];
}
