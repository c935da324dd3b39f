#!/usr/bin/env python3
"""CPU time of one `actionhost batch` run, split by process and thread, per request.

Feeds a JSON-lines file to `actionhost batch`, waits for every answer, then reads the CPU time
(user + system, from /proc) of the host's threads (main, supervisor, standard-input reader) and
of its worker processes (running ones, plus those already reaped), divided by the number of
answers. Unlike wall time, these figures change little when something else loads the machine.

Usage: cargo build --release && python3 benches/cpu_split.py REQUESTS.jsonl [batch options…]
       (benches/e2e.py --write-requests FILE writes the seed-Action requests it uses)
"""

import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("ACTIONHOST_BINARY") or os.path.join(ROOT, "target", "release", "actionhost")
TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(path):
    return open(path).read().rsplit(")", 1)[1].split()


def cpu(pid):
    fields = stat_fields(f"/proc/{pid}/stat")
    return (int(fields[11]) + int(fields[12])) / TICK


def main():
    payload = open(sys.argv[1], "rb").read()
    count = payload.count(b"\n")
    batch = subprocess.Popen([BINARY, "batch", *sys.argv[2:]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    threading.Thread(target=lambda: (batch.stdin.write(payload), batch.stdin.flush()), daemon=True).start()
    started = time.perf_counter()
    answers = 0
    while answers < count and batch.stdout.readline():
        answers += 1
    wall = time.perf_counter() - started
    tasks = os.listdir(f"/proc/{batch.pid}/task")
    threads = {}
    for tid in tasks:
        name = open(f"/proc/{batch.pid}/task/{tid}/comm").read().strip()
        threads[name] = threads.get(name, 0) + cpu(f"{batch.pid}/task/{tid}")
    workers = [int(pid) for tid in tasks for pid in open(f"/proc/{batch.pid}/task/{tid}/children").read().split()]
    fields = stat_fields(f"/proc/{batch.pid}/stat")
    reaped = (int(fields[13]) + int(fields[14])) / TICK
    worker_cpu = sum(cpu(pid) for pid in workers) + reaped
    batch.stdin.close()
    batch.wait()
    per = lambda seconds: f"{seconds / answers * 1e6:.0f} µs"
    print(f"{answers} answers in {wall:.2f} s ({answers / wall:,.0f}/s); CPU per answer:")
    for name, seconds in sorted(threads.items(), key=lambda item: -item[1]):
        print(f"  host thread {name}: {per(seconds)}")
    print(f"  worker processes: {per(worker_cpu)}")


if __name__ == "__main__":
    main()
