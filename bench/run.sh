#!/usr/bin/env bash
# make bench: see bench/README.md. $1 = build directory (a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/run.py "${1:-build/release}"
