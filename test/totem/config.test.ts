import { test } from "node:test";
import assert from "node:assert/strict";
import { effectiveTotemConfig } from "../../src/totem/index.js";

// corosync.conf(5) and the protocol brief §4: defaults and how they scale with the nodelist.
test("corosync 3 defaults: token 3000 for 2 nodes, +650 per node above 2 with a nodelist", () => {
  const two = effectiveTotemConfig({}, 2);
  const three = effectiveTotemConfig({}, 3);
  assert.ok(two.ok && three.ok);
  assert.deepEqual(
    [two.value.token, two.value.token_retransmit, two.value.hold, two.value.consensus],
    [3000, 714, 561, 3600],
  );
  assert.deepEqual(
    [three.value.token, three.value.token_retransmit, three.value.hold, three.value.consensus],
    [3650, 869, 685, 4380],
  );
  assert.equal(three.value.join, 50);
  assert.equal(three.value.window_size, 50);
  assert.equal(three.value.max_messages, 17);
});

test("without a nodelist token_coefficient does not apply; explicit values are not derived", () => {
  const noList = effectiveTotemConfig({}, undefined);
  assert.ok(noList.ok);
  assert.equal(noList.value.token, 3000);
  const explicit = effectiveTotemConfig({ token: 1000, token_coefficient: 0, consensus: 1200 }, 5);
  assert.ok(explicit.ok);
  assert.deepEqual([explicit.value.token, explicit.value.consensus, explicit.value.token_retransmit], [1000, 1200, 238]);
});

test("contradictory settings are reported, not accepted", () => {
  const bad = effectiveTotemConfig({ token: 1000, hold: 500, token_retransmit: 400, max_messages: 80 }, 2);
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.ok(bad.error.some((p) => p.includes("hold (500) must be less than token_retransmit (400)")));
    assert.ok(bad.error.some((p) => p.includes("max_messages (80)")));
  }
});
