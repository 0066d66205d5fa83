#!/usr/bin/env bash
# End-to-end tests: bash tests/e2e/run.sh <path-to-gatehouse-binary> [test files...]
# Starts the real binary (one per test file, temp DB, free port) and drives /v1 through
# raw HTTP and @nhost/nhost-js. Needs node >= 20 and npm (packages pinned in
# package-lock.json, installed with `npm ci` when node_modules is missing or stale).
#
# The suite runs twice: against SQLite (a temp file per server), then against one
# throwaway PostgreSQL (scripts/pg-test-server.sh) with a fresh schema per server
# (E2E_DATABASE=postgres, E2E_PG_URL; see lib/server.js). The PostgreSQL server is
# stopped at the end, also on failure or Ctrl-C. E2E_STORES="sqlite" (or "postgres")
# runs one pass only.
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

stores=${E2E_STORES:-sqlite postgres}
pg_script="$(cd ../.. && pwd)/scripts/pg-test-server.sh"
export E2E_PG_SCRIPT="$pg_script"
pg_dir=""
stop_pg() {
  if [[ -n "$pg_dir" ]]; then
    bash "$pg_script" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
    pg_dir=""
  fi
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One pass over the files against one store; prints a summary line.
run_pass() {
  local store=$1 start rc
  start=$(date +%s)
  set +e
  E2E_DATABASE=$store node --test --test-concurrency=2 --test-reporter=spec --test-timeout=120000 \
    "${files[@]}"
  rc=$?
  set -e
  summary+=("e2e [$store]: ${#files[@]} files in $(( $(date +%s) - start )) s, exit $rc")
  echo "${summary[-1]}" >&2
  [[ $rc -eq 0 ]] || final=$rc
}

summary=()
final=0
for store in $stores; do
  case "$store" in
    sqlite) run_pass sqlite ;;
    postgres)
      pg_dir=$(mktemp -d /tmp/gh-e2e-pg.XXXXXX)
      if ! E2E_PG_URL=$(bash "$pg_script" start "$pg_dir"); then
        echo "e2e: could not start PostgreSQL (scripts/pg-test-server.sh)" >&2
        exit 1
      fi
      export E2E_PG_URL
      echo "e2e: PostgreSQL at $E2E_PG_URL" >&2
      run_pass postgres
      stop_pg
      ;;
    *)
      echo "e2e: unknown store '$store' in E2E_STORES (sqlite, postgres)" >&2
      exit 2
      ;;
  esac
done
[[ ${#summary[@]} -lt 2 ]] || printf '%s\n' "${summary[@]}" >&2
exit $final
