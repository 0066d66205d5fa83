#!/usr/bin/env bash
# End-to-end tests: bash tests/e2e/run.sh <path-to-gatehouse-binary> [test files...]
# Starts the real binary (one per test file, temp DB, free port) and drives /v1 through
# raw HTTP and @nhost/nhost-js. Needs node >= 20 and npm (packages pinned in
# package-lock.json, installed with `npm ci` when node_modules is missing or stale).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <path-to-gatehouse-binary> [test files...]" >&2
  exit 2
fi
bin="$1"; shift
if [[ ! -x "$bin" ]]; then
  echo "e2e: $bin is not an executable file" >&2
  exit 2
fi
GATEHOUSE_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export GATEHOUSE_BIN

cd "$(dirname "$0")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "e2e: node and npm are required (Node 20+)" >&2
  exit 2
fi

# (Re)install when node_modules is missing or older than the lock file.
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "e2e: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=(*.test.js)
fi

start=$(date +%s)
set +e
node --test --test-concurrency=2 --test-reporter=spec --test-timeout=120000 "${files[@]}"
rc=$?
set -e
echo "e2e: ${#files[@]} files in $(( $(date +%s) - start )) s, exit $rc" >&2
exit $rc
