import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { quorateBin, run, startServeProcess, tempDir } from "./helpers.js";

// `quorate nbd serve`: bad input gets a clear error and a usage exit status; nothing is served.
const port = 16050;

test("quorate nbd serve rejects bad arguments with exit 2 and names the problem", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["nbd"], /usage: quorate nbd serve/],
    [["nbd", "serve"], /--file is required/],
    [["nbd", "serve", "--file", "x", "--listen", "nope"], /--listen wants IP:PORT \(got "nope"\)/],
    [["nbd", "serve", "--file", "x", "--size", "12Q"], /--size wants BYTES/],
    [["nbd", "serve", "--file", "x", "--bogus"], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const result = await run(quorateBin, args);
    assert.equal(result.status, 2, args.join(" "));
    assert.match(result.stderr, message);
  }
});

test("quorate nbd serve reports a missing file and a busy port as operating errors (exit 1)", async () => {
  const dir = await tempDir("qn-cli-");
  try {
    const missing = await run(quorateBin, ["nbd", "serve", "--file", join(dir.path, "absent.img"), "--listen", `127.0.0.1:${port}`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^quorate nbd: cannot open .*absent\.img: ENOENT/);
    const first = await startServeProcess(join(dir.path, "a.img"), port, "a", "1M");
    try {
      const busy = await run(quorateBin, ["nbd", "serve", "--file", join(dir.path, "b.img"), "--size", "1M", "--listen", `127.0.0.1:${first.port}`]);
      assert.equal(busy.status, 1);
      assert.match(busy.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE`));
    } finally {
      await first.kill("SIGTERM");
    }
  } finally {
    await dir.dispose();
  }
});
