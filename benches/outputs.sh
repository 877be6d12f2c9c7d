#!/usr/bin/env bash
# Before/after outputs of two easyrun binaries on real and synthetic files: whether a
# change to cleaning, metrics, rules or speed moved any verdict, class or number.
#
#   benches/outputs.sh BASE_BIN [NEW_BIN]    # NEW_BIN defaults to target/release/easyrun
#
# Runs with each binary, into $CARGO_TARGET_DIR/outputs/{base,new}/:
#   check.jsonl/.err  `check --max-hr 190 --rest-hr 50 --format jsonl` over every file of
#                     the corpus's fit/, gpx/ and tcx/ (sorted), EASYRUN_CORPUS (default
#                     ../shared/corpus);
#   cscan.jsonl/.err  `scan --no-cache` of the whole corpus folder;
#   escan.jsonl/.err  `scan --no-cache -j 2` of the bench export (benches/scan.sh makes
#                     it), when it exists.
# The clock's reading in messages ("the clock says …", runs dated in the future) is
# replaced by NOW in both, so runs minutes apart compare equal. Prints, per output,
# "identical (N lines)" or "DIFFERS (N of M lines)"; exits 1 when any output differs.
# Read a difference with `diff target/outputs/{base,new}/check.jsonl`.
set -uo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
if [[ $# -lt 1 ]]; then
    echo "usage: benches/outputs.sh BASE_BIN [NEW_BIN]" >&2
    exit 2
fi
BASE=$(readlink -f "$1")
NEW=$(readlink -f "${2:-$TARGET/release/easyrun}")
CORPUS=$(readlink -f "${EASYRUN_CORPUS:-../shared/corpus}")
EXPORT=$TARGET/bench-export
OUT=$TARGET/outputs
for bin in "$BASE" "$NEW"; do
    if [[ ! -x $bin ]]; then
        echo "not an executable: $bin" >&2
        exit 2
    fi
done
if [[ ! -d $CORPUS/fit ]]; then
    echo "no corpus at $CORPUS (set EASYRUN_CORPUS)" >&2
    exit 2
fi
mapfile -t FILES < <(find "$CORPUS/fit" "$CORPUS/gpx" "$CORPUS/tcx" -type f | LC_ALL=C sort)
FLAGS=(--max-hr 190 --rest-hr 50 --format jsonl)
SCAN=(scan --no-cache "${FLAGS[@]}" --quiet --fail-on never)

normalise() { sed -E 's/the clock says [0-9TZ:.+-]+/the clock says NOW/g' "$1" > "$1.tmp" && mv "$1.tmp" "$1"; }

outputs() { # BIN DIR
    rm -rf "$2" && mkdir -p "$2"
    "$1" check "${FLAGS[@]}" "${FILES[@]}" > "$2/check.jsonl" 2> "$2/check.err"
    "$1" "${SCAN[@]}" "$CORPUS" > "$2/cscan.jsonl" 2> "$2/cscan.err"
    if [[ -d $EXPORT ]]; then
        "$1" "${SCAN[@]}" -j 2 "$EXPORT" > "$2/escan.jsonl" 2> "$2/escan.err"
    fi
    for f in "$2"/*; do normalise "$f"; done
}

outputs "$BASE" "$OUT/base"
outputs "$NEW" "$OUT/new"
status=0
for path in "$OUT"/base/*; do
    name=$(basename "$path")
    total=$(wc -l < "$path")
    if cmp -s "$path" "$OUT/new/$name"; then
        echo "$name identical ($total lines)"
    else
        moved=$(diff "$path" "$OUT/new/$name" | grep -c '^>')
        echo "$name DIFFERS ($moved of $total lines)"
        status=1
    fi
done
[[ -d $EXPORT ]] || echo "(no export at $EXPORT: run benches/scan.sh once for escan)"
exit $status
