import { test } from "node:test";
import assert from "node:assert/strict";
import {
  evaluateRule, ruleScore, compareVersions, parseIsoDateTime, parseIsoDuration, addDuration, civilFromSeconds, parseIntervalMs,
  addScores, parseScore, scoreOrLenient, formatScore, toScore, INFINITY_SCORE, MINUS_INFINITY_SCORE, loadCib,
  type CibRule as Rule, type RuleContext, type Score,
} from "../../src/cib/index.js";
import { parsedRoot } from "./fixtures.js";

/** Reads one <rule> through the real loader (wrapped in a location constraint). */
function rule(xml: string): Rule {
  const cib = loadCib(parsedRoot(`<cib><configuration><resources><primitive id="rsc1" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints><rsc_location id="l" rsc="rsc1">${xml}</rsc_location></constraints></configuration></cib>`));
  assert.ok(cib.ok);
  assert.deepEqual(cib.value.warnings, []);
  const location = cib.value.configuration.constraints[0]!;
  assert.equal(location.kind, "location");
  return location.kind === "location" ? location.rules[0]! : assert.fail();
}

const at = (iso: string): number => parseIsoDateTime(iso) ?? assert.fail(`bad date ${iso}`);
const node = (attrs: Record<string, string>): RuleContext => ({ nowSeconds: 0, nodeAttributes: new Map(Object.entries(attrs)) });
const expr = (attrs: string): string => `<rule id="r1" score="1"><expression id="e1" ${attrs}/></rule>`;

test("node attribute expressions: Pacemaker Explained, 'Node Attribute Expressions' table", () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    [`attribute="#uname" operation="eq" value="node1"`, { "#uname": "node1" }, true],
    [`attribute="#uname" operation="eq" value="NODE1"`, { "#uname": "node1" }, true], // strings compare case-insensitively
    [`attribute="#uname" operation="ne" value="node1"`, { "#uname": "node2" }, true],
    [`attribute="rack" operation="defined"`, { rack: "a" }, true],
    [`attribute="rack" operation="defined"`, {}, false],
    [`attribute="rack" operation="not_defined"`, {}, true],
    [`attribute="rack" operation="eq" value="a"`, {}, false],
    [`attribute="rack" operation="ne" value="a"`, {}, true],
    [`attribute="cpus" operation="gt" value="8"`, { cpus: "16" }, true], // default type for gt is numeric: 16 > 8
    [`attribute="cpus" operation="gt" value="8" type="string"`, { cpus: "16" }, false], // "16" < "8" as strings
    [`attribute="cpus" operation="lte" value="16"`, { cpus: "16" }, true],
    [`attribute="load" operation="lt" value="1.5"`, { load: "1.25" }, true], // a '.' makes it a number comparison
    [`attribute="load" operation="lt" value="1.5" type="integer"`, { load: "1.25" }, false], // integer truncates: 1 < 1 is false
    [`attribute="load" operation="gte" value="1" type="integer"`, { load: "1.9" }, true],
    [`attribute="ver" operation="gt" value="1.9" type="version"`, { ver: "1.10" }, true],
    [`attribute="ver" operation="gt" value="1.9" type="number"`, { ver: "1.10" }, false],
    [`attribute="ver" operation="eq" value="2.0.0" type="version"`, { ver: "2" }, true],
    [`attribute="x" operation="gt" value="5"`, { x: "abc" }, true], // not numeric: falls back to string order ("abc" > "5")
    [`attribute="#kind" operation="eq" value="remote"`, { "#kind": "cluster" }, false],
  ];
  for (const [attrs, nodeAttrs, expected] of cases) {
    assert.equal(evaluateRule(rule(expr(attrs)), node(nodeAttrs)), expected, `${attrs} on ${JSON.stringify(nodeAttrs)}`);
  }
});

test("value-source param and meta compare against the resource's own values", () => {
  const r = rule(expr(`attribute="site" operation="eq" value="preferred-site" value-source="param"`));
  const context: RuleContext = { ...node({ site: "east" }), resourceParams: new Map([["preferred-site", "east"]]) };
  assert.equal(evaluateRule(r, context), true);
  assert.equal(evaluateRule(r, { ...context, resourceParams: new Map([["preferred-site", "west"]]) }), false);
});

test("boolean-op and/or and nested rules; an empty rule is true", () => {
  const nested = rule(`<rule id="outer" boolean-op="or" score="10">
      <expression id="a" attribute="x" operation="eq" value="1"/>
      <rule id="inner" boolean-op="and"><expression id="b" attribute="y" operation="eq" value="2"/><expression id="c" attribute="z" operation="defined"/></rule>
    </rule>`);
  assert.equal(evaluateRule(nested, node({ x: "1" })), true);
  assert.equal(evaluateRule(nested, node({ y: "2" })), false);
  assert.equal(evaluateRule(nested, node({ y: "2", z: "" })), true);
  assert.equal(evaluateRule(rule(`<rule id="empty" score="1"/>`), node({})), true);
});

test("rule scores: literal score, or the node's score-attribute value", () => {
  const literal = rule(`<rule id="r" score="-INFINITY"><expression id="e" attribute="a" operation="defined"/></rule>`);
  assert.equal(ruleScore(literal, new Map()), MINUS_INFINITY_SCORE);
  const attribute = rule(`<rule id="r" score-attribute="pingd"><expression id="e" attribute="pingd" operation="defined"/></rule>`);
  assert.equal(ruleScore(attribute, new Map([["pingd", "2000"]])), 2000);
  assert.equal(ruleScore(attribute, new Map()), undefined);
});

test("role on a rule: Started matches any active role, Promoted only Promoted", () => {
  const promoted = rule(`<rule id="r" role="Master" score="1"><expression id="e" attribute="a" operation="not_defined"/></rule>`);
  assert.equal(promoted.role, "Promoted");
  assert.equal(evaluateRule(promoted, { ...node({}), role: "Promoted" }), true);
  assert.equal(evaluateRule(promoted, { ...node({}), role: "Unpromoted" }), false);
  const started = rule(`<rule id="r" role="Started" score="1"><expression id="e" attribute="a" operation="not_defined"/></rule>`);
  assert.equal(evaluateRule(started, { ...node({}), role: "Unpromoted" }), true);
  assert.equal(evaluateRule(started, { ...node({}), role: "Stopped" }), false);
});

test("date expressions: in_range (inclusive), start+duration, gt and lt (strict)", () => {
  const range = rule(`<rule id="r" score="1"><date_expression id="d" operation="in_range" start="2024-01-01" end="2024-12-31"/></rule>`);
  const check = (r: Rule, iso: string): boolean => evaluateRule(r, { nowSeconds: at(iso) });
  assert.equal(check(range, "2024-01-01T00:00:00Z"), true);
  assert.equal(check(range, "2023-12-31T23:59:59Z"), false);
  assert.equal(check(range, "2024-12-31T00:00:00Z"), true);
  assert.equal(check(range, "2024-12-31T00:00:01Z"), false);
  const withDuration = rule(`<rule id="r" score="1"><date_expression id="d" operation="in_range" start="2024-01-31"><duration id="du" months="1"/></date_expression></rule>`);
  assert.equal(check(withDuration, "2024-02-29T00:00:00Z"), true); // Jan 31 + 1 month = Feb 29 in a leap year
  assert.equal(check(withDuration, "2024-02-29T00:00:01Z"), false);
  const after = rule(`<rule id="r" score="1"><date_expression id="d" operation="gt" start="2024-06-01T12:00:00"/></rule>`);
  assert.equal(check(after, "2024-06-01T12:00:00Z"), false);
  assert.equal(check(after, "2024-06-01T12:00:01Z"), true);
  const before = rule(`<rule id="r" score="1"><date_expression id="d" operation="lt" end="2024-06-01"/></rule>`);
  assert.equal(check(before, "2024-05-31T23:59:59Z"), true);
  assert.equal(check(before, "2024-06-01T00:00:00Z"), false);
});

test("date_spec: 'working hours' example (hours 9-16, weekdays 1-5) and every field", () => {
  const work = rule(`<rule id="r" score="1"><date_expression id="d" operation="date_spec"><date_spec id="s" hours="9-16" weekdays="1-5"/></date_expression></rule>`);
  const check = (r: Rule, iso: string): boolean => evaluateRule(r, { nowSeconds: at(iso) });
  assert.equal(check(work, "2024-03-04T09:00:00Z"), true); // Monday 09:00
  assert.equal(check(work, "2024-03-04T16:59:59Z"), true); // hour 16 still matches
  assert.equal(check(work, "2024-03-04T17:00:00Z"), false);
  assert.equal(check(work, "2024-03-09T10:00:00Z"), false); // Saturday
  const spec = (attrs: string, iso: string): boolean =>
    check(rule(`<rule id="r" score="1"><date_expression id="d" operation="date_spec"><date_spec id="s" ${attrs}/></date_expression></rule>`), iso);
  assert.equal(spec(`monthdays="1"`, "2024-07-01T05:00:00Z"), true);
  assert.equal(spec(`months="2" monthdays="29"`, "2024-02-29T05:00:00Z"), true);
  assert.equal(spec(`yeardays="60"`, "2024-02-29T05:00:00Z"), true);
  assert.equal(spec(`years="2024"`, "2025-01-01T00:00:00Z"), false);
  assert.equal(spec(`weekyears="2020" weeks="53"`, "2021-01-01T00:00:00Z"), true); // ISO week 53 of 2020
  assert.equal(spec(`weeks="1"`, "2024-12-30T00:00:00Z"), true); // already ISO week 1 of 2025
  assert.equal(spec(`minutes="0-29" seconds="30-59"`, "2024-01-01T10:15:45Z"), true);
  assert.equal(spec(`minutes="30-59"`, "2024-01-01T10:15:45Z"), false);
});

test("rsc_expression and op_expression (rsc_defaults / op_defaults)", () => {
  const r = rule(`<rule id="r" score="1" boolean-op="and"><rsc_expression id="re" class="ocf" provider="heartbeat"/><op_expression id="oe" name="monitor" interval="10s"/></rule>`);
  const resource = { class: "ocf", provider: "heartbeat", type: "IPaddr2" };
  assert.equal(evaluateRule(r, { nowSeconds: 0, resource, operation: { name: "monitor", intervalMs: 10_000 } }), true);
  assert.equal(evaluateRule(r, { nowSeconds: 0, resource, operation: { name: "monitor", intervalMs: 20_000 } }), false);
  assert.equal(evaluateRule(r, { nowSeconds: 0, resource: { ...resource, provider: "pacemaker" }, operation: { name: "monitor", intervalMs: 10_000 } }), false);
});

test("ISO 8601 dates: calendar, ordinal and week forms, times and zones", () => {
  const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  assert.equal(parseIsoDateTime("2024-03-01"), utc(2024, 3, 1));
  assert.equal(parseIsoDateTime("20240301"), utc(2024, 3, 1));
  assert.equal(parseIsoDateTime("2024-061"), utc(2024, 3, 1));
  assert.equal(parseIsoDateTime("2024-W09-5"), utc(2024, 3, 1));
  assert.equal(parseIsoDateTime("2009-W01-1"), utc(2008, 12, 29));
  assert.equal(parseIsoDateTime("2024-03-01 12:30"), utc(2024, 3, 1, 12, 30));
  assert.equal(parseIsoDateTime("2024-03-01T12:30:15Z"), utc(2024, 3, 1, 12, 30, 15));
  assert.equal(parseIsoDateTime("2024-03-01T12:30:15+02:00"), utc(2024, 3, 1, 10, 30, 15));
  assert.equal(parseIsoDateTime("2024-03-01T12:30:15-0130"), utc(2024, 3, 1, 14, 0, 15));
  for (const bad of ["2024-02-30", "2023-366", "2024-W54-1", "2024-13-01", "yesterday", "2024-03-01T25:00"]) {
    assert.equal(parseIsoDateTime(bad), undefined, bad);
  }
  const civil = civilFromSeconds(utc(2024, 2, 29, 23, 59, 58));
  assert.deepEqual([civil.year, civil.month, civil.day, civil.weekday, civil.yearday, civil.hour, civil.minute, civil.second], [2024, 2, 29, 4, 60, 23, 59, 58]);
  assert.equal(civilFromSeconds(utc(1969, 12, 31)).weekday, 3); // before the epoch too
});

test("ISO 8601 durations and calendar addition", () => {
  assert.deepEqual(parseIsoDuration("P1Y2M3DT4H5M6S"), { years: 1, months: 2, weeks: 0, days: 3, hours: 4, minutes: 5, seconds: 6 });
  assert.deepEqual(parseIsoDuration("P2W"), { years: 0, months: 0, weeks: 2, days: 0, hours: 0, minutes: 0, seconds: 0 });
  for (const bad of ["P", "PT", "1D", "P1DT", "P1.5D"]) assert.equal(parseIsoDuration(bad), undefined, bad);
  const base = Date.UTC(2023, 0, 31, 6) / 1000;
  assert.equal(addDuration(base, parseIsoDuration("P1M")!), Date.UTC(2023, 1, 28, 6) / 1000);
  assert.equal(addDuration(base, parseIsoDuration("P1Y1DT1H")!), Date.UTC(2024, 1, 1, 7) / 1000);
});

test("intervals: bare seconds, units, ISO durations", () => {
  const cases: Array<[string, number | undefined]> = [
    ["10", 10_000], ["10s", 10_000], ["10sec", 10_000], ["500ms", 500], ["500msec", 500], ["2m", 120_000], ["2min", 120_000],
    ["1h", 3_600_000], ["1hr", 3_600_000], ["0", 0], ["PT1M30S", 90_000], ["P1D", 86_400_000], ["P10S", 10_000],
    ["10 s", 10_000], ["10S", 10_000], ["2.5m", 120_000], ["abc", undefined], ["10x", undefined], ["-5s", undefined], ["P1M", undefined],
  ];
  for (const [text, ms] of cases) assert.equal(parseIntervalMs(text), ms, text);
});

test("scores: parsing forms and saturating arithmetic (-INFINITY wins)", () => {
  const forms: Array<[string, number | undefined]> = [
    ["INFINITY", 1_000_000], ["+INFINITY", 1_000_000], ["-INFINITY", -1_000_000], ["infinity", undefined], ["inf", undefined],
    ["-inf", undefined], ["100", 100], ["-100", -100], ["+7", 7], [" 7", 7], ["5000000", 1_000_000], ["-5000000", -1_000_000],
    ["1.5", undefined], ["abc", undefined], ["", undefined],
  ];
  for (const [text, score] of forms) assert.equal(parseScore(text), score, text);
  assert.equal(scoreOrLenient("10abc"), 10);
  assert.equal(scoreOrLenient("1.5"), 1);
  assert.equal(scoreOrLenient("abc"), 0);
  assert.equal(scoreOrLenient("inf"), 0); // Pacemaker 2.1: only upper-case INFINITY is infinite
  const s = (n: number): Score => toScore(n);
  assert.equal(addScores(INFINITY_SCORE, MINUS_INFINITY_SCORE), MINUS_INFINITY_SCORE);
  assert.equal(addScores(MINUS_INFINITY_SCORE, INFINITY_SCORE), MINUS_INFINITY_SCORE);
  assert.equal(addScores(INFINITY_SCORE, s(-999_999)), INFINITY_SCORE);
  assert.equal(addScores(s(600_000), s(600_000)), INFINITY_SCORE);
  assert.equal(addScores(s(-600_000), s(-600_000)), MINUS_INFINITY_SCORE);
  assert.equal(addScores(s(5), s(-7)), -2);
  assert.deepEqual([formatScore(INFINITY_SCORE), formatScore(MINUS_INFINITY_SCORE), formatScore(s(42))], ["INFINITY", "-INFINITY", "42"]);
  assert.equal(compareVersions("3.10.1", "3.9"), 1);
});
