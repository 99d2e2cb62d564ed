import type { IdAllocator } from "../ids.js";

/** What a command parser needs from the configuration it builds into. */
export interface BuildContext {
  ids: IdAllocator;
  /** Node names (uname) in the nodes section, for fencing_topology without targets. */
  nodeNames: () => string[];
}
