// Scheduler benchmark: one transition on generated CIBs, next to crm_simulate -R on the same file.
// Run: npm run build && node dist/bench/scheduler/run.js [--sizes 1000,5000,10000] [--nodes 16,32] [--oracle-timeout-s 120]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseXml, readSchedulerInput } from "../../src/cib/index.js";
import { schedule } from "../../src/scheduler/index.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const sizes = arg("--sizes", "1000,5000,10000").split(",").map(Number);
const nodeCounts = arg("--nodes", "16,32").split(",").map(Number);
const oracleTimeoutS = Number(arg("--oracle-timeout-s", "120"));
const runs = Number(arg("--runs", "3"));

/**
 * N primitives: a quarter in groups of four, a few clones (16 instances of 1 primitive each count as one),
 * colocation chains of five, and a location rule on every tenth resource.
 */
function generate(primitives: number, nodes: number): string {
  const out: string[] = [];
  const nodeXml = Array.from({ length: nodes }, (_, i) => `<node id="${i + 1}" uname="n${i + 1}"><instance_attributes id="n${i + 1}-a"><nvpair id="n${i + 1}-rack" name="rack" value="r${i % 4}"/></instance_attributes></node>`).join("");
  const states = Array.from({ length: nodes }, (_, i) => `<node_state id="${i + 1}" uname="n${i + 1}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join("");
  const prim = (id: string): string => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="${id}-mon" name="monitor" interval="10s"/></operations></primitive>`;
  const constraints: string[] = [];
  let made = 0;
  let g = 0;
  while (made < primitives / 4) {
    out.push(`<group id="g${g}">${[0, 1, 2, 3].map((k) => prim(`g${g}-m${k}`)).join("")}</group>`);
    made += 4;
    g++;
  }
  for (let c = 0; c < 10 && made < primitives; c++, made++) out.push(`<clone id="clone${c}">${prim(`cl${c}`)}</clone>`);
  let p = 0;
  while (made < primitives) {
    out.push(prim(`p${p}`));
    if (p % 5 !== 0) constraints.push(`<rsc_colocation id="col${p}" rsc="p${p}" with-rsc="p${p - 1}" score="INFINITY"/>`);
    if (p % 10 === 0) constraints.push(`<rsc_location id="loc${p}" rsc="p${p}"><rule id="loc${p}-r" score="100"><expression id="loc${p}-e" attribute="rack" operation="eq" value="r${p % 4}"/></rule></rsc_location>`);
    p++;
    made++;
  }
  return `<cib validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes>${nodeXml}</nodes><resources>${out.join("")}</resources><constraints>${constraints.join("")}</constraints></configuration><status>${states}</status></cib>`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeQuorate(text: string): { ms: number; heapMb: number; actions: number } {
  const times: number[] = [];
  let heapMb = 0;
  let actions = 0;
  for (let i = 0; i < runs; i++) {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    const parsed = parseXml(text, "bench.xml");
    if (!parsed.ok) throw new Error(parsed.error.message);
    const t = schedule(readSchedulerInput(parsed.value.root), 1_700_000_000);
    times.push(performance.now() - start);
    heapMb = Math.max(heapMb, (process.memoryUsage().heapUsed - before) / 1e6);
    actions = t.graph.actions.length;
  }
  return { ms: median(times), heapMb, actions };
}

function timeOracle(file: string): string {
  const start = performance.now();
  // crm_simulate itself is the child, so the timeout's SIGKILL reaches it.
  const r = spawnSync("crm_simulate", ["-R", "-x", file], { encoding: "utf8", timeout: oracleTimeoutS * 1000, killSignal: "SIGKILL" });
  const ms = performance.now() - start;
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") return "not installed";
  if (r.signal !== null) return `> ${oracleTimeoutS} s (stopped)`;
  return `${(ms / 1000).toFixed(2)} s`;
}

if (process.argv.includes("--write")) { writeFileSync(arg("--write", "cib.xml"), generate(sizes[0]!, nodeCounts[0]!)); process.exit(0); }
const dir = mkdtempSync(join(tmpdir(), "quorate-sched-bench-"));
try {
  console.log(`scheduler bench: ${runs} runs each (median), crm_simulate capped at ${oracleTimeoutS} s`);
  console.log("primitives nodes | quorate (parse+schedule)  heap   actions | crm_simulate -R");
  for (const size of sizes) {
    for (const nodes of nodeCounts) {
      const file = join(dir, `cib-${size}-${nodes}.xml`);
      writeFileSync(file, generate(size, nodes));
      const ours = timeQuorate(readFileSync(file, "utf8"));
      const oracle = timeOracle(file);
      console.log(`${String(size).padStart(10)} ${String(nodes).padStart(5)} | ${ours.ms.toFixed(0).padStart(8)} ms ${ours.heapMb.toFixed(0).padStart(12)} MB ${String(ours.actions).padStart(8)} | ${oracle}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
