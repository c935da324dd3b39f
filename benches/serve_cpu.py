#!/usr/bin/env python3
"""CPU time of `actionhost serve` per token or per login, split by thread and worker processes.

Starts `actionhost serve` on a copy of the example tenant (as benches/serve_load.sh does), drives
it with wrk and the same checked wrk scripts (benches/wrk/*.lua), and divides the CPU time (user +
system, from /proc) that the server's threads and its worker processes (running ones, plus those
already reaped) spent during the run by the number of tokens or logins wrk counted. Unlike the
requests per second of serve_load.sh, these figures change little when something else loads the
machine, so they show what a change to the server costs or saves.

Usage: cargo build --release && python3 benches/serve_cpu.py [tokens|logins] [SECONDS] [--extra-users N] [--audience A]

--extra-users N adds N user files to the tenant copy (a tenant with many users: what a login
costs should not grow with them). --audience A makes each login ask for the API audience A (its
access token is then a signed JWT; without an API audience it is opaque, as Auth0's).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("ACTIONHOST_BINARY") or os.path.join(ROOT, "target", "release", "actionhost")
TICK = os.sysconf("SC_CLK_TCK")
BENCHMARKS = {
    "tokens": ("client_credentials.lua", "/oauth/token", {
        "CLIENT_ID": "Op4Ops0Automation0Client0Id0004",
        "CLIENT_SECRET": "ops-automation-example-secret",
        "AUDIENCE": "https://api.example.com/reports",
    }),
    "logins": ("code_flow.lua", "/", {
        "CLIENT_ID": "Wx1Internal0Tools0Client0Id0001",
        "REDIRECT_URI": "https://tools.example.com/callback",
        "LOGIN_HINT": "jane.doe@example.com",
    }),
}


def stat_fields(path):
    return open(path).read().rsplit(")", 1)[1].split()


def cpu(path):
    fields = stat_fields(f"/proc/{path}/stat")
    return (int(fields[11]) + int(fields[12])) / TICK


def snapshot(pid):
    """CPU seconds so far: per server thread name, and of the worker processes."""
    threads = {}
    workers = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            threads[name] = threads.get(name, 0.0) + cpu(f"{pid}/task/{tid}")
            for child in open(f"/proc/{pid}/task/{tid}/children").read().split():
                workers += cpu(child)
        except FileNotFoundError:
            pass  # a thread or a worker that ended while being read
    fields = stat_fields(f"/proc/{pid}/stat")
    workers += (int(fields[13]) + int(fields[14])) / TICK
    return threads, workers


def main():
    args = sys.argv[1:]
    extra_users = 0
    if "--extra-users" in args:
        at = args.index("--extra-users")
        extra_users = int(args[at + 1])
        del args[at:at + 2]
    audience = None
    if "--audience" in args:
        at = args.index("--audience")
        audience = args[at + 1]
        del args[at:at + 2]
    which = args[0] if args else "logins"
    seconds = args[1] if len(args) > 1 else "10"
    lua, path, env = BENCHMARKS[which]
    if audience is not None:
        env = {**env, "AUDIENCE": audience}
    work = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(ROOT, "fixtures", "tenant"), os.path.join(work, "tenant"))
        shutil.rmtree(os.path.join(work, "tenant", ".actionhost"), ignore_errors=True)
        for i in range(extra_users):
            user = {"user_id": f"auth0|bulk{i:05d}", "email": f"user{i}@example.org", "name": f"Bulk User {i}",
                    "email_verified": True, "app_metadata": {"plan": "free"}, "user_metadata": {}}
            with open(os.path.join(work, "tenant", "users", f"bulk{i:05d}.json"), "w") as out_file:
                json.dump(user, out_file, indent=2)
        out = open(os.path.join(work, "out"), "w+")
        server = subprocess.Popen(
            [BINARY, "serve", "--tenant", os.path.join(work, "tenant"), "--port", "0", "--api-token", "bench",
             "--auto-login", "--log-format", "json"],
            stdout=out, stderr=subprocess.DEVNULL)
        url = None
        for _ in range(100):
            match = re.search(r"^listening on (\S+)", open(out.name).read(), re.M)
            if match:
                url = match.group(1)
                break
            time.sleep(0.1)
        if not url:
            sys.exit("serve_cpu: the server did not start")
        before = snapshot(server.pid)
        wrk_started = os.times()
        result = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", os.path.join(ROOT, "benches", "wrk", lua), url + path],
            env={**os.environ, **env}, capture_output=True, text=True, check=True)
        wrk_ended = os.times()
        after = snapshot(server.pid)
        server.terminate()
        server.wait()
        line = re.search(r"^RESULT (.*)$", result.stdout, re.M).group(1)
        counts = dict(part.split("=") for part in line.split())
        done = int(counts[which])
        if done == 0 or counts.get("failures", "0") != "0":
            sys.exit(f"serve_cpu: {line}")
        per = lambda s: f"{s / done * 1e6:,.0f} µs"
        print(f"{done} {which} in {counts['seconds']} s ({done / float(counts['seconds']):,.0f}/s); CPU per one:")
        total = 0.0
        for name, end in sorted(after[0].items(), key=lambda item: -item[1]):
            spent = end - before[0].get(name, 0.0)
            total += spent
            print(f"  server threads {name}: {per(spent)}")
        workers = after[1] - before[1]
        total += workers
        print(f"  worker processes: {per(workers)}")
        print(f"  server in all: {per(total)}")
        load = (wrk_ended.children_user + wrk_ended.children_system) - (wrk_started.children_user + wrk_started.children_system)
        print(f"  wrk (the load generator): {per(load)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
