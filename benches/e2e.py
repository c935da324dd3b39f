#!/usr/bin/env python3
"""End-to-end benchmarks of the actionhost binary (release build), printed as a Markdown table.

- batch throughput: 10,000 seed-Action requests through `actionhost batch` (best of 3 runs), and
  the median engine time per execution (`duration_ms`) in those runs;
- batch memory: resident memory across 100,000 executions (after 10,000, then at the end);
- run latency: `actionhost run` of the seed Action, process start to exit (median of 20).

Usage: cargo build --release && python3 benches/e2e.py [--requests N] [--soak N]
"""

import argparse
import json
import os
import statistics
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "actionhost")
ACTION = "fixtures/tenant/actions/require-verified-email/code.js"
METADATA = [{"SKIP_VERIFICATION": "yes"}, {"TIER": "gold"}, None]
EXPECTED = ["completed", "denied", "denied"]


def requests(count):
    lines = []
    for i in range(count):
        request = {"id": i, "script_path": ACTION, "event": {"user": {"email_verified": False}}}
        if METADATA[i % 3] is not None:
            request["client_metadata"] = METADATA[i % 3]
        lines.append(json.dumps(request))
    return ("\n".join(lines) + "\n").encode()


def check(stdout, count):
    """Checks every outcome and returns the median engine time per execution, in ms."""
    outcomes = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(outcomes) == count, f"{len(outcomes)} outcomes for {count} requests"
    for outcome in outcomes:
        expected = EXPECTED[outcome["id"] % 3]
        assert outcome["status"] == expected, f"request {outcome['id']}: {outcome['status']} != {expected}"
    return statistics.median(outcome["duration_ms"] for outcome in outcomes)


def batch_throughput(count):
    payload = requests(count)
    walls, engine = [], []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run([BINARY, "batch"], input=payload, capture_output=True, cwd=ROOT, check=True)
        walls.append(time.perf_counter() - started)
        engine.append(check(result.stdout, count))
    best = min(walls)
    return best, count / best, statistics.median(engine)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def batch_memory(count):
    payload = requests(count)
    process = subprocess.Popen([BINARY, "batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    samples = []  # (outcomes so far, rss KiB)
    seen = [0]

    def feed():
        process.stdin.write(payload)
        process.stdin.close()

    def read():
        for _ in process.stdout:
            seen[0] += 1

    threads = [threading.Thread(target=feed), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    while process.poll() is None:
        try:
            samples.append((seen[0], rss_kib(process.pid)))
        except FileNotFoundError:
            break
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert seen[0] == count, f"{seen[0]} outcomes for {count} requests"
    after_warmup = next(rss for done, rss in samples if done >= count // 10)
    at_end = [rss for done, rss in samples if done >= count * 9 // 10][-1]
    peak = max(rss for _, rss in samples)
    return after_warmup, at_end, peak


def run_latency(times):
    walls = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([BINARY, "run", ACTION, "--client-metadata", "SKIP_VERIFICATION=yes"], capture_output=True, cwd=ROOT, check=True)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), max(walls)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--soak", type=int, default=100_000)
    args = parser.parse_args()

    wall, rate, engine_ms = batch_throughput(args.requests)
    warm, end, peak = batch_memory(args.soak)
    median, worst = run_latency(20)
    change = (end - warm) / warm * 100
    print(f"| benchmark | result |")
    print(f"|---|---|")
    print(f"| `batch`, {args.requests:,} seed-Action requests, {os.cpu_count()} workers | {wall:.2f} s, {rate:,.0f} executions/s |")
    print(f"| engine time of one execution in that run (outcome `duration_ms`, median) | {engine_ms * 1000:.0f} µs |")
    print(f"| `batch` resident memory over {args.soak:,} executions | {warm / 1024:.1f} MiB after {args.soak // 10:,}, {end / 1024:.1f} MiB at the end ({change:+.1f} %), peak {peak / 1024:.1f} MiB |")
    print(f"| `run` of the seed Action, process start to exit (20 runs) | median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
