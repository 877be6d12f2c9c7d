#!/usr/bin/env bash
# Map bench (docs/performance.md, "Surface from the map"): packs a synthetic
# country-sized extract with osmium-tool (Debian package osmium-tool) the way Geofabrik
# publishes them, builds its index under GNU time (wall, CPU, peak RSS), reopens it from
# the cache, and measures map matching per hour of running against clean + analyse of
# the same run.
#
#   benches/maps.sh [TILES]            (default 330: ≈ 71 M nodes, 11 M ways, ≈ 700 MB PBF)
#   BASE=<git rev> benches/maps.sh     also builds crates/testkit/examples/bench_maps.rs
#                                      (this revision's file) against BASE and measures
#                                      both in this run, printing the ratios new / base.
#                                      (A BASE from before the test kit was its own crate
#                                      builds its own examples/bench_maps.rs.)
set -euo pipefail
cd "$(dirname "$0")/.."
tiles="${1:-330}"
out="target/bench-maps"
mkdir -p "$out"
cargo build --release -p easyrun-testkit --example make_big_map --example bench_maps
pbf="$out/synthetic-$tiles.osm.pbf"
if [ ! -s "$pbf" ]; then
    command -v osmium >/dev/null || { echo "needs osmium-tool (apt-get install osmium-tool)" >&2; exit 1; }
    target/release/examples/make_big_map "$tiles" \
        | osmium cat -F opl - -f pbf,add_metadata=version+timestamp+changeset \
            --output-header=sorting=Type_then_ID -o "$pbf.part" --overwrite
    mv "$pbf.part" "$pbf"
fi
osmium fileinfo -e "$pbf" | grep -E "Number of (nodes|ways|relations)" || true
TIME="${GNU_TIME:-/usr/bin/time}"

declare -a names=()
declare -A bins=()
if [ -n "${BASE:-}" ]; then
    rev=$(git rev-parse --short "$BASE")
    src="$out/base-$rev"
    if [ ! -x "$out/base-target-$rev/release/examples/bench_maps" ]; then
        rm -rf "$src" && mkdir -p "$src"
        git archive "$rev" | tar -x -C "$src"
        if [ -d "$src/crates/testkit" ]; then
            cp crates/testkit/examples/bench_maps.rs "$src/crates/testkit/examples/bench_maps.rs"
            CARGO_TARGET_DIR="$out/base-target-$rev" cargo build --release \
                --manifest-path "$src/Cargo.toml" -p easyrun-testkit --example bench_maps
        else
            CARGO_TARGET_DIR="$out/base-target-$rev" \
                cargo build --release --manifest-path "$src/Cargo.toml" --example bench_maps
        fi
    fi
    names+=("base")
    bins[base]="$out/base-target-$rev/release/examples/bench_maps"
fi
names+=("new")
bins[new]="target/release/examples/bench_maps"

declare -A val=()
for n in "${names[@]}"; do
    bin="${bins[$n]}"
    cache="$out/cache-$n"
    echo "== $n: $bin"
    "$TIME" -v "$bin" build "$pbf" "$cache" >"$out/$n-build.txt" 2>"$out/$n-time.log"
    cat "$out/$n-build.txt"
    grep -E "^ +[0-9.]+ s " "$out/$n-time.log" || true
    val[$n,build_s]=$(sed -n 's/^build_s=//p' "$out/$n-build.txt")
    val[$n,peak]=$(sed -n 's/^peak_rss_mb=//p' "$out/$n-build.txt")
    val[$n,index]=$(sed -n 's/^index_mb=//p' "$out/$n-build.txt")
    val[$n,cpu]=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$out/$n-time.log")
    val[$n,gnu_peak]=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$out/$n-time.log")
    "$bin" reopen "$pbf" "$cache" >"$out/$n-reopen.txt"
    val[$n,reopen]=$(sed -n 's/^reopen_s=//p' "$out/$n-reopen.txt")
    "$bin" match >"$out/$n-match.txt"
    val[$n,match]=$(sed -n 's/^match_ms_per_h=//p' "$out/$n-match.txt")
    val[$n,ratio]=$(sed -n 's/^match_over_analyse=//p' "$out/$n-match.txt")
done

map_mb=$(sed -n 's/^map_mb=//p' "$out/new-build.txt")
echo
echo "PBF $map_mb MB"
printf '%-6s %10s %8s %12s %14s %10s %10s %12s %10s\n' "" "build s" "CPU s" "peak RSS MB" "(GNU time MB)" "index MB" "reopen s" "match ms/h" "/analyse"
for n in "${names[@]}"; do
    printf '%-6s %10s %8s %12s %14s %10s %10s %12s %10s\n' "$n" "${val[$n,build_s]}" "${val[$n,cpu]}" \
        "${val[$n,peak]}" "${val[$n,gnu_peak]}" "${val[$n,index]}" "${val[$n,reopen]}" "${val[$n,match]}" "${val[$n,ratio]}"
done
awk -v p="${val[new,peak]}" -v m="$map_mb" 'BEGIN {printf "new peak RSS / PBF size = %.3f\n", p / m}'
if [ -n "${BASE:-}" ]; then
    for k in build_s cpu peak index reopen match; do
        awk -v k="$k" -v a="${val[base,$k]}" -v b="${val[new,$k]}" \
            'BEGIN {if (a > 0) printf "new/base %-8s %.3f\n", k, b / a}'
    done
fi
