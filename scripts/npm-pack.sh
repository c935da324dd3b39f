#!/usr/bin/env bash
# Builds the npm packages of actionhost for this platform with `npm pack`, into target/npm/:
# - actionhost-VERSION.tgz: the main package (npm/actionhost: the launcher bin/actionhost.js),
#   listing every platform package as an optional dependency at the same version;
# - actionhost-PLATFORM-ARCH-VERSION.tgz: `@actionhost/PLATFORM-ARCH` with `os` / `cpu` set and
#   the release binary in bin/.
# VERSION is Cargo.toml's. ACTIONHOST_BINARY names the binary to package (default
# target/release/actionhost, built with `cargo build --release --locked` when missing).
# Prints the paths of the two tarballs.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${ACTIONHOST_BINARY:-target/release/actionhost}
if [ ! -x "$binary" ]; then
  cargo build --release --locked >&2
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
platform=$(node -p 'process.platform + "-" + process.arch')
case "$platform" in
  linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64) ;;
  *) echo "npm-pack: no package for $platform (packaged: linux-x64, linux-arm64, darwin-x64, darwin-arm64)" >&2; exit 2 ;;
esac

out=target/npm
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/main" "$stage/platform/bin"

# The main package: the launcher, its README, package.json with the version filled in.
cp -R npm/actionhost/. "$stage/main/"
chmod +x "$stage/main/bin/actionhost.js"
VERSION=$version node -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = process.env.VERSION;
  pkg.optionalDependencies = {};
  for (const p of ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]) {
    pkg.optionalDependencies[`@actionhost/${p}`] = process.env.VERSION;
  }
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage/main/package.json"

# This platform's package: the binary, with os and cpu so npm installs it only here.
cp "$binary" "$stage/platform/bin/actionhost"
chmod +x "$stage/platform/bin/actionhost"
cp LICENSE "$stage/platform/LICENSE"
cp LICENSE "$stage/main/LICENSE"
VERSION=$version PLATFORM=$platform node -e '
  const fs = require("node:fs");
  const [os, cpu] = process.env.PLATFORM.split("-");
  const pkg = {
    name: `@actionhost/${process.env.PLATFORM}`,
    version: process.env.VERSION,
    description: `The actionhost binary for ${process.env.PLATFORM} (installed by the actionhost package)`,
    license: "MIT",
    os: [os],
    cpu: [cpu],
    files: ["bin/actionhost", "LICENSE"],
    preferUnplugged: true,
  };
  fs.writeFileSync(process.argv[1], JSON.stringify(pkg, null, 2) + "\n");
' "$stage/platform/package.json"

absolute_out=$(cd "$out" && pwd)
main=$(cd "$stage/main" && npm pack --silent --pack-destination "$absolute_out")
native=$(cd "$stage/platform" && npm pack --silent --pack-destination "$absolute_out")
echo "$absolute_out/$main"
echo "$absolute_out/$native"
