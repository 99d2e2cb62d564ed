// Node attribute expressions without a type (Pacemaker Explained, "Node Attribute
// Expressions": type defaults by the values compared), each on a CIB written for it.
import { locationRule, primitive } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const weighed = (value: string, limit: string): SemanticsCase["cib"] => ({
  nodes: [["n1", { attributes: { weight: value } }], "n2"],
  resources: [primitive("a")],
  constraints: [locationRule("heavy", "a", "-INFINITY", [["weight", "gt", limit]]), locationRule("prefer", "a", "10", [["#uname", "eq", "n1"]])],
});

export const EXPRESSION_CASES: SemanticsCase[] = [
  {
    name: "decimal values without a type compare as numbers (10.4 > 3.4)",
    cite: "Node Attribute Expressions: type",
    cib: weighed("10.4", "3.4"),
    expect: ["* Start a ( n2 )"],
  },
  {
    name: "decimal values without a type compare as numbers, not as text (3.4 < 10.6)",
    cite: "Node Attribute Expressions: type",
    cib: weighed("3.4", "10.6"),
    expect: ["* Start a ( n1 )"],
  },
];
