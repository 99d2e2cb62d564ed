// Benchmark: `crm configure show` of a generated 10,000-resource CIB, Quorate
// next to real crmsh on the same file in the same run. Prints figures; not a test.
// Run: npm run build && node dist/bench/crm/show.js [resources]
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseXml, serializeXml } from "../../src/cib/index.js";
import { ConfigureSession } from "../../src/crm/index.js";

const RESOURCES = Number(process.argv[2] ?? 10_000);
const RUNS = 5;
const CRMSH = "/usr/sbin/crm";
const quorate = fileURLToPath(new URL("../../../bin/quorate", import.meta.url));

/** A CIB with RESOURCES primitives (a third of them in groups of three) and constraints between them. */
function generateCib(): string {
  const primitive = (i: number) =>
    `<primitive id="r${i}" class="ocf" provider="heartbeat" type="Dummy">`
    + `<instance_attributes id="r${i}-instance_attributes"><nvpair name="state" value="/run/r${i}" id="r${i}-instance_attributes-state"/></instance_attributes>`
    + `<meta_attributes id="r${i}-meta_attributes"><nvpair name="target-role" value="Started" id="r${i}-meta_attributes-target-role"/></meta_attributes>`
    + `<operations><op name="monitor" interval="10s" timeout="20s" id="r${i}-monitor-10s"/></operations></primitive>`;
  const resources: string[] = [];
  const grouped = Math.floor(RESOURCES / 3 / 3) * 3;
  for (let i = 0; i < grouped; i += 3) resources.push(`<group id="g${i / 3}">${primitive(i)}${primitive(i + 1)}${primitive(i + 2)}</group>`);
  for (let i = grouped; i < RESOURCES; i++) resources.push(primitive(i));
  const constraints: string[] = [];
  for (let i = grouped; i + 1 < RESOURCES; i += 4) {
    constraints.push(`<rsc_location id="loc-${i}" rsc="r${i}" score="100" node="node${i % 3}"/>`);
    constraints.push(`<rsc_colocation id="col-${i}" score="INFINITY" rsc="r${i + 1}" with-rsc="r${i}"/>`);
    constraints.push(`<rsc_order id="ord-${i}" kind="Mandatory" first="r${i}" then="r${i + 1}"/>`);
  }
  const nodes = [0, 1, 2].map((n) => `<node id="${n + 1}" uname="node${n}"/>`).join("");
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration>`
    + `<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>`
    + `<nodes>${nodes}</nodes><resources>${resources.join("")}</resources><constraints>${constraints.join("")}</constraints></configuration><status/></cib>\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/**
 * Wall time and CPU time (user+sys, from bash's `times`) of a command. On a
 * shared, loaded machine the wall time mostly measures waiting for a core;
 * the CPU time is the cost of the command itself.
 */
function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv, runs: number): { ms: number; cpuMs: number; lines: number; text: string } {
  const times: number[] = [];
  const cpu: number[] = [];
  const output = join(env["HOME"] ?? tmpdir(), `show-${runs}-${command.length}.out`);
  const quoted = [command, ...args].map((word) => `'${word}'`).join(" ");
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = spawnSync("bash", ["-c", `${quoted} > "$OUT" && times >&2`], { env: { ...env, OUT: output }, encoding: "utf8", timeout: 900_000 });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${run.stderr}`);
    cpu.push(childCpuMs(run.stderr));
  }
  const text = readFileSync(output, "utf8");
  return { ms: median(times), cpuMs: median(cpu), lines: text.split("\n").length - 1, text };
}

/** Children's user+sys from the second line of bash's `times` ("0m1.234s 0m0.056s"). */
function childCpuMs(stderr: string): number {
  const line = stderr.trim().split("\n").at(-1) ?? "";
  const seconds = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return ((seconds[0] ?? NaN) + (seconds[1] ?? NaN)) * 1000;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "quorate-bench-crm-"));
  try {
    const file = join(dir, "cib.xml");
    await writeFile(file, generateCib());
    const env = { ...process.env, CIB_file: file, HOME: dir };
    console.log(`crm configure show, ${RESOURCES} primitives (${(await readFile(file)).length} bytes of CIB), median of ${RUNS} runs`);

    const phases = { parse: [] as number[], show: [] as number[], verify: [] as number[], serialize: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const parsed = parseXml(await readFile(file, "utf8"), file);
      if (!parsed.ok) throw new Error("generated CIB does not parse");
      const session = new ConfigureSession(parsed.value.root);
      phases.parse.push(performance.now() - t);
      t = performance.now();
      session.show();
      phases.show.push(performance.now() - t);
      t = performance.now();
      session.verify();
      phases.verify.push(performance.now() - t);
      t = performance.now();
      serializeXml(session.working.cib);
      phases.serialize.push(performance.now() - t);
    }
    for (const [phase, times] of Object.entries(phases)) console.log(`  in-process ${phase.padEnd(9)} ${median(times).toFixed(0).padStart(6)} ms`);

    const ours = timeCommand(quorate, ["crm", "configure", "show"], env, RUNS);
    console.log(`  quorate crm configure show (whole process)  wall ${ours.ms.toFixed(0).padStart(7)} ms  cpu ${ours.cpuMs.toFixed(0).padStart(7)} ms  (${ours.lines} lines)`);
    if (existsSync(CRMSH)) {
      const theirs = timeCommand(CRMSH, ["configure", "show"], env, Math.min(RUNS, 3));
      console.log(`  crmsh 4.4.1 crm configure show             wall ${theirs.ms.toFixed(0).padStart(7)} ms  cpu ${theirs.cpuMs.toFixed(0).padStart(7)} ms  (${theirs.lines} lines)`);
      console.log(`  same text as crmsh: ${theirs.text === ours.text ? "yes" : "NO"}`);
    } else {
      console.log("  crmsh not installed: no comparison");
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[3] === "--write") await writeFile(process.argv[4] ?? "cib.xml", generateCib()); else await main();
