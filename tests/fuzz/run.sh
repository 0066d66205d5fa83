#!/usr/bin/env bash
# make fuzz: runs every libFuzzer target in $1 (a -DGATEHOUSE_FUZZ=ON clang build)
# for FUZZ_SECONDS each (default 60), with a corpus kept under build/fuzz-corpus/.
set -euo pipefail
build="${1:-build/fuzz}"
seconds="${FUZZ_SECONDS:-60}"
cd "$(dirname "$0")/../.."
for bin in "$build"/*_fuzz; do
  name=$(basename "$bin")
  corpus="build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  echo "== $name ($seconds s)"
  "$bin" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
done
