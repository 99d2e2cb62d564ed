// Colocation rules from Pacemaker Explained ("Colocation Constraints", "Resource
// Templates", "Tagging Resources"), in the same form as semantics-cases.ts.
import { createElement } from "../../src/cib/index.js";
import { colocation, primitive } from "./cib-builder.js";
import type { SemanticsCase } from "./semantics-cases.js";

const template = createElement("template", { id: "t", class: "ocf", provider: "heartbeat", type: "Dummy" });
const fromTemplate = (id: string) => createElement("primitive", { id, template: "t" });

export const COLOCATION_CASES: SemanticsCase[] = [
  {
    name: "a colocation with a template places its resources as an ordered set, the dependent with the last",
    cite: "Resource Templates: a template in a constraint stands for every resource made from it (as a resource set)",
    cib: {
      nodes: ["n1", "n2"],
      resources: [template, primitive("a"), fromTemplate("r1"), fromTemplate("r2"), fromTemplate("r3")],
      constraints: [colocation("a-with-t", "a", "t", "INFINITY")],
    },
    expect: ["* Start a ( n1 )", "* Start r1 ( n1 )", "* Start r2 ( n1 )", "* Start r3 ( n1 )"],
  },
];
