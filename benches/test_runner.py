#!/usr/bin/env python3
"""`actionhost test` end to end against the Node.js way of unit-testing an Action.

Generates N cases of the seed Action (the three application-metadata situations, in turn) as
one actionhost case file, and the same N cases as node:test files written the way Auth0's
unit-testing docs show (benches/node-baseline/generate.mjs): one loading the module once with
`require`, one evaluating it in a fresh `vm` context per case. Each command runs R times, wall
clock from process start to exit; the best and the median are printed as a Markdown table with
the ratios, with the median CPU time (user + system) of each, which another load on the machine
disturbs less than the wall clock.

Usage: cargo build --release && python3 benches/test_runner.py [--cases N] [--runs R]
"""

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "actionhost")
ACTION = os.path.join(ROOT, "fixtures", "tenant", "actions", "require-verified-email", "code.js")
DENY = "Please verify your email address before logging in."
SITUATIONS = [
    ('{SKIP_VERIFICATION: "yes"}', "completed", ["      logs: [skipping email verification for Example Application]"]),
    ("{TIER: gold}", "denied", [f"      deny: {DENY}"]),
    ("{}", "denied", [f"      deny: {DENY}"]),
]


def case_file(count):
    lines = [f"script: {ACTION}", "defaults:", "  user: {email_verified: false}", "cases:"]
    for i in range(count):
        metadata, status, checks = SITUATIONS[i % 3]
        lines += [f"  - name: case {i}", f"    client_metadata: {metadata}", "    expect:", f"      status: {status}"] + checks
    return "\n".join(lines) + "\n"


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, expect_in_output):
    cpu = cpu_seconds()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0 and expect_in_output in output, f"{command}: exit {result.returncode}\n{output[-2000:]}"
    return wall, cpu_seconds() - cpu


def measure(command, expect_in_output, runs):
    samples = [timed(command, expect_in_output) for _ in range(runs)]
    walls = [wall for wall, _ in samples]
    return min(walls), statistics.median(walls), statistics.median(cpu for _, cpu in samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        suite = os.path.join(work, "seed.cases.yaml")
        with open(suite, "w") as out:
            out.write(case_file(args.cases))
        subprocess.run(["node", os.path.join(ROOT, "benches", "node-baseline", "generate.mjs"), work, str(args.cases), ACTION], check=True)
        node_passed = f"pass {args.cases}"
        rows = [
            ("`actionhost test` (1 case file, 2 workers)", measure([BINARY, "test", suite], f"{args.cases} passed, 0 failed", args.runs)),
            ("`node --test`, module loaded once with `require`", measure(["node", "--test", os.path.join(work, "require.test.cjs")], node_passed, args.runs)),
            ("`node --test`, fresh `vm` context per case", measure(["node", "--test", os.path.join(work, "vm.test.cjs")], node_passed, args.runs)),
        ]
    ours = rows[0][1]
    load = os.getloadavg()[0]
    print(f"{args.cases:,} cases of the seed Action, wall clock from process start to exit, {args.runs} runs, {os.cpu_count()} cores, load average {load:.1f}\n")
    print("| command | wall, best | wall, median | CPU, median | median wall vs actionhost | best wall vs actionhost |")
    print("|---|---|---|---|---|---|")
    for name, (best, median, cpu) in rows:
        print(f"| {name} | {best:.3f} s | {median:.3f} s | {cpu:.3f} s | {median / ours[1]:.1f}× | {best / ours[0]:.1f}× |")


if __name__ == "__main__":
    main()
