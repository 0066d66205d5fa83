#!/usr/bin/env bash
# Writes the upgrade fixture of a release: bash tests/e2e/upgrade/make-fixture.sh <binary> <version>
# Runs make-fixture.mjs with that release's binary once on SQLite and once on a
# throwaway PostgreSQL, into tests/e2e/upgrade/<version>/. Made once per release, from
# that release's binary; upgrade.test.js then checks that the current binary carries
# every row of it forward.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 <gatehouse binary of the release> <version>" >&2; exit 2; }
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/$2"
export GATEHOUSE_BIN="$bin"
cd "$here/.."
E2E_DATABASE=sqlite node upgrade/make-fixture.mjs "$out"
pg_dir=$(mktemp -d /tmp/gh-fixture-pg.XXXXXX)
trap 'bash ../../scripts/pg-test-server.sh stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
E2E_PG_URL=$(bash ../../scripts/pg-test-server.sh start "$pg_dir")
E2E_DATABASE=postgres E2E_PG_URL="$E2E_PG_URL" node upgrade/make-fixture.mjs "$out"
