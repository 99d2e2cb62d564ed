import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// Protocol cores are pure state machines (docs/ARCHITECTURE.md): no I/O, no clock,
// no randomness. This test reads every source file under a `core/` folder.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const forbidden: Array<[RegExp, string]> = [
  [/from\s+["']node:/, "imports a node: built-in"],
  [/import\(\s*["']node:/, "imports a node: built-in"],
  [/\bDate\.now\s*\(/, "reads the wall clock (Date.now)"],
  [/\bnew Date\s*\(\s*\)/, "reads the wall clock (new Date())"],
  [/\bperformance\.now\s*\(/, "reads the clock (performance.now)"],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, "arms a real timer"],
  [/\bMath\.random\s*\(/, "uses unseeded randomness"],
  [/\bprocess\./, "touches the process"],
];

function* coreFiles(dir: string, insideCore: boolean): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* coreFiles(path, insideCore || entry === "core");
    else if (insideCore && entry.endsWith(".ts")) yield path;
  }
}

test("files under src/**/core/ use no I/O, clock, timers or unseeded randomness", () => {
  const violations: string[] = [];
  for (const file of coreFiles(join(root, "src"), false)) {
    readFileSync(file, "utf8").split("\n").forEach((line, index) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      for (const [pattern, what] of forbidden) {
        if (pattern.test(line)) violations.push(`${relative(root, file)}:${index + 1}: ${what}`);
      }
    });
  }
  assert.deepEqual(violations, []);
});
