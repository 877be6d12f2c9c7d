#!/usr/bin/env bash
# Map bench (docs/performance.md, "Surface from the map"): builds a synthetic
# country-sized extract with osmium-tool (Debian package osmium-tool), times its index
# build under GNU time for the peak RSS, and measures map matching per hour of running
# against clean + analyse of the same run.
#   benches/maps.sh [TILES]   (default 520: ≈ 115 M nodes, 19.5 M ways, 460 MB PBF)
set -euo pipefail
cd "$(dirname "$0")/.."
tiles="${1:-520}"
out="target/bench-maps"
mkdir -p "$out"
cargo build --release --example make_big_map --example bench_maps
pbf="$out/synthetic-$tiles.osm.pbf"
if [ ! -s "$pbf" ]; then
    command -v osmium >/dev/null || { echo "needs osmium-tool (apt-get install osmium-tool)" >&2; exit 1; }
    target/release/examples/make_big_map "$tiles" | osmium cat -F opl - -o "$pbf" --overwrite
fi
osmium fileinfo -e "$pbf" | grep -E "Number of (nodes|ways)" || true
TIME="${GNU_TIME:-/usr/bin/time}"
"$TIME" -v target/release/examples/bench_maps index "$pbf" 2>"$out/time.log"
grep -E "Maximum resident|Elapsed" "$out/time.log"
target/release/examples/bench_maps match
