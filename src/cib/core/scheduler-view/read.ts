import type { XmlElement } from "../xml/tree.js";
import { childElements, firstChild } from "../xml/tree.js";
import type {
  BundleConfig, CloneConfig, Constraint, Expression, GroupConfig, LrmOp, LrmResource, NodeConfig, NodeStatus,
  NvSet, OpConfig, PrimitiveConfig, ResourceConfig, ResourceSet, Rule, SchedulerInput, Ticket,
} from "./types.js";

/**
 * Reads the parts of a parsed CIB the scheduler needs into typed values.
 * id-ref elements (reused rules and attribute sets) are resolved here, and
 * templates are merged into the primitives that use them.
 */
export function readSchedulerInput(root: XmlElement): SchedulerInput {
  const ids = indexById(root);
  const reader = new ViewReader(ids);
  const configuration = firstChild(root, "configuration");
  const status = firstChild(root, "status");
  const section = (name: string): XmlElement[] => (configuration ? childElements(firstChild(configuration, name) ?? configuration, undefined) : []);
  const has = (name: string): boolean => configuration !== undefined && firstChild(configuration, name) !== undefined;
  const executionDate = root.attrs.get("execution-date");
  return {
    now: executionDate === undefined ? undefined : Number(executionDate),
    haveQuorum: isTrue(root.attrs.get("have-quorum")),
    quorumPanic: isTrue(root.attrs.get("no-quorum-panic")),
    dcUuid: root.attrs.get("dc-uuid"),
    properties: has("crm_config") ? reader.nvSets(firstChild(configuration!, "crm_config")!, "cluster_property_set") : [],
    rscDefaults: has("rsc_defaults") ? reader.nvSets(firstChild(configuration!, "rsc_defaults")!, "meta_attributes") : [],
    opDefaults: has("op_defaults") ? reader.nvSets(firstChild(configuration!, "op_defaults")!, "meta_attributes") : [],
    nodes: has("nodes") ? section("nodes").filter((e) => e.name === "node").map((e) => reader.node(e)) : [],
    resources: has("resources") ? reader.resources(section("resources")) : [],
    constraints: has("constraints") ? reader.constraints(section("constraints")) : [],
    tags: has("tags") ? section("tags").map((tag) => [attr(tag, "id"), childElements(tag, "obj_ref").map((r) => attr(r, "id"))] as const) : [],
    status: status ? childElements(status, "node_state").map((e) => reader.nodeStatus(e)) : [],
    tickets: status ? readTickets(status) : [],
  };
}

function indexById(root: XmlElement): Map<string, XmlElement> {
  const byId = new Map<string, XmlElement>();
  const configuration = firstChild(root, "configuration");
  if (!configuration) return byId;
  const stack: XmlElement[] = [configuration];
  while (stack.length > 0) {
    const element = stack.pop()!;
    const id = element.attrs.get("id");
    if (id !== undefined && !byId.has(id) && !element.attrs.has("id-ref")) byId.set(id, element);
    for (const child of element.children) if (child.kind === "element") stack.push(child);
  }
  return byId;
}

function attr(element: XmlElement, name: string): string {
  return element.attrs.get(name) ?? "";
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes", "on", "y"].includes(value.toLowerCase());
}

function readTickets(status: XmlElement): Ticket[] {
  const tickets = firstChild(status, "tickets");
  if (!tickets) return [];
  return childElements(tickets).flatMap((state) =>
    childElements(state).length === 0 && state.attrs.has("id")
      ? [{ id: attr(state, "id"), granted: isTrue(state.attrs.get("granted")), standby: isTrue(state.attrs.get("standby")) }]
      : [],
  );
}

class ViewReader {
  constructor(private readonly ids: Map<string, XmlElement>) {}

  private deref(element: XmlElement): XmlElement {
    const ref = element.attrs.get("id-ref");
    return ref === undefined ? element : (this.ids.get(ref) ?? element);
  }

  nvSets(parent: XmlElement, name: string): NvSet[] {
    return childElements(parent, name).map((raw) => {
      const set = this.deref(raw);
      const rule = firstChild(set, "rule");
      return {
        id: attr(set, "id"),
        score: Number(set.attrs.get("score") ?? "0") || 0,
        rule: rule ? this.rule(rule) : undefined,
        pairs: childElements(set, "nvpair").map((pair) => [attr(pair, "name"), attr(pair, "value")] as const),
      };
    });
  }

  rule(raw: XmlElement): Rule {
    const rule = this.deref(raw);
    const op = rule.attrs.get("boolean-op");
    return {
      id: attr(rule, "id"),
      score: rule.attrs.get("score"),
      scoreAttribute: rule.attrs.get("score-attribute"),
      booleanOp: op === "or" ? "or" : "and",
      role: rule.attrs.get("role"),
      expressions: childElements(rule).flatMap((e) => this.expression(e)),
    };
  }

  private expression(e: XmlElement): Expression[] {
    const get = (name: string): string | undefined => e.attrs.get(name);
    switch (e.name) {
      case "expression":
        return [{ kind: "attribute", attribute: attr(e, "attribute"), operation: attr(e, "operation"), value: get("value"), type: get("type"), valueSource: get("value-source") }];
      case "date_expression": {
        const spec = firstChild(e, "date_spec");
        const duration = firstChild(e, "duration");
        return [{ kind: "date", operation: get("operation") ?? "in_range", start: get("start"), end: get("end"), dateSpec: spec ? Object.fromEntries(spec.attrs) : undefined, duration: duration ? Object.fromEntries(duration.attrs) : undefined }];
      }
      case "rsc_expression":
        return [{ kind: "resource", class: get("class"), provider: get("provider"), type: get("type") }];
      case "op_expression":
        return [{ kind: "operation", name: get("name"), interval: get("interval") }];
      case "rule":
        return [{ kind: "rule", rule: this.rule(e) }];
      default:
        return [];
    }
  }

  node(e: XmlElement): NodeConfig {
    return {
      id: attr(e, "id"),
      uname: e.attrs.get("uname") ?? attr(e, "id"),
      type: e.attrs.get("type"),
      attributes: this.nvSets(e, "instance_attributes"),
      utilization: this.nvSets(e, "utilization"),
    };
  }

  resources(elements: XmlElement[]): ResourceConfig[] {
    return elements.flatMap((e): ResourceConfig[] => {
      switch (e.name) {
        case "primitive":
          return [this.primitive(e)];
        case "group":
          return [this.group(e)];
        case "clone":
        case "master":
          return this.clone(e);
        case "bundle":
          return [this.bundle(e)];
        default:
          return [];
      }
    });
  }

  primitive(e: XmlElement): PrimitiveConfig {
    const template = e.attrs.has("template") ? this.ids.get(attr(e, "template")) : undefined;
    const from = (name: string): string | undefined => e.attrs.get(name) ?? template?.attrs.get(name);
    // The primitive's own sets come first: their values win over the template's.
    const sets = (name: string): NvSet[] => [...this.nvSets(e, name), ...(template ? this.nvSets(template, name) : [])];
    const ops = [...(template ? this.ops(template) : []), ...this.ops(e)];
    return {
      kind: "primitive",
      id: attr(e, "id"),
      template: e.attrs.get("template"),
      class: from("class") ?? "ocf",
      provider: from("provider"),
      type: from("type") ?? "",
      meta: sets("meta_attributes"),
      instance: sets("instance_attributes"),
      utilization: sets("utilization"),
      ops: dedupeOps(ops),
    };
  }

  private ops(e: XmlElement): OpConfig[] {
    const operations = firstChild(e, "operations");
    if (!operations) return [];
    return childElements(this.deref(operations), "op").map((op) => ({
      id: attr(op, "id"),
      name: attr(op, "name"),
      interval: op.attrs.get("interval") ?? "0",
      role: op.attrs.get("role"),
      timeout: op.attrs.get("timeout"),
      onFail: op.attrs.get("on-fail"),
      enabled: op.attrs.get("enabled") === undefined || isTrue(op.attrs.get("enabled")),
      meta: this.nvSets(op, "meta_attributes"),
      instance: this.nvSets(op, "instance_attributes"),
    }));
  }

  group(e: XmlElement): GroupConfig {
    return { kind: "group", id: attr(e, "id"), meta: this.nvSets(e, "meta_attributes"), instance: this.nvSets(e, "instance_attributes"), children: childElements(e, "primitive").map((p) => this.primitive(p)) };
  }

  clone(e: XmlElement): CloneConfig[] {
    const meta = this.nvSets(e, "meta_attributes");
    const promotable = e.name === "master" || meta.some((set) => set.pairs.some(([n, v]) => n === "promotable" && isTrue(v)));
    const inner = childElements(e).find((c) => c.name === "primitive" || c.name === "group");
    if (!inner) return [];
    const child = inner.name === "group" ? this.group(inner) : this.primitive(inner);
    return [{ kind: "clone", id: attr(e, "id"), promotable, meta, instance: this.nvSets(e, "instance_attributes"), child }];
  }

  bundle(e: XmlElement): BundleConfig {
    const inner = firstChild(e, "primitive");
    const container = childElements(e).find((c) => c.name === "docker" || c.name === "podman" || c.name === "rkt");
    const network = firstChild(e, "network");
    return {
      kind: "bundle", id: attr(e, "id"), meta: this.nvSets(e, "meta_attributes"), child: inner ? this.primitive(inner) : undefined,
      containerKind: container?.name ?? "docker",
      container: container ? Object.fromEntries(container.attrs) : {},
      network: network ? Object.fromEntries(network.attrs) : {},
    };
  }

  constraints(elements: XmlElement[]): Constraint[] {
    return elements.flatMap((e): Constraint[] => {
      const get = (name: string): string | undefined => e.attrs.get(name);
      const sets = childElements(e, "resource_set").map((s) => this.resourceSet(s));
      switch (e.name) {
        case "rsc_location":
          return [{ kind: "location", id: attr(e, "id"), rsc: get("rsc"), rscPattern: get("rsc-pattern"), sets, role: get("role"), node: get("node"), score: get("score"), rules: childElements(e, "rule").map((r) => this.rule(r)), resourceDiscovery: get("resource-discovery") }];
        case "rsc_colocation":
          return [{ kind: "colocation", id: attr(e, "id"), rsc: get("rsc"), withRsc: get("with-rsc"), rscRole: get("rsc-role"), withRscRole: get("with-rsc-role"), score: get("score"), nodeAttribute: get("node-attribute"), sets }];
        case "rsc_order":
          return [{ kind: "order", id: attr(e, "id"), first: get("first"), then: get("then"), firstAction: get("first-action"), thenAction: get("then-action"), orderKind: get("kind"), score: get("score"), symmetrical: get("symmetrical"), requireAll: get("require-all"), sets }];
        case "rsc_ticket":
          return [{ kind: "ticket", id: attr(e, "id"), rsc: get("rsc"), rscRole: get("rsc-role"), ticket: attr(e, "ticket"), lossPolicy: get("loss-policy"), sets }];
        default:
          return [];
      }
    });
  }

  private resourceSet(raw: XmlElement): ResourceSet {
    const s = this.deref(raw);
    const get = (name: string): string | undefined => s.attrs.get(name);
    return {
      id: attr(s, "id"),
      sequential: get("sequential") === undefined || isTrue(get("sequential")),
      requireAll: get("require-all") === undefined || isTrue(get("require-all")),
      role: get("role"),
      action: get("action"),
      score: get("score"),
      kind: get("kind"),
      ordering: get("ordering"),
      resources: childElements(s, "resource_ref").map((r) => attr(r, "id")),
    };
  }

  nodeStatus(e: XmlElement): NodeStatus {
    const transient = firstChild(e, "transient_attributes");
    const attributes = transient ? childElements(transient, "instance_attributes").flatMap((set) => childElements(set, "nvpair").map((p) => [attr(p, "name"), attr(p, "value")] as const)) : [];
    const lrm = firstChild(e, "lrm");
    const lrmResources = lrm ? firstChild(lrm, "lrm_resources") : undefined;
    return {
      id: attr(e, "id"),
      uname: e.attrs.get("uname"),
      inCcm: e.attrs.get("in_ccm"),
      crmd: e.attrs.get("crmd"),
      join: e.attrs.get("join"),
      expected: e.attrs.get("expected"),
      attributes,
      resources: lrmResources ? childElements(lrmResources, "lrm_resource").map(lrmResource) : [],
    };
  }
}

function lrmResource(e: XmlElement): LrmResource {
  return {
    id: attr(e, "id"),
    class: e.attrs.get("class"),
    provider: e.attrs.get("provider"),
    type: e.attrs.get("type"),
    ops: childElements(e, "lrm_rsc_op").map(lrmOp),
    shutdownLock: e.attrs.has("shutdown-lock") ? Number(e.attrs.get("shutdown-lock")) || undefined : undefined,
  };
}

function lrmOp(e: XmlElement): LrmOp {
  const num = (name: string): number | undefined => (e.attrs.has(name) ? Number(e.attrs.get(name)) : undefined);
  const key = e.attrs.get("transition-key");
  const expected = key?.split(":")[2];
  return {
    id: attr(e, "id"),
    operation: attr(e, "operation"),
    interval: num("interval") ?? 0,
    callId: num("call-id") ?? 0,
    rcCode: num("rc-code") ?? 0,
    opStatus: num("op-status") ?? 0,
    expectedRc: expected === undefined ? undefined : Number(expected),
    lastRcChange: num("last-rc-change") ?? num("last-run"),
    opDigest: e.attrs.get("op-digest"),
    opRestartDigest: e.attrs.get("op-restart-digest"),
    opForceRestart: e.attrs.get("op-force-restart"),
    opSecureParams: e.attrs.get("op-secure-params"),
    opSecureDigest: e.attrs.get("op-secure-digest"),
    migrateSource: e.attrs.get("migrate_source"),
    migrateTarget: e.attrs.get("migrate_target"),
  };
}

/** Later definitions of the same operation replace earlier ones (a primitive overriding its template). */
function dedupeOps(ops: OpConfig[]): OpConfig[] {
  const byKey = new Map<string, OpConfig>();
  for (const op of ops) byKey.set(`${op.name}/${op.interval}/${op.role ?? ""}`, op);
  return [...byKey.values()];
}
