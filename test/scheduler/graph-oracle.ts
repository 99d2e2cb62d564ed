// The transition graph checked two ways: executable (every edge joins two actions,
// no cycle) and, where crm_simulate runs, the same as its --save-dotfile.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Transition } from "../../src/scheduler/index.js";

/** crm_simulate's dot lines for a CIB text, or why it cannot run here. */
export function crmDot(xml: string): string[] | string {
  const dir = mkdtempSync(join(tmpdir(), "quorate-graph-"));
  try {
    const file = join(dir, "cib.xml"), dot = join(dir, "graph.dot");
    writeFileSync(file, xml);
    const r = spawnSync("crm_simulate", ["-x", file, "-D", dot], { encoding: "utf8", timeout: 60_000 });
    if (r.error !== undefined) return `crm_simulate is not available: ${r.error.message}`;
    return readFileSync(dot, "utf8").split("\n").filter((l) => l !== "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A dot graph's action and edge lines (both sides draw the same header and braces). */
export function dotBody(dot: readonly string[]): string[] {
  return dot.filter((l) => l.startsWith('"'));
}

/** crm_simulate's action and edge lines, less the optional ones it draws dashed (never executed), or why it cannot run. */
export function crmRunnableDot(xml: string): string[] | string {
  const dot = crmDot(xml);
  return typeof dot === "string" ? dot : dotBody(dot).filter((l) => !l.includes("dashed"));
}

/** Asserts that every action can run once what it waits for has run. */
export function executable(t: Transition): void {
  const ids = new Set(t.graph.actions.map((a) => a.id));
  for (const [before, after] of t.graph.edges) assert.ok(ids.has(before) && ids.has(after), `edge ${before} -> ${after} joins two actions`);
  const waiting = new Map<number, number>();
  for (const [, after] of t.graph.edges) waiting.set(after, (waiting.get(after) ?? 0) + 1);
  const ready = t.graph.actions.filter((a) => !waiting.has(a.id)).map((a) => a.id);
  let done = 0;
  while (ready.length > 0) {
    const id = ready.pop()!;
    done++;
    for (const [before, after] of t.graph.edges) {
      if (before !== id) continue;
      const left = waiting.get(after)! - 1;
      waiting.set(after, left);
      if (left === 0) ready.push(after);
    }
  }
  assert.equal(done, t.graph.actions.length, "every action can run once what it waits for has run (no cycle)");
  for (const a of t.graph.actions) assert.ok(a.pseudo || (a.node !== "" && a.timeoutMs > 0), `${a.resource} ${a.operation} has a node and a timeout`);
}
