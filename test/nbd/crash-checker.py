#!/usr/bin/python3
# Crash-test checker for an NBD export: writes numbered blocks with known
# content, journals every write it saw acknowledged (durably, per --mode), and
# after a crash or failover verifies that every acknowledged write is present.
#
#   crash-checker.py write  --uri nbd://127.0.0.1:16500/r0 --journal J [--mode fua|flush|plain]
#                           [--blocks 4096] [--block-size 4096] [--queue-depth 8] [--count N]
#                           [--duration-s S] [--flush-every 16] [--seed 1]
#   crash-checker.py verify --uri nbd://127.0.0.1:16501/r0 --journal J
#
# Modes: "fua" counts a write acknowledged when its FUA write is acknowledged;
# "flush" when a later NBD_CMD_FLUSH is acknowledged; "plain" when its plain
# write is acknowledged (what DRBD protocol C promises across a failover).
# `write` runs until --count writes, --duration-s, or the connection is lost
# (the expected end when the Primary is killed); it prints a JSON summary and
# exits 0 in all three cases. `verify` exits 0 when every acknowledged write is
# present, 1 when one is missing (listed in the JSON report), 2 on usage errors.
# Block k of write seq s holds: b"QNCK", u32 block, u64 seq, u64 seed, then
# bytes derived from (seed, seq). A block rewritten by a later unacknowledged
# write may legitimately hold that write (or a torn mix of both).
import argparse, json, random, struct, sys, time

import nbd

HEADER = struct.Struct(">4sIQQ")


def content(seed, seq, block, block_size):
    header = HEADER.pack(b"QNCK", block, seq, seed)
    return header + random.Random(seed * 2**40 + seq).randbytes(block_size - HEADER.size)


def write(args):
    h = nbd.NBD()
    h.connect_uri(args.uri)
    size = h.get_size()
    blocks = min(args.blocks, size // args.block_size)
    journal = open(args.journal, "w", buffering=1)
    journal.write(json.dumps({"seed": args.seed, "block_size": args.block_size, "blocks": blocks, "mode": args.mode}) + "\n")
    flags = nbd.CMD_FLAG_FUA if args.mode == "fua" else 0
    in_flight = {}  # cookie -> seq
    unflushed = []  # seqs acknowledged by the server but not yet covered by a flush
    seq, acked, stopped = 0, 0, "count reached"
    deadline = time.monotonic() + args.duration_s if args.duration_s else None

    def ack(s):
        nonlocal acked
        journal.write(f"A {s}\n")
        acked += 1

    try:
        while args.count is None or seq < args.count or in_flight:
            while len(in_flight) < args.queue_depth and (args.count is None or seq < args.count):
                if deadline and time.monotonic() > deadline:
                    args.count = seq
                    stopped = "duration reached"
                    break
                block = seq % blocks
                journal.write(f"I {seq} {block}\n")
                cookie = h.aio_pwrite(content(args.seed, seq, block, args.block_size), block * args.block_size, flags=flags)
                in_flight[cookie] = seq
                seq += 1
            if not in_flight:
                break
            h.poll(-1)
            for cookie in [c for c in in_flight if h.aio_command_completed(c)]:
                s = in_flight.pop(cookie)
                if args.mode == "flush":
                    unflushed.append(s)
                else:
                    ack(s)
            if args.mode == "flush" and len(unflushed) >= args.flush_every:
                h.flush()
                for s in unflushed:
                    ack(s)
                unflushed = []
        if args.mode == "flush" and unflushed:
            h.flush()
            for s in unflushed:
                ack(s)
    except nbd.Error as error:
        stopped = f"connection lost: {error}"
    print(json.dumps({"issued": seq, "acknowledged": acked, "stopped": stopped}))
    return 0


def verify(args):
    lines = open(args.journal).read().splitlines()
    meta = json.loads(lines[0])
    issued = {}  # block -> seqs issued, in order
    acked = set()
    for line in lines[1:]:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "I":
            issued.setdefault(int(parts[2]), []).append(int(parts[1]))
        elif len(parts) == 2 and parts[0] == "A":
            acked.add(int(parts[1]))
    h = nbd.NBD()
    h.connect_uri(args.uri)
    bs, seed = meta["block_size"], meta["seed"]
    missing, overwritten = [], 0
    for block, seqs in sorted(issued.items()):
        acked_here = [s for s in seqs if s in acked]
        if not acked_here:
            continue
        last = max(acked_here)
        later = [s for s in seqs if s > last]
        data = h.pread(bs, block * bs)
        if data == content(seed, last, block, bs):
            continue
        if any(data == content(seed, s, block, bs) for s in later) or (later and data[:4] == b"QNCK"):
            overwritten += 1
            continue
        found = HEADER.unpack(data[:HEADER.size]) if data[:4] == b"QNCK" else None
        missing.append({"block": block, "seq": last, "found": {"block": found[1], "seq": found[2], "seed": found[3]} if found else None})
    report = {"blocks_checked": len(issued), "acknowledged_writes": len(acked), "overwritten_by_unacknowledged": overwritten,
              "missing": missing[:20], "missing_count": len(missing), "ok": not missing}
    print(json.dumps(report))
    return 0 if not missing else 1


def main():
    parser = argparse.ArgumentParser(description="NBD crash-test checker: journal acknowledged writes, verify them after failover")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("--uri", required=True)
    w.add_argument("--journal", required=True)
    w.add_argument("--mode", choices=["fua", "flush", "plain"], default="fua")
    w.add_argument("--blocks", type=int, default=4096)
    w.add_argument("--block-size", type=int, default=4096)
    w.add_argument("--queue-depth", type=int, default=8)
    w.add_argument("--count", type=int)
    w.add_argument("--duration-s", type=float)
    w.add_argument("--flush-every", type=int, default=16)
    w.add_argument("--seed", type=int, default=1)
    v = sub.add_parser("verify")
    v.add_argument("--uri", required=True)
    v.add_argument("--journal", required=True)
    args = parser.parse_args()
    if args.command == "write" and args.block_size < 64:
        parser.error("--block-size must be at least 64")
    return write(args) if args.command == "write" else verify(args)


if __name__ == "__main__":
    sys.exit(main())
