import type { CibError, SourcePosition } from "../errors.js";
import type { Score } from "../score.js";
import type { Role, Rule } from "../rules/types.js";

/** One `<nvpair>`; `value` is absent when the pair only names an attribute. */
export interface NvPair {
  id?: string;
  name: string;
  value?: string;
}

export type NvSetKind = "instance_attributes" | "meta_attributes" | "utilization" | "cluster_property_set";

/**
 * A name/value set. Several sets of one kind are merged by resolveNvSets():
 * higher `score` first, the later set first among equals; the first value for a name wins;
 * a set whose rule is false is skipped. `id-ref` sets are already resolved.
 */
export interface NvSet {
  id: string;
  kind: NvSetKind;
  score: Score;
  rule?: Rule;
  pairs: NvPair[];
  pos?: SourcePosition;
}

/** The top `<cib>` element's properties. */
export interface CibHeader {
  adminEpoch: number;
  epoch: number;
  numUpdates: number;
  validateWith: string;
  haveQuorum: boolean;
  dcUuid?: string;
  /** Unix seconds; the scheduler uses it as "now" when present. */
  executionDate?: number;
  crmFeatureSet?: string;
  /** Every attribute of `<cib>`, in document order. */
  attrs: ReadonlyMap<string, string>;
}

export type NodeType = "member" | "remote" | "ping";

export interface CibNode {
  id: string;
  uname: string;
  /** Legacy "normal" loads as "member". */
  type: NodeType;
  /** Permanent node attributes (instance_attributes sets). */
  attributes: NvSet[];
  utilization: NvSet[];
  score?: Score;
  pos?: SourcePosition;
}

export interface AgentSpec {
  class: string;
  provider?: string;
  type: string;
}

export interface Operation {
  id: string;
  name: string;
  intervalMs: number;
  /** The interval as written (e.g. "10s"), for messages and digests. */
  interval: string;
  role?: Role;
  timeoutMs?: number;
  /** All attributes of `<op>` except id/name/interval/role, as written (timeout, on-fail, requires, enabled, start-delay, interval-origin, record-pending, description …). */
  attrs: ReadonlyMap<string, string>;
  meta: NvSet[];
  instance: NvSet[];
  pos?: SourcePosition;
}

interface ResourceCommon {
  id: string;
  description?: string;
  meta: NvSet[];
  /** Id of the enclosing group, clone or bundle. */
  parent?: string;
  pos?: SourcePosition;
}

export interface Primitive extends ResourceCommon {
  readonly kind: "primitive";
  agent: AgentSpec;
  /** The rsc_template it was built from (already merged in). */
  template?: string;
  instance: NvSet[];
  utilization: NvSet[];
  operations: Operation[];
}

export interface Group extends ResourceCommon {
  readonly kind: "group";
  instance: NvSet[];
  children: Primitive[];
}

export interface Clone extends ResourceCommon {
  readonly kind: "clone";
  /** promotable=true (unconditional meta-attribute) or a legacy `<master>`. */
  promotable: boolean;
  /** Written as `<master>` (pacemaker-1.x/2.x syntax). */
  legacyMaster: boolean;
  instance: NvSet[];
  child: Primitive | Group;
}

/** Bundles are parsed minimally: container, network and storage as written. */
export interface Bundle extends ResourceCommon {
  readonly kind: "bundle";
  container: { technology: "docker" | "rkt" | "podman"; attrs: ReadonlyMap<string, string> };
  network?: { attrs: ReadonlyMap<string, string>; portMappings: ReadonlyMap<string, string>[] };
  storage: ReadonlyMap<string, string>[];
  child?: Primitive;
}

export type Resource = Primitive | Group | Clone | Bundle;

/** `<rsc_template>`: a primitive's class/type, sets and operations to inherit. */
export interface ResourceTemplate {
  id: string;
  agent: AgentSpec;
  meta: NvSet[];
  instance: NvSet[];
  utilization: NvSet[];
  operations: Operation[];
  pos?: SourcePosition;
}

export type ResourceAction = "start" | "stop" | "promote" | "demote" | "monitor" | "notify" | "migrate_to" | "migrate_from";

/** `<resource_set>`: resource ids (tags and templates expanded) with set options. */
export interface ResourceSet {
  id: string;
  resources: string[];
  /** Defaults to true. */
  sequential: boolean;
  /** Defaults to true; false means "any one of them". */
  requireAll: boolean;
  /** Legacy `ordered` attribute, kept for completeness. */
  ordered?: boolean;
  action?: ResourceAction;
  role?: Role;
  score?: Score;
  kind?: OrderKind;
}

export type ResourceDiscovery = "always" | "never" | "exclusive";

export interface LocationConstraint {
  readonly kind: "location";
  id: string;
  /** The resources it applies to (tags and templates expanded); empty when `pattern` is used. */
  resources: string[];
  /** `rsc-pattern` (a POSIX extended regular expression) when used instead of `rsc`. */
  pattern?: string;
  role?: Role;
  node?: string;
  /** Present with `node`; rule-based locations take scores from their rules. */
  score?: Score;
  rules: Rule[];
  resourceDiscovery: ResourceDiscovery;
  /** Present when written with resource sets (their roles apply per set). */
  sets: ResourceSet[];
  pos?: SourcePosition;
}

export interface ColocationConstraint {
  readonly kind: "colocation";
  id: string;
  score: Score;
  /** Two-resource form; absent when written with sets. */
  rsc?: string;
  withRsc?: string;
  rscRole?: Role;
  withRscRole?: Role;
  /** Node attribute whose equality defines "together"; defaults to #uname. */
  nodeAttribute: string;
  /** `influence` (since 2.1): whether the dependent's preferences influence the primary. */
  influence?: boolean;
  sets: ResourceSet[];
  pos?: SourcePosition;
}

export type OrderKind = "Mandatory" | "Optional" | "Serialize";

export interface OrderConstraint {
  readonly kind: "order";
  id: string;
  first?: string;
  then?: string;
  /** Defaults to start. */
  firstAction: ResourceAction;
  /** Defaults to firstAction. */
  thenAction: ResourceAction;
  /** From `kind`, or from the legacy score (0 = Optional, else Mandatory). */
  orderKind: OrderKind;
  /** Legacy score, as written. */
  score?: Score;
  /** Defaults to true, except false for Serialize. */
  symmetrical: boolean;
  requireAll?: boolean;
  sets: ResourceSet[];
  pos?: SourcePosition;
}

export type LossPolicy = "stop" | "demote" | "fence" | "freeze";

export interface TicketConstraint {
  readonly kind: "ticket";
  id: string;
  ticket: string;
  rsc?: string;
  rscRole?: Role;
  lossPolicy: LossPolicy;
  sets: ResourceSet[];
  pos?: SourcePosition;
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint | TicketConstraint;

export interface FencingLevel {
  id: string;
  index: number;
  devices: string[];
  target?: string;
  targetPattern?: string;
  targetAttribute?: string;
  targetValue?: string;
}

export type AclRight = "read" | "write" | "deny";

export interface AclPermission {
  id: string;
  kind: AclRight;
  xpath?: string;
  reference?: string;
  objectType?: string;
  attribute?: string;
}

export interface AclRole {
  id: string;
  description?: string;
  permissions: AclPermission[];
}

/** acl_target (or legacy acl_user) and acl_group: who gets which roles. */
export interface AclSubject {
  id: string;
  /** Since 3.x an acl_target may carry `name` distinct from id. */
  name?: string;
  roles: string[];
  /** Permissions written directly under a legacy acl_user. */
  permissions: AclPermission[];
}

export interface Acls {
  targets: AclSubject[];
  groups: AclSubject[];
  roles: AclRole[];
}

export interface AlertRecipient {
  id: string;
  value: string;
  instance: NvSet[];
  meta: NvSet[];
}

export interface Alert {
  id: string;
  path: string;
  description?: string;
  instance: NvSet[];
  meta: NvSet[];
  /** Names of the `<select>` children (select_nodes, select_fencing, select_resources, select_attributes). */
  select: string[];
  /** `<attribute name>` under select_attributes. */
  selectAttributes: string[];
  recipients: AlertRecipient[];
}

export interface Configuration {
  crmConfig: NvSet[];
  nodes: CibNode[];
  /** Top-level resources in document order. */
  resources: Resource[];
  templates: ResourceTemplate[];
  constraints: Constraint[];
  rscDefaults: NvSet[];
  opDefaults: NvSet[];
  fencingTopology: FencingLevel[];
  /** Tag id → member ids (resources or other objects). */
  tags: ReadonlyMap<string, string[]>;
  acls: Acls;
  alerts: Alert[];
}

/** The parts of `transition-key` "action:transition:target-rc:uuid". */
export interface TransitionKey {
  action: number;
  transition: number;
  targetRc: number;
  uuid: string;
}

/** One `<lrm_rsc_op>`: a recorded operation result. Times are Unix seconds, durations ms. */
export interface LrmRscOp {
  id: string;
  operation: string;
  operationKey?: string;
  intervalMs: number;
  rcCode: number;
  opStatus: number;
  callId: number;
  transitionKey?: TransitionKey;
  transitionMagic?: string;
  lastRcChange?: number;
  lastRun?: number;
  execTimeMs?: number;
  queueTimeMs?: number;
  opDigest?: string;
  opRestartDigest?: string;
  opForceRestart?: string;
  opSecureDigest?: string;
  opSecureParams?: string;
  migrateSource?: string;
  migrateTarget?: string;
  onNode?: string;
  exitReason?: string;
  /** Every attribute as written. */
  attrs: ReadonlyMap<string, string>;
}

export interface LrmResource {
  id: string;
  class: string;
  provider?: string;
  type: string;
  container?: string;
  /** In document order. */
  ops: LrmRscOp[];
}

export interface NodeState {
  id: string;
  uname: string;
  /** in_ccm: "true", or (Pacemaker ≥ 2.1.7) a membership timestamp. */
  inCcm: boolean;
  /** crmd: "online", or a timestamp; "offline" and "0" are false. */
  crmdOnline: boolean;
  join?: string;
  expected?: string;
  crmDebugOrigin?: string;
  /** Every attribute of node_state as written. */
  attrs: ReadonlyMap<string, string>;
  /** transient_attributes (instance_attributes sets). */
  transientAttributes: NvSet[];
  /** Utilization recorded in status (rare). */
  lrm: LrmResource[];
}

export interface TicketState {
  id: string;
  granted: boolean;
  standby: boolean;
  lastGranted?: number;
  attrs: ReadonlyMap<string, string>;
}

export interface Status {
  nodes: NodeState[];
  tickets: TicketState[];
}

/** The typed CIB: what the scheduler and the crm shell read. */
export interface Cib {
  header: CibHeader;
  configuration: Configuration;
  status: Status;
  /** Problems Pacemaker would log and ignore (dangling references, bad values). */
  warnings: CibError[];
}
