#!/usr/bin/env python3
"""Each execution path at scale, checked for correctness and for flat memory.

- `actionhost test` of one generated case file of N seed-Action cases (the three application
  metadata situations in turn), with --jobs 1 and with the default workers: every case passes;
- `actionhost batch` of N seed-Action requests;
- `actionhost batch` of N/5 `simulate` lines on the example tenant;
- `actionhost batch` of R hostile requests that each end in a timeout (every one replaces its
  worker's isolate), then the seed Action: memory stays flat across the replacements.

For each run it samples the resident memory of the whole process tree (the host and its worker
processes) and prints it after a tenth of the work and at the end, as a Markdown table.

Usage: cargo build --release && python3 benches/scale.py [--cases N] [--replacements R]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import ACTION, BINARY, ROOT, check, check_logins, login_lines, requests, rss_kib  # noqa: E402

SEED_CASES = [
    ("Internal Tools", "completed"),
    ("Customer Portal", "denied"),
    ("Legacy Mobile App", "denied"),
]


def case_file(count, folder):
    cases = []
    for i in range(count):
        client, status = SEED_CASES[i % 3]
        cases.append({"name": f"case {i}", "client": client, "expect": {"status": status}})
    suite = {"tenant": os.path.join(ROOT, "fixtures", "tenant"), "action": "require-verified-email", "defaults": {"user": {"email_verified": False}}, "cases": cases}
    path = os.path.join(folder, "scale.cases.json")
    with open(path, "w") as out:
        json.dump(suite, out)
    return path


def sampled(command, payload, total, progress):
    """Runs `command`, feeding `payload`; samples tree memory against `progress(stdout lines)`."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    lines, samples = [], []

    def feed():
        if payload:
            process.stdin.write(payload)
        process.stdin.close()

    def read():
        for line in process.stdout:
            lines.append(line)

    threads = [threading.Thread(target=feed), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    while process.poll() is None:
        rss = rss_kib(process.pid)
        if rss:
            samples.append((progress(lines), rss))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    for thread in threads:
        thread.join()
    stderr = process.stderr.read().decode()
    return process.returncode, b"".join(lines), stderr, samples, wall


def memory(samples, total):
    warm = next((rss for done, rss in samples if done >= total // 10), samples[-1][1])
    # The last sample taken while work was still under way (the workers exit with the host).
    end = [rss for done, rss in samples if done < total][-1]
    return f"{warm / 1024:.1f} MiB after a tenth, {end / 1024:.1f} MiB at the end ({(end - warm) / warm * 100:+.1f} %), peak {max(r for _, r in samples) / 1024:.1f} MiB"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--replacements", type=int, default=1_000)
    args = parser.parse_args()
    n = args.cases
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        suite = case_file(n, folder)
        for jobs in ["1", str(os.cpu_count())]:
            # The human reporter prints nothing per passing case, so progress is read from the
            # JUnit file at the end only; the samples are taken against elapsed time instead.
            code, out, err, samples, wall = sampled([BINARY, "test", suite, "--jobs", jobs], None, n, lambda lines: 0)
            summary = out.decode().strip().splitlines()[-1] if out else err
            assert code == 0 and summary == f"{n} passed, 0 failed", f"test --jobs {jobs}: exit {code}: {summary}\n{err[-2000:]}"
            # Progress against time: the run is steady, so the tenth of the samples stands for a tenth of the cases.
            timed = [(i * n // len(samples), rss) for i, (_, rss) in enumerate(samples[:-2])]
            rows.append(f"| `actionhost test`, {n:,} cases, --jobs {jobs} | {wall:.1f} s, all passed; {memory(timed, n)} |")

        code, out, err, samples, wall = sampled([BINARY, "batch"], requests(n), n, len)
        assert code == 0, err
        check(out, n)
        rows.append(f"| `actionhost batch`, {n:,} seed-Action requests | {wall:.1f} s, all correct; {memory(samples, n)} |")

        logins = max(n // 5, 1)
        code, out, err, samples, wall = sampled([BINARY, "batch", "--tenant", "fixtures/tenant"], login_lines(logins), logins, len)
        assert code == 0, err
        check_logins(out, logins)
        rows.append(f"| `actionhost batch`, {logins:,} simulated logins | {wall:.1f} s, all correct; {memory(samples, logins)} |")

        r = args.replacements
        hostile = "".join(json.dumps({"id": i, "script": "exports.onExecutePostLogin = async () => { for (;;) {} };", "timeout_ms": 20}) + "\n" for i in range(r))
        hostile += json.dumps({"id": r, "script_path": ACTION, "client_metadata": {"TIER": "gold"}, "event": {"user": {"email_verified": True}}}) + "\n"
        code, out, err, samples, wall = sampled([BINARY, "batch"], hostile.encode(), r, len)
        outcomes = [json.loads(line) for line in out.decode().splitlines()]
        assert all(o["status"] == "timeout" for o in outcomes[:r]), "a hostile request did not time out"
        assert outcomes[r]["status"] == "completed", outcomes[r]
        rows.append(f"| `actionhost batch`, {r:,} timeouts (each replaces an isolate), then the seed Action | {wall:.1f} s, all as expected; {memory(samples, r)} |")
    print("| run | result |")
    print("|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
