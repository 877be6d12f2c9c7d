#!/usr/bin/env bash
# Instruction count of a scan, load-proof (callgrind): every 100th activity of the
# bench export (30 of 3000), `-j 1`, `--no-cache`, output to /dev/null.
#
#   benches/callgrind.sh [BIN] [OUT]    # BIN defaults to target/release/easyrun
#
# Needs valgrind and the export made by benches/scan.sh ($CARGO_TARGET_DIR/bench-export).
# Prints the total; OUT (default target/callgrind.out) is the profile, to read with
# `callgrind_annotate --inclusive=yes OUT`.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${1:-$TARGET/release/easyrun}
OUT=${2:-$TARGET/callgrind.out}
EXPORT=$TARGET/bench-export
if [[ ! -d $EXPORT ]]; then
    echo "no export at $EXPORT: run benches/scan.sh once" >&2
    exit 1
fi
# The order of `ls` (the locale's), as the figures in docs/performance.md were taken.
mapfile -t FILES < <(ls -d "$EXPORT"/* | awk 'NR % 100 == 1')
valgrind --tool=callgrind --callgrind-out-file="$OUT" "$BIN" scan --max-hr 190 --rest-hr 50 \
    --format jsonl -q --fail-on never --no-cache -j1 -o /dev/null "${FILES[@]}" 2>&1 |
    awk '/Collected/ { printf "%.1f M instructions\n", $4 / 1e6 }'
echo "profile: $OUT" >&2
