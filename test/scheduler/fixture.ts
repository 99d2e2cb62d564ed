// Small CIBs written for the tests (not taken from any corpus).
import { parseXml, readSchedulerInput, type SchedulerInput } from "../../src/cib/index.js";
import { schedule, type Transition } from "../../src/scheduler/index.js";

export interface Fixture {
  nodes?: string[];
  /** Node states: "online" (default), "offline", "lost" (left without a clean shutdown), "standby". */
  nodeState?: Record<string, "online" | "offline" | "lost" | "standby">;
  properties?: Record<string, string>;
  defaults?: Record<string, string>;
  resources: string;
  constraints?: string;
  /** lrm_resource entries per node. */
  lrm?: Record<string, string>;
  attributes?: Record<string, Record<string, string>>;
  quorum?: boolean;
  tickets?: string;
  utilization?: Record<string, Record<string, number>>;
}

const nv = (prefix: string, values: Record<string, string>): string =>
  Object.entries(values).map(([k, v], i) => `<nvpair id="${prefix}-${i}" name="${k}" value="${v}"/>`).join("");

export function primitive(id: string, extra = "", meta: Record<string, string> = {}): string {
  const m = Object.keys(meta).length ? `<meta_attributes id="${id}-meta">${nv(`${id}-meta`, meta)}</meta_attributes>` : "";
  return `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${m}${extra}</primitive>`;
}

/** The digest Pacemaker records for a parameterless Dummy start: without it crm_simulate sees a definition change. */
const DUMMY_DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";

let call = 10;
/** An lrm_resource whose history says `op` ended with `rc` (expected rc 0 unless a probe). */
export function history(id: string, ops: Array<[op: string, rc: number, intervalMs?: number]>): string {
  const entries = ops.map(([op, rc, interval = 0]) => {
    const expected = op === "monitor" && interval === 0 ? 7 : 0;
    return `<lrm_rsc_op id="${id}_${op}_${interval}" operation="${op}" interval="${interval}" call-id="${call++}" rc-code="${rc}" op-status="0" transition-key="1:1:${expected}:x" last-rc-change="1000"${interval === 0 ? ` op-digest="${DUMMY_DIGEST}"` : ""}/>`;
  });
  return `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy">${entries.join("")}</lrm_resource>`;
}

export const running = (id: string): string => history(id, [["start", 0]]);

export function cibXml(f: Fixture): string {
  const nodes = f.nodes ?? ["node1", "node2", "node3"];
  const properties = { "stonith-enabled": "false", ...f.properties };
  const nodeXml = nodes.map((n) => {
    const util = f.utilization?.[n];
    const u = util ? `<utilization id="${n}-u">${nv(`${n}-u`, Object.fromEntries(Object.entries(util).map(([k, v]) => [k, String(v)])))}</utilization>` : "";
    const standby = f.nodeState?.[n] === "standby" ? `<instance_attributes id="${n}-ia">${nv(`${n}-ia`, { standby: "on" })}</instance_attributes>` : "";
    return `<node id="${n}" uname="${n}">${standby}${u}</node>`;
  }).join("");
  const states = nodes.map((n) => {
    const state = f.nodeState?.[n] ?? "online";
    const membership = state === "offline" ? `in_ccm="false" crmd="offline" join="down" expected="down"`
      : state === "lost" ? `in_ccm="false" crmd="offline" join="down" expected="member"`
      : `in_ccm="true" crmd="online" join="member" expected="member"`;
    const attrs = f.attributes?.[n];
    const transient = attrs ? `<transient_attributes id="${n}"><instance_attributes id="st-${n}">${nv(`st-${n}`, attrs)}</instance_attributes></transient_attributes>` : "";
    return `<node_state id="${n}" uname="${n}" ${membership}>${transient}<lrm id="${n}"><lrm_resources>${f.lrm?.[n] ?? ""}</lrm_resources></lrm></node_state>`;
  }).join("");
  const defaults = f.defaults ? `<rsc_defaults><meta_attributes id="rd">${nv("rd", f.defaults)}</meta_attributes></rsc_defaults>` : "";
  return `<cib validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0" have-quorum="${f.quorum === false ? 0 : 1}">
<configuration><crm_config><cluster_property_set id="opts">${nv("opts", properties)}</cluster_property_set></crm_config>
<nodes>${nodeXml}</nodes><resources>${f.resources}</resources><constraints>${f.constraints ?? ""}</constraints>${defaults}</configuration>
<status>${states}${f.tickets ? `<tickets>${f.tickets}</tickets>` : ""}</status></cib>`;
}

export function inputOf(f: Fixture): SchedulerInput {
  const parsed = parseXml(cibXml(f), "fixture.xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  return readSchedulerInput(parsed.value.root);
}

export function run(f: Fixture): Transition {
  return schedule(inputOf(f), 1_700_000_000);
}

/** Summary lines with whitespace normalised the way the conformance checker compares them. */
export function summary(f: Fixture | Transition): string[] {
  const t = "summary" in f ? f : run(f);
  return t.summary.map((l) => l.trim().replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")")).sort();
}
