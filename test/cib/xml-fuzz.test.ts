import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng, type Rng } from "../../src/lib/rng.js";
import { parseXml, serializeXml, loadCib } from "../../src/cib/index.js";

const SEED = 0x5eed_c1b;
const SAMPLE = `<?xml version="1.0"?>
<!-- comment -->
<cib epoch="3" num_updates="1" admin_epoch="0" validate-with="pacemaker-3.7">
  <configuration>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-ia"><nvpair id="ip-ip" name="ip" value="10.0.0.1 &amp; &#10;"/></instance_attributes>
        <![CDATA[ raw <text> ]]>
      </primitive>
    </resources>
  </configuration>
  <status/>
</cib>`;
const PIECES = ["<", ">", "/", "=", '"', "'", "&", ";", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<!DOCTYPE", "&#", "&amp;", "\n", " ", "a", "é", "\u0000"];

function mutate(text: string, rng: Rng): string {
  let result = text;
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits; i++) {
    const at = rng.int(result.length + 1);
    switch (rng.int(3)) {
      case 0: result = result.slice(0, at) + result.slice(at + 1 + rng.int(8)); break;
      case 1: result = result.slice(0, at) + PIECES[rng.int(PIECES.length)]! + result.slice(at); break;
      default: result = result.slice(0, at) + result.slice(at + rng.int(40), at + rng.int(40) + 20) + result.slice(at); break;
    }
  }
  return result;
}

function randomText(rng: Rng): string {
  let text = "";
  const length = rng.int(60);
  for (let i = 0; i < length; i++) text += rng.int(3) === 0 ? PIECES[rng.int(PIECES.length)]! : String.fromCharCode(32 + rng.int(95));
  return text;
}

test(`fuzz: mutated and random input never throws (parser and model loader), and what parses round-trips (seed=0x${SEED.toString(16)})`, () => {
  const rng = seededRng(SEED);
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const input = i % 4 === 0 ? randomText(rng) : mutate(SAMPLE, rng);
    const result = parseXml(input, "fuzz.xml");
    if (!result.ok) {
      assert.match(`${result.error.line}:${result.error.col}`, /^\d+:\d+$/, `seed=0x${SEED.toString(16)} iteration ${i}`);
      continue;
    }
    accepted++;
    loadCib(result.value); // the model loader must not throw on any well-formed tree either
    const written = serializeXml(result.value.root);
    const again = parseXml(written, "fuzz.xml");
    assert.ok(again.ok, `seed=0x${SEED.toString(16)} iteration ${i}: own output does not parse: ${written}`);
    assert.equal(serializeXml(again.value.root), written, `seed=0x${SEED.toString(16)} iteration ${i}`);
  }
  assert.ok(accepted > 100, `only ${accepted} mutated inputs parsed; the fuzzer is not exercising the success path`);
});
