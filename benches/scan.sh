#!/usr/bin/env bash
# End-to-end scan benchmark: `benches/scan.sh` (from anywhere; uses $CARGO_TARGET_DIR,
# default ./target). Environment: COUNT (activities, default 3000), SEED (1), REPS
# (timed repetitions per configuration, default 3), SMALL (files of the memory
# comparison, default 500), BASE_BIN (optional: another easyrun binary, e.g. one built
# from an older commit, scanned interleaved with this one for a before/after ratio),
# SCAN_ONLY=1 (stop after the whole-export scans and print their table: the thread
# speed-up and the before/after ratios, without the FIT, memory and decode parts),
# RESCAN_ONLY=1 (only the history-cache part: cold and warm scans, see below).
#
# 1. Builds the release binary and the examples make_export, fitparser_decode and
#    decode_files.
# 2. Generates the synthetic export once into $TARGET/bench-export (reused while its
#    stamp matches: same generator version, count and seed).
# 3. Measures in the same run, so the ratios survive a shared, noisy machine:
#    - `easyrun scan` of the whole export with -j 1 and -j 2 (interleaved, REPS each;
#      with BASE_BIN, that binary too, interleaved, and its output must be identical);
#      these run with --no-cache, so the history cache never makes them warm;
#    - the re-scan: `easyrun scan -j 2` of the whole export with EASYRUN_CACHE_DIR a
#      fresh folder (cold: reads everything, writes the cache), then again (warm: reads
#      no file), REPS pairs; warm output must equal cold and --no-cache output; the
#      cache's size per activity; ratio warm/cold and the warm wall time (goal < 0.3 s);
#    - `easyrun scan` of the FIT files only (.fit and .fit.gz), -j 2: MB/s of FIT input
#      (decompressed FIT bytes);
#    - `fitparser::from_bytes` on the same FIT files, -j 2 (examples/fitparser_decode);
#    - peak RSS of a scan of the first $SMALL files against the whole export;
#    - decode throughput per format on one core (examples/decode_files, files in
#      memory): easyrun's FIT/GPX/TCX readers and gzip path beside fitparser, the gpx
#      crate, the quick-xml XML readers they replaced, flate2's read path and
#      miniz_oxide, all on the export's own files.
# Wall time from `date +%s.%N`; CPU time and peak RSS from GNU time ($TIME_BIN, default
# /usr/bin/time) when it exists (shown as "-" otherwise). Medians of the repetitions are
# reported. Installs nothing.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
COUNT=${COUNT:-3000}
SEED=${SEED:-1}
REPS=${REPS:-3}
SMALL=${SMALL:-500}
JOBS_MAX=2
EXPORT=$TARGET/bench-export
WORK=$TARGET/bench-scan
SCAN_FLAGS=(--max-hr 190 --rest-hr 50 --format jsonl --quiet --fail-on never --no-cache)
RESCAN_FLAGS=(--max-hr 190 --rest-hr 50 --format jsonl --quiet --fail-on never -j "$JOBS_MAX")
CACHE=$WORK/cache

echo "== build" >&2
cargo build --release --quiet --bin easyrun --example fitparser_decode --example decode_files
cargo build --release --quiet -p easyrun-testkit --example make_export
BIN=$TARGET/release/easyrun
DECODE=$TARGET/release/examples/decode_files
BASE_BIN=${BASE_BIN:-}
MAKE_EXPORT=$TARGET/release/examples/make_export
FITPARSER=$TARGET/release/examples/fitparser_decode

want_stamp=$("$MAKE_EXPORT" --stamp --count "$COUNT" --seed "$SEED")
if [[ -f $EXPORT/.make_export && "$(cat "$EXPORT/.make_export")" == "$want_stamp" ]]; then
    echo "== export: reusing $EXPORT ($want_stamp)" >&2
else
    echo "== export: generating $EXPORT ($want_stamp)" >&2
    rm -rf "$EXPORT"
    "$MAKE_EXPORT" "$EXPORT" --count "$COUNT" --seed "$SEED" >&2
fi
mkdir -p "$WORK"

shopt -s nullglob
all_files=("$EXPORT"/*)
fit_files=("$EXPORT"/*.fit "$EXPORT"/*.fit.gz)
small_files=("${all_files[@]:0:$SMALL}")
shopt -u nullglob
disk_bytes=$(cat "${all_files[@]}" | wc -c)

TIME_BIN=${TIME_BIN:-/usr/bin/time}
HAVE_TIME=0
if [[ -x $TIME_BIN ]] && "$TIME_BIN" -f '%e' true 2>/dev/null; then
    HAVE_TIME=1
fi

# run NAME CMD... : runs once, stdout to $WORK/NAME.out; appends "wall cpu rss_kb" to
# $WORK/NAME.times.
run() {
    local name=$1
    shift
    local t0 t1 cpu=- rss=-
    t0=$(date +%s.%N)
    if ((HAVE_TIME)); then
        "$TIME_BIN" -f '%U %S %M' -o "$WORK/$name.rusage" "$@" >"$WORK/$name.out"
    else
        "$@" >"$WORK/$name.out"
    fi
    t1=$(date +%s.%N)
    if ((HAVE_TIME)); then
        read -r user sys rss <"$WORK/$name.rusage"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $cpu $rss" >>"$WORK/$name.times"
}

# median NAME COLUMN : median of one column of NAME's runs ("-" when not measured).
median() {
    awk -v c="$2" '{ print $c }' "$WORK/$1.times" | grep -v '^-$' | sort -g |
        awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "-"; exit }
            if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

# max NAME COLUMN
maxcol() {
    awk -v c="$2" '$c != "-" { if ($c > m) m = $c } END { print (m == "" ? "-" : m) }' "$WORK/$1.times"
}

# ratio A B [DECIMALS [SUFFIX]] : A / B with SUFFIX, or "-" when either is missing.
ratio() {
    awk -v a="$1" -v b="$2" -v d="${3:-2}" -v s="${4:-}" 'BEGIN {
        if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.*f%s\n", d, a / b, s }'
}

# same_output A B : whether two scan outputs agree, but for the clock a warning about a
# start in the future quotes (the export runs into the future; "now" moves between runs).
same_output() {
    cmp -s <(sed -E 's/the clock says [^)]*\)/the clock says NOW)/g' "$1") \
        <(sed -E 's/the clock says [^)]*\)/the clock says NOW)/g' "$2")
}

rm -f "$WORK"/*.times "$WORK"/*.rusage "$WORK"/*.out

# rescan_part : cold and warm scans with the history cache, and their table.
rescan_part() {
    echo "== re-scan: cold (fresh cache) and warm, -j $JOBS_MAX, $REPS pairs" >&2
    run rescan_nocache "$BIN" scan "$EXPORT" "${RESCAN_FLAGS[@]}" --no-cache -o "$WORK/rescan_nocache.jsonl"
    for _ in $(seq "$REPS"); do
        rm -rf "$CACHE"
        EASYRUN_CACHE_DIR=$CACHE run rescan_cold "$BIN" scan "$EXPORT" "${RESCAN_FLAGS[@]}" -o "$WORK/rescan_cold.jsonl"
        EASYRUN_CACHE_DIR=$CACHE run rescan_warm "$BIN" scan "$EXPORT" "${RESCAN_FLAGS[@]}" -o "$WORK/rescan_warm.jsonl"
    done
    for w in cold nocache; do
        if ! same_output "$WORK/rescan_warm.jsonl" "$WORK/rescan_$w.jsonl"; then
            echo "warm scan output differs from the $w scan's" >&2
            exit 1
        fi
    done
    local cache_bytes cold warm
    cache_bytes=$(cat "$CACHE"/*.cache | wc -c)
    cold=$(median rescan_cold 1)
    warm=$(median rescan_warm 1)
    echo
    echo "easyrun re-scan benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "whole export ($COUNT activities), -j $JOBS_MAX; medians of $REPS cold/warm pairs; wall s / CPU s (user+sys) / peak RSS MB"
    echo
    echo "| run | wall s | CPU s | peak RSS MB |"
    echo "| --- | --- | --- | --- |"
    echo "| --no-cache (one run) | $(median rescan_nocache 1) | $(median rescan_nocache 2) | $(to_mb "$(maxcol rescan_nocache 3)") |"
    echo "| cold: fresh cache, written | $cold | $(median rescan_cold 2) | $(to_mb "$(maxcol rescan_cold 3)") |"
    echo "| warm: files unchanged | **$warm** | $(median rescan_warm 2) | $(to_mb "$(maxcol rescan_warm 3)") |"
    echo
    echo "warm / cold wall: $(ratio "$warm" "$cold" 3 x); warm / cold CPU: $(ratio "$(median rescan_warm 2)" "$(median rescan_cold 2)" 3 x); goal: warm < 0.3 s"
    echo "cache: $(awk -v b="$cache_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB, $(ratio "$cache_bytes" "$COUNT" 0) bytes per activity"
    echo "per run (wall cpu rss_kb):"
    for f in "$WORK"/rescan_*.times; do echo "$(basename "$f" .times): $(tr '\n' ';' <"$f")"; done
}
to_mb() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }'; }

if [[ ${RESCAN_ONLY:-0} == 1 ]]; then
    rescan_part
    exit 0
fi

echo "== scan, whole export, -j 1 and -j $JOBS_MAX interleaved, $REPS reps${BASE_BIN:+, with $BASE_BIN}" >&2
for _ in $(seq "$REPS"); do
    for j in 1 "$JOBS_MAX"; do
        run "all_j$j" "$BIN" scan "$EXPORT" "${SCAN_FLAGS[@]}" -j "$j" -o "$WORK/all_j$j.jsonl"
        if [[ -n $BASE_BIN ]]; then
            run "base_j$j" "$BASE_BIN" scan "$EXPORT" "${SCAN_FLAGS[@]}" -j "$j" -o "$WORK/base_j$j.jsonl"
        fi
    done
done
if ! same_output "$WORK/all_j1.jsonl" "$WORK/all_j$JOBS_MAX.jsonl"; then
    echo "scan output differs between -j 1 and -j $JOBS_MAX" >&2
    exit 1
fi
if [[ -n $BASE_BIN ]] && ! same_output "$WORK/all_j1.jsonl" "$WORK/base_j1.jsonl"; then
    echo "scan output differs from BASE_BIN's" >&2
    exit 1
fi

if [[ ${SCAN_ONLY:-0} == 1 ]]; then
    j1=$(median all_j1 1)
    j2=$(median "all_j$JOBS_MAX" 1)
    echo
    echo "easyrun scan benchmark, whole export only ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "medians of $REPS interleaved runs; wall s / CPU s (user+sys)"
    echo
    echo "| run | wall s | CPU s | speed-up -j 1 -> -j $JOBS_MAX (wall) |"
    echo "| --- | --- | --- | --- |"
    echo "| scan all, -j 1 | $j1 | $(median all_j1 2) | |"
    echo "| scan all, -j $JOBS_MAX | $j2 | $(median "all_j$JOBS_MAX" 2) | $(ratio "$j1" "$j2" 2 x) |"
    if [[ -n $BASE_BIN ]]; then
        b1=$(median base_j1 1)
        b2=$(median "base_j$JOBS_MAX" 1)
        echo "| base, -j 1 | $b1 | $(median base_j1 2) | |"
        echo "| base, -j $JOBS_MAX | $b2 | $(median "base_j$JOBS_MAX" 2) | $(ratio "$b1" "$b2" 2 x) |"
        echo
        echo "CPU base / this, -j 1: $(ratio "$(median base_j1 2)" "$(median all_j1 2)" 3 x)"
    fi
    echo "per run (wall cpu rss_kb):"
    for f in "$WORK"/*.times; do echo "$(basename "$f" .times): $(tr '\n' ';' <"$f")"; done
    exit 0
fi

echo "== FIT subset (${#fit_files[@]} files): scan and fitparser, -j $JOBS_MAX, $REPS reps" >&2
for _ in $(seq "$REPS"); do
    run fit_scan "$BIN" scan "${fit_files[@]}" "${SCAN_FLAGS[@]}" -j "$JOBS_MAX" -o "$WORK/fit.jsonl"
done
# fitparser is slow: one run (tens of seconds) is long enough to average out noise.
run fitparser "$FITPARSER" -j "$JOBS_MAX" "${fit_files[@]}"
fitparser_line=$(cat "$WORK/fitparser.out")
fit_bytes=$(sed -n 's/.*fit_bytes=\([0-9]*\).*/\1/p' <<<"$fitparser_line")

echo "== memory: first $SMALL files vs all $COUNT, -j $JOBS_MAX" >&2
for _ in $(seq "$REPS"); do
    run small_j$JOBS_MAX "$BIN" scan "${small_files[@]}" "${SCAN_FLAGS[@]}" -j "$JOBS_MAX" -o "$WORK/small.jsonl"
done

echo "== decode per format, one core, files in memory, $REPS reps" >&2
"$DECODE" -j 1 --reps "$REPS" "$EXPORT" >"$WORK/decode.out"

# decoded FORMAT READER FIELD : a field of decode_files' line for one reader ("-" if none).
decoded() {
    awk -v f="format=$1" -v r="reader=$2" -v k="$3" '$2 == f && $3 == r {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) { print kv[2]; found = 1 } } }
        END { if (!found) print "-" }' "$WORK/decode.out"
}
decode_row() { # FORMAT READER WHAT
    echo "| $1 | $3 | $(decoded "$1" "$2" files) | $(decoded "$1" "$2" mb) | $(decoded "$1" "$2" mb_per_s) |"
}

j1=$(median all_j1 1)
j2=$(median "all_j$JOBS_MAX" 1)
fit_s=$(median fit_scan 1)
fp_s=$(median fitparser 1)
fit_mbs=$(awk -v b="$fit_bytes" -v s="$fit_s" 'BEGIN { printf "%.0f", b / 1e6 / s }')
fp_mbs=$(awk -v b="$fit_bytes" -v s="$fp_s" 'BEGIN { printf "%.1f", b / 1e6 / s }')
all_mbs=$(awk -v b="$disk_bytes" -v s="$j2" 'BEGIN { printf "%.0f", b / 1e6 / s }')
rss_small=$(maxcol "small_j$JOBS_MAX" 3)
rss_all=$(maxcol "all_j$JOBS_MAX" 3)

cat <<EOF

easyrun scan benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))
export: $EXPORT: $COUNT activities, ${#fit_files[@]} FIT, $(awk -v b="$disk_bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB on disk, FIT input $(awk -v b="$fit_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB (decompressed)
medians of $REPS runs; wall s / CPU s (user+sys) / peak RSS MB

| run | wall s | CPU s | peak RSS MB | throughput |
| --- | --- | --- | --- | --- |
| scan all, -j 1 | $j1 | $(median all_j1 2) | $(to_mb "$(maxcol all_j1 3)") | $(ratio "$COUNT" "$j1" 0) files/s |
| scan all, -j $JOBS_MAX | $j2 | $(median "all_j$JOBS_MAX" 2) | $(to_mb "$rss_all") | $(ratio "$COUNT" "$j2" 0) files/s, $all_mbs MB/s on disk |
| scan FIT only, -j $JOBS_MAX | $fit_s | $(median fit_scan 2) | $(to_mb "$(maxcol fit_scan 3)") | $fit_mbs MB/s of FIT input |
| fitparser decode, -j $JOBS_MAX | $fp_s | $(median fitparser 2) | $(to_mb "$(maxcol fitparser 3)") | $fp_mbs MB/s of FIT input |
| scan first $SMALL, -j $JOBS_MAX | $(median "small_j$JOBS_MAX" 1) | $(median "small_j$JOBS_MAX" 2) | $(to_mb "$rss_small") | |

| ratio (same run) | value | target |
| --- | --- | --- |
| scan FIT MB/s / fitparser MB/s | $(ratio "$fp_s" "$fit_s" 1 x) | |
| scan FIT input MB/s, -j $JOBS_MAX | $fit_mbs MB/s | >= 200 MB/s |
| scan FIT input MB per CPU-second (load-proof) | $(ratio "$(awk -v b="$fit_bytes" 'BEGIN { print b / 1e6 }')" "$(median fit_scan 2)" 0) MB/s | |
| speed-up -j 1 -> -j $JOBS_MAX | $(ratio "$j1" "$j2" 2 x) | >= 1.7x |
| peak RSS $COUNT files / $SMALL files | $(ratio "$rss_all" "$rss_small" 2 x) ($(to_mb "$rss_all") / $(to_mb "$rss_small") MB) | ~1x, <= 150 MB |
fitparser: $fitparser_line

Decode on one core (examples/decode_files, medians of $REPS; MB = 10^6 bytes of decompressed input):

| format | reader | files | MB | MB/s |
| --- | --- | --- | --- | --- |
$(decode_row fit easyrun "easyrun FIT decoder")
$(decode_row fit fitparser "fitparser from_bytes (every 10th file)")
$(decode_row gpx easyrun "easyrun GPX reader")
$(decode_row gpx quick_xml "quick-xml GPX reader (the one replaced)")
$(decode_row gpx gpx_crate "gpx crate (every 10th file)")
$(decode_row tcx easyrun "easyrun TCX reader")
$(decode_row tcx quick_xml "quick-xml TCX reader (the one replaced)")
$(decode_row gzip easyrun "gunzip: flate2/zlib-rs in place, pre-sized")
$(decode_row gzip flate2_read "gunzip: flate2/zlib-rs read path (before)")
$(decode_row gzip miniz_oxide "gunzip: miniz_oxide")

| ratio (same run) | value | target |
| --- | --- | --- |
| GPX reader / quick-xml GPX reader | $(ratio "$(decoded gpx easyrun mb_per_s)" "$(decoded gpx quick_xml mb_per_s)" 1 x) | |
| GPX reader / gpx crate | $(ratio "$(decoded gpx easyrun mb_per_s)" "$(decoded gpx gpx_crate mb_per_s)" 0 x) | |
| TCX reader / quick-xml TCX reader | $(ratio "$(decoded tcx easyrun mb_per_s)" "$(decoded tcx quick_xml mb_per_s)" 1 x) | |
| FIT decoder / fitparser | $(ratio "$(decoded fit easyrun mb_per_s)" "$(decoded fit fitparser mb_per_s)" 0 x) | |
| gunzip / flate2 read path | $(ratio "$(decoded gzip easyrun mb_per_s)" "$(decoded gzip flate2_read mb_per_s)" 2 x) | |
| gunzip / miniz_oxide | $(ratio "$(decoded gzip easyrun mb_per_s)" "$(decoded gzip miniz_oxide mb_per_s)" 2 x) | |
| GPX, TCX reader MB/s | $(decoded gpx easyrun mb_per_s), $(decoded tcx easyrun mb_per_s) | >= 500 MB/s |
EOF
if [[ -n $BASE_BIN ]]; then
    cat <<EOF

Against BASE_BIN ($BASE_BIN), same run, identical output:

| run | this wall s | base wall s | this CPU s | base CPU s | CPU ratio base/this |
| --- | --- | --- | --- | --- | --- |
| scan all, -j 1 | $j1 | $(median base_j1 1) | $(median all_j1 2) | $(median base_j1 2) | $(ratio "$(median base_j1 2)" "$(median all_j1 2)" 2 x) |
| scan all, -j $JOBS_MAX | $j2 | $(median "base_j$JOBS_MAX" 1) | $(median "all_j$JOBS_MAX" 2) | $(median "base_j$JOBS_MAX" 2) | $(ratio "$(median "base_j$JOBS_MAX" 2)" "$(median "all_j$JOBS_MAX" 2)" 2 x) |
| peak RSS MB, -j $JOBS_MAX | $(to_mb "$rss_all") | $(to_mb "$(maxcol "base_j$JOBS_MAX" 3)") | | | |
EOF
fi

rescan_part
