/**
 * What the scheduler reads from a CIB: configuration plus status, already parsed
 * and typed by the CIB layer (src/cib). Field names follow the CIB XML attributes.
 */

/** A name/value set (instance_attributes, meta_attributes, utilization, cluster_property_set). */
export interface NvSet {
  id: string;
  /** Sets with a higher score win when several set the same name. */
  score: number;
  rule: Rule | undefined;
  pairs: ReadonlyArray<readonly [name: string, value: string]>;
}

export type Expression =
  | {
      kind: "attribute";
      attribute: string;
      operation: string;
      value: string | undefined;
      type: string | undefined;
      valueSource: string | undefined;
    }
  | { kind: "date"; operation: string; start: string | undefined; end: string | undefined; dateSpec: DateSpec | undefined; duration: DateSpec | undefined }
  | { kind: "resource"; class: string | undefined; provider: string | undefined; type: string | undefined }
  | { kind: "operation"; name: string | undefined; interval: string | undefined }
  | { kind: "rule"; rule: Rule };

export type DateSpec = Readonly<Record<string, string>>;

export interface Rule {
  id: string;
  score: string | undefined;
  scoreAttribute: string | undefined;
  booleanOp: "and" | "or";
  role: string | undefined;
  expressions: Expression[];
}

export interface OpConfig {
  id: string;
  name: string;
  interval: string;
  role: string | undefined;
  timeout: string | undefined;
  onFail: string | undefined;
  enabled: boolean;
  meta: NvSet[];
  /** The operation's own parameters, added to the resource's for this operation. */
  instance: NvSet[];
}

export interface PrimitiveConfig {
  kind: "primitive";
  id: string;
  /** The resource template it was built from, if any (constraints may name the template). */
  template: string | undefined;
  class: string;
  provider: string | undefined;
  type: string;
  meta: NvSet[];
  instance: NvSet[];
  utilization: NvSet[];
  ops: OpConfig[];
  /** Made by the scheduler for a bundle or a guest node: its parameters are not recorded as configured. */
  implicit?: boolean;
}

export interface GroupConfig {
  kind: "group";
  id: string;
  meta: NvSet[];
  /** Parameters given to every member (instance_attributes on the group). */
  instance?: NvSet[];
  children: PrimitiveConfig[];
}

export interface CloneConfig {
  kind: "clone";
  id: string;
  /** `<master>` or `promotable=true`. */
  promotable: boolean;
  meta: NvSet[];
  /** Parameters given to every instance (instance_attributes on the clone). */
  instance?: NvSet[];
  child: PrimitiveConfig | GroupConfig;
}

/** A bundle: replicas of a container (with an IP address each, optionally) and a primitive inside. */
export interface BundleConfig {
  kind: "bundle";
  id: string;
  meta: NvSet[];
  child: PrimitiveConfig | undefined;
  /** The container technology element: docker, podman or rkt. */
  containerKind: string;
  /** The container element's attributes (replicas, replicas-per-host, promoted-max, image, ...). */
  container: Readonly<Record<string, string>>;
  /** The network element's attributes (ip-range-start, control-port, ...). */
  network: Readonly<Record<string, string>>;
}

export type ResourceConfig = PrimitiveConfig | GroupConfig | CloneConfig | BundleConfig;

export interface ResourceRef {
  id: string;
  role: string | undefined;
  action: string | undefined;
}

export interface ResourceSet {
  id: string;
  sequential: boolean;
  requireAll: boolean;
  role: string | undefined;
  action: string | undefined;
  score: string | undefined;
  kind: string | undefined;
  /** "listed" turns a colocation set around: each member is placed with the one after it. */
  ordering?: string | undefined;
  resources: string[];
}

export interface LocationConstraint {
  kind: "location";
  id: string;
  rsc: string | undefined;
  rscPattern: string | undefined;
  sets: ResourceSet[];
  role: string | undefined;
  node: string | undefined;
  score: string | undefined;
  rules: Rule[];
  resourceDiscovery: string | undefined;
}

export interface ColocationConstraint {
  kind: "colocation";
  id: string;
  rsc: string | undefined;
  withRsc: string | undefined;
  rscRole: string | undefined;
  withRscRole: string | undefined;
  score: string | undefined;
  nodeAttribute: string | undefined;
  sets: ResourceSet[];
}

export interface OrderConstraint {
  kind: "order";
  id: string;
  first: string | undefined;
  then: string | undefined;
  firstAction: string | undefined;
  thenAction: string | undefined;
  orderKind: string | undefined;
  score: string | undefined;
  symmetrical: string | undefined;
  requireAll: string | undefined;
  sets: ResourceSet[];
}

export interface TicketConstraint {
  kind: "ticket";
  id: string;
  rsc: string | undefined;
  rscRole: string | undefined;
  ticket: string;
  lossPolicy: string | undefined;
  sets: ResourceSet[];
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint | TicketConstraint;

export interface NodeConfig {
  id: string;
  uname: string;
  type: string | undefined;
  attributes: NvSet[];
  utilization: NvSet[];
}

export interface LrmOp {
  id: string;
  operation: string;
  /** Milliseconds. */
  interval: number;
  callId: number;
  rcCode: number;
  opStatus: number;
  /** The rc the controller expected, from the third field of transition-key. */
  expectedRc: number | undefined;
  lastRcChange: number | undefined;
  opDigest: string | undefined;
  /** Digest of only the parameters listed in opForceRestart (those a reload cannot apply). */
  opRestartDigest: string | undefined;
  /** Space-separated parameter names whose change needs a restart. */
  opForceRestart: string | undefined;
  /** Space-separated secret parameter names, and the digest of the parameters without them. */
  opSecureParams: string | undefined;
  opSecureDigest: string | undefined;
  migrateSource: string | undefined;
  migrateTarget: string | undefined;
}

export interface LrmResource {
  id: string;
  class: string | undefined;
  provider: string | undefined;
  type: string | undefined;
  ops: LrmOp[];
  /** shutdown-lock: when the resource was locked to this node as it shut down (epoch seconds). */
  shutdownLock?: number | undefined;
}

export interface NodeStatus {
  id: string;
  uname: string | undefined;
  inCcm: string | undefined;
  crmd: string | undefined;
  join: string | undefined;
  expected: string | undefined;
  attributes: ReadonlyArray<readonly [name: string, value: string]>;
  resources: LrmResource[];
}

export interface Ticket {
  id: string;
  granted: boolean;
  standby: boolean;
}

export interface SchedulerInput {
  /** Seconds since the epoch ("execution-date" when recorded). */
  now: number | undefined;
  haveQuorum: boolean;
  /** no-quorum-panic: the cluster had quorum before (no-quorum-policy=suicide applies). */
  quorumPanic?: boolean;
  /** dc-uuid: the node id of the designated controller (fenced last). */
  dcUuid?: string | undefined;
  properties: NvSet[];
  rscDefaults: NvSet[];
  opDefaults: NvSet[];
  nodes: NodeConfig[];
  resources: ResourceConfig[];
  constraints: Constraint[];
  tags: ReadonlyArray<readonly [tag: string, ids: string[]]>;
  status: NodeStatus[];
  tickets: Ticket[];
}
