#!/usr/bin/python3
# An NBD client that keeps a byte-exact model of the export while it loads it:
# random writes of any size and alignment (from 1 byte to 12 KiB, half of them
# 512-byte sectors inside a 4 KiB block) and reads, up to --queue-depth in
# flight. No two requests in flight overlap, so the model knows every byte:
# each read must return it, and at the end it is written to --model.
#
#   io-model.py --uri URI --control DIR --model FILE [--seed N] [--queue-depth N]
#
# Control files in DIR: the client creates "ready" once it holds the model;
# the test creates "stop" to end the run.
# Prints a JSON summary; exits 1 when a read differed or a request failed.
import argparse, json, os, random, sys

import nbd


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--uri", required=True)
    p.add_argument("--control", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--queue-depth", type=int, default=8)
    args = p.parse_args()
    flag = lambda name: os.path.join(args.control, name)
    h = nbd.NBD()
    h.connect_uri(args.uri)
    size = h.get_size()
    model = bytearray(h.pread(size, 0))
    rng = random.Random(args.seed)
    in_flight = {}  # cookie -> (kind, off, length, buffer)
    summary = {"writes": 0, "reads": 0, "errors": []}
    open(flag("ready"), "w").close()

    def next_request():
        if rng.random() < 0.5:
            length, off = 512, rng.randrange(size // 512) * 512
        else:
            length = 1 + rng.randrange(12 * 1024)
            off = rng.randrange(size - length)
        if any(o < off + length and off < o + n for (_, o, n, _) in in_flight.values()):
            return None
        if rng.random() < 0.7:
            data = rng.randbytes(length)
            model[off:off + length] = data
            summary["writes"] += 1
            return h.aio_pwrite(data, off), ("write", off, length, None)
        buf = nbd.Buffer(length)
        summary["reads"] += 1
        return h.aio_pread(buf, off), ("read", off, length, buf)

    def collect():
        for cookie in [c for c in in_flight if h.aio_command_completed(c)]:
            kind, off, length, buf = in_flight.pop(cookie)
            if kind == "read" and bytes(buf.to_bytearray()) != model[off:off + length]:
                summary["errors"].append(f"read of {length} bytes at {off} returned other bytes than written")

    while True:
        stop = os.path.exists(flag("stop"))
        while not stop and len(in_flight) < args.queue_depth:
            request = next_request()
            if request is None:
                break
            in_flight[request[0]] = request[1]
        if not in_flight:
            break
        try:
            h.poll(-1)
            collect()
        except nbd.Error as error:
            summary["errors"].append(f"request failed: {error}")
            break
    with open(args.model, "wb") as f:
        f.write(model)
    print(json.dumps(summary))
    sys.exit(1 if summary["errors"] else 0)


main()
