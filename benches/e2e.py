#!/usr/bin/env python3
"""End-to-end benchmarks of the actionhost binary (release build), printed as a Markdown table.

- batch throughput: 10,000 seed-Action requests through `actionhost batch` (best of 3 runs), and
  the median engine time per execution (`duration_ms`) in those runs;
- batch memory: resident memory of the process tree (host and worker processes) across 100,000
  executions: the median of the samples taken during the second tenth of the run, against the
  median of those taken during the last tenth (a single sample depends on how far the workers
  are from being recycled, which moves it by up to 15 %), and the peak;
- run latency: `actionhost run` of the seed Action, process start to exit (median of 20);
- simulated logins: N `simulate` lines through `actionhost batch --tenant fixtures/tenant` (best
  of 3 runs): two users of the example tenant logging in to each of its three applications, so
  that some logins complete (every Rule and Action runs) and some are denied by a Rule.

Usage: cargo build --release && python3 benches/e2e.py [--requests N] [--soak N] [--logins N]
       ACTIONHOST_BINARY=PATH python3 benches/e2e.py   # another build
       python3 benches/e2e.py --only simulate   # just the simulated logins
       python3 benches/e2e.py --write-requests FILE [--requests N]   # the requests, for cpu_split.py
"""

import argparse
import json
import os
import statistics
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("ACTIONHOST_BINARY") or os.path.join(ROOT, "target", "release", "actionhost")
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


TENANT = "fixtures/tenant"
LOGIN_CLIENTS = ["Internal Tools", "Customer Portal", "Legacy Mobile App"]
# Jane (verified, enterprise plan, admin) completes everywhere; Sam (unverified) gets in only
# where the application has SKIP_VERIFICATION.
LOGIN_USERS = [("auth0|65a5027f9b3c4d1e2f3a4b5c", ["completed"] * 3), ("auth0|7c1e9a4b2d3f5e6a7b8c9d0e", ["completed", "denied", "denied"])]


def login_lines(count):
    lines = []
    for i in range(count):
        user, _ = LOGIN_USERS[(i // 3) % 2]
        lines.append(json.dumps({"id": i, "simulate": {"client": LOGIN_CLIENTS[i % 3], "user_id": user}}))
    return ("\n".join(lines) + "\n").encode()


def check_logins(stdout, count):
    """Checks every result; returns the executions (rules and actions run) per login."""
    results = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(results) == count, f"{len(results)} results for {count} logins"
    executions = 0
    for result in results:
        i = result["id"]
        expected = LOGIN_USERS[(i // 3) % 2][1][i % 3]
        assert result["status"] == expected, f"login {i}: {result['status']} != {expected}: {result.get('error')}"
        executions += sum(1 for step in result["steps"] if step["status"] != "skipped")
    return executions / count


def simulated_logins(count):
    payload = login_lines(count)
    walls, per_login = [], 0.0
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run([BINARY, "batch", "--tenant", TENANT], input=payload, capture_output=True, cwd=ROOT, check=True)
        walls.append(time.perf_counter() - started)
        per_login = check_logins(result.stdout, count)
    best = min(walls)
    return best, count / best, per_login


def rss_kib(pid):
    """Resident memory of a process and of all its descendants (the worker processes), in KiB."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(rss_kib(int(child)) for child in children.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


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
        rss = rss_kib(process.pid)
        if rss:
            samples.append((seen[0], rss))
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert seen[0] == count, f"{seen[0]} outcomes for {count} requests"
    after_warmup = statistics.median(rss for done, rss in samples if count // 10 <= done < count * 2 // 10)
    # Samples before the final outcome only: after it the workers exit with the batch.
    at_end = statistics.median(rss for done, rss in samples if count * 9 // 10 <= done < count)
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
    parser.add_argument("--logins", type=int, default=6_000)
    parser.add_argument("--only", choices=["simulate"])
    parser.add_argument("--write-requests", metavar="FILE", help="write the seed-Action requests (for cpu_split.py) and stop")
    args = parser.parse_args()
    if args.write_requests:
        with open(args.write_requests, "wb") as out:
            out.write(requests(args.requests))
        return

    login_wall, login_rate, per_login = simulated_logins(args.logins)
    login_row = f"| `batch`, {args.logins:,} simulated logins of the example tenant ({per_login:.2f} executions each), {os.cpu_count()} workers | {login_wall:.2f} s, {login_rate:,.0f} logins/s ({login_rate * per_login:,.0f} executions/s) |"
    if args.only == "simulate":
        print("| benchmark | result |")
        print("|---|---|")
        print(login_row)
        return
    wall, rate, engine_ms = batch_throughput(args.requests)
    warm, end, peak = batch_memory(args.soak)
    median, worst = run_latency(20)
    change = (end - warm) / warm * 100
    print(f"| benchmark | result |")
    print(f"|---|---|")
    print(f"| `batch`, {args.requests:,} seed-Action requests, {os.cpu_count()} workers | {wall:.2f} s, {rate:,.0f} executions/s |")
    print(f"| engine time of one execution in that run (outcome `duration_ms`, median) | {engine_ms * 1000:.0f} µs |")
    print(f"| `batch` resident memory over {args.soak:,} executions | median {warm / 1024:.1f} MiB over the second tenth, {end / 1024:.1f} MiB over the last ({change:+.1f} %), peak {peak / 1024:.1f} MiB |")
    print(f"| `run` of the seed Action, process start to exit (20 runs) | median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms |")
    print(login_row)


if __name__ == "__main__":
    main()
