import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { opDigest, pickParameters } from "../../src/executor/index.js";

import { childElements, parseXml, walk, type XmlElement } from "../../src/cib/index.js";

// Conformance: the op-digest Quorate computes equals the one Pacemaker recorded
// for start operations in its scheduler regression inputs (when that corpus is
// checked out beside the project). Cases whose definition changed on purpose
// (to test restarts) or whose secrets were masked ("****") cannot match; the
// floor below is a ratchet.
const corpus = fileURLToPath(new URL("../../../../shared/conformance/scheduler/public/", import.meta.url));
const MATCHES_MIN = 1102;
const RESTART_MATCHES_MIN = 328;

interface Sample {
  params: Record<string, string>;
  digest: string;
  /** op-force-restart and op-restart-digest, when recorded. */
  restart: { names: string[]; digest: string } | undefined;
}

/** Start operations recorded with a 3.x feature set, with their primitive's instance attributes. */
function samples(xml: string): Sample[] {
  const parsed = parseXml(xml, "cib.xml");
  if (!parsed.ok) return [];
  const elements: XmlElement[] = [];
  walk(parsed.value.root, (element) => void elements.push(element));
  const params = new Map<string, Record<string, string>>();
  for (const primitive of elements.filter((e) => e.name === "primitive")) {
    const attributes: Record<string, string> = {};
    for (const block of childElements(primitive, "instance_attributes")) {
      for (const pair of childElements(block, "nvpair")) {
        const name = pair.attrs.get("name");
        const value = pair.attrs.get("value");
        if (name !== undefined && value !== undefined) attributes[name] = value;
      }
    }
    params.set(primitive.attrs.get("id") ?? "", attributes);
  }
  const found: Sample[] = [];
  for (const resource of elements.filter((e) => e.name === "lrm_resource")) {
    const attributes = params.get(resource.attrs.get("id") ?? "");
    if (attributes === undefined) continue;
    for (const op of childElements(resource, "lrm_rsc_op")) {
      const digest = op.attrs.get("op-digest");
      if (digest === undefined || op.attrs.get("operation") !== "start" || !op.attrs.get("crm_feature_set")?.startsWith("3.")) continue;
      const names = op.attrs.get("op-force-restart");
      const restartDigest = op.attrs.get("op-restart-digest");
      const restart = names !== undefined && restartDigest !== undefined ? { names: names.split(/\s+/).filter(Boolean), digest: restartDigest } : undefined;
      found.push({ params: attributes, digest, restart });
    }
  }
  return found;
}


test("op-digest and op-restart-digest equal Pacemaker's on its scheduler regression inputs", { skip: existsSync(corpus) ? undefined : "the scheduler conformance corpus is not checked out beside the project" }, () => {
  let matches = 0;
  let total = 0;
  let restartMatches = 0;
  let restartTotal = 0;
  for (const file of readdirSync(corpus).filter((name) => name.endsWith(".xml"))) {
    for (const sample of samples(readFileSync(join(corpus, file), "utf8"))) {
      total++;
      if (opDigest(sample.params) !== sample.digest) continue; // definition changed on purpose, or masked
      matches++;
      if (sample.restart === undefined) continue;
      restartTotal++;
      if (opDigest(pickParameters(sample.params, sample.restart.names)) === sample.restart.digest) restartMatches++;
    }
  }
  assert.ok(total > 0, "the corpus has start operations");
  assert.ok(matches >= MATCHES_MIN, `${matches} of ${total} digests match (at least ${MATCHES_MIN} did before)`);
  assert.ok(restartMatches >= RESTART_MATCHES_MIN, `${restartMatches} of ${restartTotal} restart digests match (at least ${RESTART_MATCHES_MIN} did before)`);
});
