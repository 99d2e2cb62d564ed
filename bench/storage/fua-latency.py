#!/usr/bin/python3
# 4 KiB durable-write latency at queue depth 1 over NBD: each write carries
# NBD_CMD_FLAG_FUA. Prints JSON {count, median_us, p99_us, mean_us} and, when
# server PIDS are given (comma-separated), cpu_us: their user + system CPU
# time (all threads) per measured write, which a loaded machine distorts far
# less than latency.
# WARMUP writes go first, unmeasured (a fresh Node daemon spends its first
# thousand writes or so compiling its hot path: twice the CPU per write).
#   fua-latency.py URI [COUNT] [SPAN_BYTES] [WARMUP] [PIDS]
import json, os, random, sys, time
import nbd

uri = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
span = int(sys.argv[3]) if len(sys.argv) > 3 else 256 * 1024 * 1024
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
pids = [int(pid) for pid in sys.argv[5].split(",") if pid] if len(sys.argv) > 5 else []


def cpu_seconds():
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime of the whole process
    return total / os.sysconf("SC_CLK_TCK")


h = nbd.NBD()
h.connect_uri(uri)
block = random.Random(1).randbytes(4096)
rng = random.Random(2)
offsets = [rng.randrange(0, span // 4096) * 4096 for _ in range(count)]
for offset in offsets[:warmup]:
    h.pwrite(block, offset, nbd.CMD_FLAG_FUA)
samples = []
cpu_before = cpu_seconds()
for offset in offsets:
    start = time.perf_counter_ns()
    h.pwrite(block, offset, nbd.CMD_FLAG_FUA)
    samples.append(time.perf_counter_ns() - start)
cpu_us = (cpu_seconds() - cpu_before) / count * 1e6
h.shutdown()
samples.sort()
report = {"count": count, "median_us": samples[count // 2] / 1000, "p99_us": samples[count * 99 // 100] / 1000,
          "mean_us": sum(samples) / count / 1000}
if pids:
    report["cpu_us"] = cpu_us
print(json.dumps(report))
