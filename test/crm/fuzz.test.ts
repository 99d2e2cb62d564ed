import { test } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../src/cib/index.js";
import { ConfigureSession, CrmError, CrmSyntaxError, LexError, TokenStream, applyStatement, tokenize } from "../../src/crm/index.js";
import { type Rng, seededRng } from "../../src/lib/rng.js";
import { CASES } from "./cases.js";
import { EMPTY_CIB } from "./helpers.js";

// The parser must never crash or hang on bad input: every failure is a
// CrmSyntaxError, CrmError or LexError (operating errors), never anything else.

const SEED = Number(process.env["CRM_FUZZ_SEED"] ?? 0x5eed);
const ROUNDS = 3000;
const STATEMENT_BUDGET_MS = 200;

const WORDS = [
  "primitive", "group", "clone", "ms", "location", "colocation", "order", "rsc_ticket", "property", "rsc_defaults", "op_defaults",
  "tag", "fencing_topology", "role", "acl_target", "alert", "node", "delete", "rename", "modgroup", "set", "monitor", "erase",
  "bundle", "rsc_template", "params", "meta", "utilization", "op", "op_params", "op_meta", "operations", "rule", "date", "spec",
  "in", "gt", "lt", "and", "or", "defined", "not_defined", "eq", "number:lte", "inf:", "-inf:", "100:", "Mandatory:", "(", ")",
  "[", "]", "{", "}", "a", "b", "g", "Dummy", "ocf:heartbeat:Dummy", "stonith:null", "@tpl", "$id=x", "$id-ref=a", "x=1",
  "interval=10s", "role=Promoted", "a:Promoted", "b:start", "to", "select", "attributes", "nodes", "read", "write", "xpath:/x",
  "ref:a", "meta:a:b", "add", "remove", "before", "after", "n1:", "docker", "network", "storage", "port-mapping", ":", "=", "\"",
  "'", "\\", "#uname", "start=2020", "weeks=2",
];

function randomStatement(rng: Rng): string {
  const count = rng.int(12);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    words.push(rng.int(8) === 0 ? randomText(rng) : (WORDS[rng.int(WORDS.length)] ?? ""));
  }
  return words.join(" ");
}

function randomText(rng: Rng): string {
  let text = "";
  const length = 1 + rng.int(8);
  for (let i = 0; i < length; i++) text += String.fromCharCode(32 + rng.int(95));
  return text;
}

function mutate(rng: Rng, statement: string): string {
  const words = statement.split(" ");
  switch (rng.int(5)) {
    case 0: words.splice(rng.int(words.length), 1); break;
    case 1: words.splice(rng.int(words.length + 1), 0, WORDS[rng.int(WORDS.length)] ?? ""); break;
    case 2: words.length = rng.int(words.length + 1); break;
    case 3: {
      const i = rng.int(words.length);
      const j = rng.int(words.length);
      [words[i], words[j]] = [words[j] ?? "", words[i] ?? ""];
      break;
    }
    default: {
      const i = rng.int(words.length);
      const word = words[i] ?? "";
      const at = rng.int(word.length + 1);
      words[i] = word.slice(0, at) + randomText(rng).slice(0, 1) + word.slice(at);
    }
  }
  return words.join(" ");
}

function freshSession(): ConfigureSession {
  const parsed = parseXml(EMPTY_CIB, "empty");
  assert.ok(parsed.ok);
  const session = new ConfigureSession(parsed.value.root);
  for (const line of ["primitive a Dummy", "primitive b Dummy", "group g b", "rsc_template tpl Dummy", "node n1"]) run(session, line);
  return session;
}

/** Applies one statement; returns false on an operating error, rethrows anything else. */
function run(session: ConfigureSession, line: string): boolean {
  try {
    const tokens = tokenize(line);
    const command = tokens[0]?.text ?? "";
    if (command === "") return true;
    session.edit((config) => applyStatement(config, command, new TokenStream(tokens.slice(1), command)));
    return true;
  } catch (error) {
    if (error instanceof CrmSyntaxError || error instanceof CrmError || error instanceof LexError) return false;
    throw error;
  }
}

/** How many fuzzed statements were accepted: a fuzzer that never gets past the parser tests little. */
let accepted = 0;

function exercise(session: ConfigureSession, line: string, seed: number): void {
  const started = performance.now();
  try {
    if (run(session, line)) {
      accepted++;
      session.show();
      session.verify();
    }
  } catch (error) {
    assert.fail(`seed=0x${seed.toString(16)} input ${JSON.stringify(line)} threw ${(error as Error).stack ?? String(error)}`);
  }
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < STATEMENT_BUDGET_MS, `seed=0x${seed.toString(16)} input ${JSON.stringify(line)} took ${elapsedMs.toFixed(0)} ms`);
}

test("fuzz: random statements only ever fail with operating errors, never crash or hang", () => {
  const rng = seededRng(SEED);
  let session = freshSession();
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 200 === 0) session = freshSession();
    exercise(session, randomStatement(rng), SEED);
  }
  assert.ok(accepted > ROUNDS / 100, `only ${accepted} of ${ROUNDS} random statements were accepted`);
});

test("fuzz: mutated valid statements only ever fail with operating errors", () => {
  const rng = seededRng(SEED + 1);
  const valid = CASES.flatMap((c) => c.input);
  let session = freshSession();
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 50 === 0) session = freshSession();
    let line = valid[rng.int(valid.length)] ?? "";
    for (let n = 1 + rng.int(3); n > 0; n--) line = mutate(rng, line);
    exercise(session, line, SEED + 1);
  }
  assert.ok(accepted > ROUNDS / 10, `only ${accepted} of ${ROUNDS} mutated statements were accepted`);
});
