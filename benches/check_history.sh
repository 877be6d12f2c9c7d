#!/usr/bin/env bash
# `check --history` with and without the history cache: `benches/check_history.sh` (from
# anywhere; uses $CARGO_TARGET_DIR, default ./target). Environment: COUNT (activities of
# the history, default 450), SEED (1), REPS (warm runs, default 5), JOBS (default 2).
#
# 1. Builds the release binary and make_export; generates the synthetic history once
#    into $TARGET/bench-history-$COUNT (reused while its stamp matches).
# 2. In the same run, with a fresh cache folder: `check --history` of the history's
#    newest file with --no-cache (the baseline), then cold (cache empty, written), then
#    REPS warm runs (every history file from the cache).
# 3. Checks that cold, warm and uncached records are byte-identical, and prints the
#    medians and the cold/warm ratio. Installs nothing; not a timed test.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
COUNT=${COUNT:-450}
SEED=${SEED:-1}
REPS=${REPS:-5}
JOBS=${JOBS:-2}
HISTORY=$TARGET/bench-history-$COUNT
WORK=$TARGET/bench-check
CACHE=$WORK/cache

echo "== build" >&2
cargo build --release --quiet --bin easyrun
cargo build --release --quiet -p easyrun-testkit --example make_export
BIN=$TARGET/release/easyrun
MAKE_EXPORT=$TARGET/release/examples/make_export
want_stamp=$("$MAKE_EXPORT" --stamp --count "$COUNT" --seed "$SEED")
if [[ -f $HISTORY/.make_export && "$(cat "$HISTORY/.make_export")" == "$want_stamp" ]]; then
    echo "== history: reusing $HISTORY" >&2
else
    echo "== history: generating $HISTORY ($want_stamp)" >&2
    rm -rf "$HISTORY"
    "$MAKE_EXPORT" "$HISTORY" --count "$COUNT" --seed "$SEED" >&2
fi
rm -rf "$WORK"
mkdir -p "$WORK"
# The run to check: the newest file (the names are activity ids in time order).
FILE=$(find "$HISTORY" -type f ! -name '.*' | sort | tail -1)
ARGS=(check "$FILE" --history "$HISTORY" --format json -j "$JOBS")

# timed NAME ARGS... : wall seconds appended to $WORK/NAME.times, stdout to NAME.out.
timed() {
    local name=$1 t0 t1
    shift
    t0=$(date +%s.%N)
    EASYRUN_CACHE_DIR=$CACHE "$BIN" "$@" >"$WORK/$name.out" || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$WORK/$name.times"
}
median() {
    sort -g "$WORK/$1.times" | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "== uncached, cold, $REPS warm" >&2
timed uncached "${ARGS[@]}" --no-cache
timed cold "${ARGS[@]}"
for _ in $(seq "$REPS"); do
    timed warm "${ARGS[@]}"
done
for run in cold warm; do
    if ! cmp -s "$WORK/uncached.out" "$WORK/$run.out"; then
        echo "the $run record differs from the uncached one" >&2
        exit 1
    fi
done
cold=$(median cold)
warm=$(median warm)
cat <<EOT

easyrun check --history benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))
history: $HISTORY, $COUNT activities; checked: $(basename "$FILE"); -j $JOBS
cache: $(EASYRUN_CACHE_DIR=$CACHE "$BIN" cache info 2>/dev/null | tail -n +2 | sed 's/^ *//' || true)

| run | wall s |
| --- | --- |
| uncached (--no-cache) | $(median uncached) |
| cold (cache empty, written) | $cold |
| warm (median of $REPS) | $warm |

cold / warm: $(awk -v a="$cold" -v b="$warm" 'BEGIN { printf "%.0fx", a / b }')
records: uncached, cold and warm byte-identical
EOT
