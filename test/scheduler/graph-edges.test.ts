// The graph's edge storage: two growing columns of action ids that must read back,
// iterate and serialise exactly as the [before, after] pairs pushed, past any growth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EdgeList } from "../../src/scheduler/core/graph.js";

test("EdgeList keeps every pushed pair in order across growth and serialises as pairs", () => {
  const edges = new EdgeList();
  const pushed: Array<[number, number]> = [];
  for (let i = 0; i < 5000; i++) {
    const pair: [number, number] = [i * 7, 100_000 - i];
    edges.push(pair[0], pair[1]);
    pushed.push(pair);
  }
  assert.equal(edges.length, 5000);
  assert.deepEqual([...edges], pushed);
  assert.equal(JSON.stringify({ edges }), JSON.stringify({ edges: pushed }));
});

test("an empty EdgeList iterates nothing and serialises as []", () => {
  const edges = new EdgeList();
  assert.equal(edges.length, 0);
  assert.deepEqual([...edges], []);
  assert.equal(JSON.stringify(edges), "[]");
});
