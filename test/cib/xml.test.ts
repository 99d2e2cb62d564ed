import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseXml, serializeXml, serializeDocument, formatCibError, findById, indexIds, cloneElement, createElement,
  createComment, childElements, removeElement, descend, textContent, walk, XML_DEPTH_MAX, type XmlElement,
} from "../../src/cib/index.js";

function parsed(text: string): XmlElement {
  const result = parseXml(text, "t.xml");
  if (!result.ok) assert.fail(formatCibError(result.error));
  return result.value.root;
}

function failure(text: string): string {
  const result = parseXml(text, "t.xml");
  assert.equal(result.ok, false, `expected a parse error for ${JSON.stringify(text)}`);
  return result.ok ? "" : formatCibError(result.error);
}

test("attributes keep document order, and serialisation matches cibadmin's layout", () => {
  const root = parsed(`<?xml version="1.0"?><cib z="1" a="2"><configuration><resources/></configuration></cib>`);
  assert.deepEqual([...root.attrs.keys()], ["z", "a"]);
  assert.equal(
    serializeXml(root),
    `<cib z="1" a="2">\n  <configuration>\n    <resources/>\n  </configuration>\n</cib>`,
  );
});

test("comments are kept where they are, including around the root", () => {
  const result = parseXml(`<!-- top --><cib><!-- inside --><a/><!--x--></cib><!-- end -->`);
  assert.ok(result.ok);
  const { root, prolog, epilog } = result.value;
  assert.deepEqual(root.children.map((c) => c.kind), ["comment", "element", "comment"]);
  assert.equal(prolog[0]?.text, " top ");
  assert.equal(epilog[0]?.text, " end ");
  assert.equal(serializeDocument(result.value), `<!-- top -->\n<cib>\n  <!-- inside -->\n  <a/>\n  <!--x-->\n</cib>\n<!-- end -->\n`);
});

test("entities and character references decode, and escape back losslessly", () => {
  const root = parsed(`<a v="x&amp;y &lt;&gt; &quot;&apos; &#10;&#x9;&#233;" w='say "hi"'>t &amp; &#x1F600;</a>`);
  assert.equal(root.attrs.get("v"), `x&y <> "' \n\té`);
  assert.equal(root.attrs.get("w"), `say "hi"`);
  assert.equal(textContent(root), "t & \u{1F600}");
  const again = parsed(serializeXml(root));
  assert.deepEqual(again.attrs, root.attrs);
  assert.equal(textContent(again), textContent(root));
});

test("literal newlines and tabs in attribute values normalise to spaces (XML 1.0 §3.3.3)", () => {
  assert.equal(parsed(`<a v="1\n2\t3\r\n4"/>`).attrs.get("v"), "1 2 3 4");
});

test("CDATA is text, kept as CDATA; DOCTYPE and processing instructions are skipped", () => {
  const root = parsed(`<!DOCTYPE cib SYSTEM "odd>name.dtd" [ <!ENTITY x "y>"> ]><?pi stuff?><a><![CDATA[<not> & markup]]></a>`);
  assert.equal(textContent(root), "<not> & markup");
  assert.equal(serializeXml(root), "<a><![CDATA[<not> & markup]]></a>");
});

test("blank text between elements is layout and is dropped; other text is kept", () => {
  const root = parsed(`<a>\n  <b/>\n  <c> x </c>\n</a>`);
  assert.equal(root.children.length, 2);
  assert.equal(textContent(childElements(root, "c")[0]!), " x ");
});

test("malformed XML is refused with FILE:LINE:COL and a message naming the problem", () => {
  const cases: Array<[string, string]> = [
    ["<a>\n  <b>\n</a>", "t.xml:3:1: end tag </a> does not match <b> opened at 2:3"],
    ["<a>\n<b></b>", "t.xml:2:8: element <a> opened at 1:1 is never closed"],
    ["<a x='1' x='2'/>", "t.xml:1:10: duplicate attribute 'x'"],
    ["<a x=1/>", "t.xml:1:6: value of attribute 'x' must be quoted"],
    ["<a x='1'y='2'/>", "t.xml:1:9: expected whitespace, '>' or '/>' after the element name or attribute"],
    ["<a>&nbsp;</a>", "t.xml:1:4: unknown entity '&nbsp;'"],
    ["<a>AT&T</a>", "t.xml:1:6: '&' must start an entity reference such as &amp;"],
    ["<a v='<'/>", "t.xml:1:7: '<' is not allowed in an attribute value"],
    ["<a/><b/>", "t.xml:1:5: a second root element"],
    ["junk<a/>", "t.xml:1:1: text before the root element"],
    ["<a/>junk", "t.xml:1:5: text after the root element"],
    ["", "t.xml:1:1: no root element"],
    ["<a><!-- x -- y --></a>", "t.xml:1:11: '--' is not allowed inside a comment"],
    ["<a><!-- x", "t.xml:1:4: comment is never closed with '-->'"],
    ["</a>", "t.xml:1:1: end tag </a> without a matching start tag"],
    ["<1a/>", "t.xml:1:2: expected element name, found '1'"],
    ["<a b", "t.xml:1:5: expected '=' after attribute 'b'"],
    ["<a>&#0;</a>", "t.xml:1:4: invalid character reference '&#0;'"],
    ["<a", "t.xml:1:3: start tag <a> is never closed"],
  ];
  for (const [text, expected] of cases) assert.equal(failure(text), expected, JSON.stringify(text));
});

test(`nesting beyond ${XML_DEPTH_MAX} levels is an error, not a stack overflow`, () => {
  const deep = "<a>".repeat(XML_DEPTH_MAX + 1) + "</a>".repeat(XML_DEPTH_MAX + 1);
  assert.match(failure(deep), /nested deeper than 256 levels/);
  assert.ok(parseXml("<a>".repeat(XML_DEPTH_MAX) + "</a>".repeat(XML_DEPTH_MAX)).ok);
});

test("tree helpers: find by id, index, walk order, clone independence, create, remove", () => {
  const root = parsed(`<cib><configuration><resources><primitive id="p1"/><group id="g"><primitive id="p2"/></group></resources></configuration></cib>`);
  const p2 = findById(root, "p2");
  assert.equal(p2?.parent?.attrs.get("id"), "g");
  const { byId, duplicates } = indexIds(root);
  assert.deepEqual([...byId.keys()], ["p1", "g", "p2"]);
  assert.deepEqual(duplicates, []);
  const order: string[] = [];
  walk(root, (element) => void order.push(element.name));
  assert.deepEqual(order, ["cib", "configuration", "resources", "primitive", "group", "primitive"]);
  const copy = cloneElement(root);
  descend(copy, ["configuration", "resources"])!.children.push(createElement("primitive", { id: "p3" }, [createComment(" new ")]));
  assert.equal(findById(root, "p3"), undefined);
  assert.equal(serializeXml(findById(copy, "p3")!.element), `<primitive id="p3">\n  <!-- new -->\n</primitive>`);
  assert.ok(removeElement(root, p2!.element));
  assert.equal(findById(root, "p2"), undefined);
  assert.equal(removeElement(root, p2!.element), false);
});

test("compact serialisation has no layout whitespace and parses back to the same tree", () => {
  const root = parsed(`<a x="1">\n  <b>\n    <!--c-->\n  </b>\n  <d>t</d>\n</a>`);
  const compact = serializeXml(root, { pretty: false });
  assert.equal(compact, `<a x="1"><b><!--c--></b><d>t</d></a>`);
  assert.equal(serializeXml(parsed(compact)), serializeXml(root));
});
