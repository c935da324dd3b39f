#!/usr/bin/env python3
"""What requiring an npm package costs, in actionhost and in Node, printed as a Markdown table.

For each package (installed in tests/compat/node_modules by `npm ci`), an Action that requires it
runs `--executions` times on one worker through `actionhost batch`:

- first execution: the file(s) resolved and sent by the supervisor, compiled, and run;
- later executions (median): the package's code runs again, since executions never share module
  instances;
- later executions in one shared container (median): the instances are kept, as Auth0's are.

Each is the outcome's `duration_ms` minus the same figure for an Action that requires nothing.
Node: the time of the first `require` in a fresh `node` process (median of 5), measured with
`process.hrtime` around it.

Usage: cargo build --release && (cd tests/compat && npm ci) && python3 benches/packages.py
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "actionhost")
MODULES = os.path.join(ROOT, "tests", "compat", "node_modules")
PACKAGES = [
    "lodash", "moment", "moment-timezone", "@xmldom/xmldom", "xpath", "ipaddr.js", "axios", "auth0", "jsonwebtoken",
    # ES-module-only packages (the worker turns each file into CommonJS first).
    "nanoid", "openid-client",
]
NOTHING = "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('x', 1); };\n"


def action(package):
    return (
        "exports.onExecutePostLogin = async (event, api) => {\n"
        f"  const loaded = require({json.dumps(package)});\n"
        "  api.idToken.setCustomClaim('x', typeof loaded);\n};\n"
    )


def durations(folder, source, executions, container):
    script = os.path.join(folder, "bench.js")
    with open(script, "w") as file:
        file.write(source)
    lines = []
    for _ in range(executions):
        request = {"script_path": script}
        if container:
            request["container"] = "bench"
        lines.append(json.dumps(request))
    result = subprocess.run(
        [BINARY, "batch", "--workers", "1"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    )
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    for outcome in outcomes:
        if outcome["status"] != "completed":
            raise SystemExit(f"{source!r}: {outcome['status']}: {outcome['error']}")
    return [outcome["duration_ms"] for outcome in outcomes]


def node_first_require(package):
    code = (
        "const t = process.hrtime.bigint();"
        f"require({json.dumps(package)});"
        "console.log(Number(process.hrtime.bigint() - t) / 1e6);"
    )
    runs = [float(subprocess.run(["node", "-e", code], cwd=os.path.dirname(MODULES), capture_output=True, text=True, check=True).stdout) for _ in range(5)]
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--executions", type=int, default=200)
    parser.add_argument("--packages", nargs="+", default=PACKAGES, help="which packages (all by default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.symlink(MODULES, os.path.join(folder, "node_modules"))
        base = durations(folder, NOTHING, args.executions, False)
        base_first, base_later = base[0], statistics.median(base[1:])
        print("| package | first execution | later executions (median) | in a shared container (median) | Node, first `require` |")
        print("|---|---|---|---|---|")
        for package in args.packages:
            fresh = durations(folder, action(package), args.executions, False)
            shared = durations(folder, action(package), args.executions, True)
            print(
                f"| {package} | {fresh[0] - base_first:.1f} ms | {statistics.median(fresh[1:]) - base_later:.2f} ms"
                f" | {statistics.median(shared[1:]) - base_later:.2f} ms | {node_first_require(package):.1f} ms |"
            )


if __name__ == "__main__":
    main()
