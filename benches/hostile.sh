#!/usr/bin/env bash
# Peak memory and wall time of the hostile inputs of issue 14, for this build and
# (optionally) another binary measured in the same run: `benches/hostile.sh`, with
# BASE_BIN=/path/to/an/older/easyrun for a before/after table. Every run is bounded by
# `timeout $LIMIT` (default 60 s; a run that hits it shows "timeout").
#
# Inputs, generated into $TARGET/bench-hostile (about 25 MB of disk; removed at the end
# unless KEEP=1):
#   zip40   a 290 KB zip whose 40 central-directory entries all point at one 288 MiB
#           member (zeros, deflated)
#   zip120  the same with 120 entries
#   gz4     four 2 MB gzip bombs (2 GiB of zeros each), read with -j 4
#   gz1     one of them with -j 1
#   attr    a GPX whose creator attribute is 200 MB (plain, not compressed)
# Peak RSS and wall time come from GNU time ($TIME_BIN, default /usr/bin/time).
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
LIMIT=${LIMIT:-60}
TIME_BIN=${TIME_BIN:-/usr/bin/time}
WORK=$TARGET/bench-hostile
NEW_BIN=$TARGET/release/easyrun

echo "== build" >&2
cargo build --release --quiet --bin easyrun

mkdir -p "$WORK"
echo "== inputs in $WORK" >&2
python3 - "$WORK" <<'EOF'
import os, struct, sys, zlib

work = sys.argv[1]
MiB = 1 << 20

def deflate_zeros(n, wbits):
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = bytes(MiB)
    out = [c.compress(chunk) for _ in range(n // MiB)]
    out.append(c.flush())
    return b"".join(out)

# zip: one deflated member of 288 MiB zeros, N central-directory entries at offset 0.
data = deflate_zeros(288 * MiB, -15)
crc = zlib.crc32(bytes(288 * MiB))
size = 288 * MiB
for n in (40, 120):
    name = b"e0.fit"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    cd = b""
    for i in range(n):
        nm = b"e%d.fit" % i
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(nm), 0, 0, 0, 0, 0, 0) + nm
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), len(local) + len(data), 0)
    with open(os.path.join(work, "zip%d.zip" % n), "wb") as f:
        f.write(local + data + cd + eocd)

# gzip: 2 GiB of zeros, about 2 MB.
gz = deflate_zeros(2048 * MiB, 31)
os.makedirs(os.path.join(work, "gz4"), exist_ok=True)
for i in range(4):
    with open(os.path.join(work, "gz4", "bomb%d.fit.gz" % i), "wb") as f:
        f.write(gz)

# GPX with a 200 MB creator attribute, written streaming.
with open(os.path.join(work, "attr.gpx"), "wb") as f:
    f.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="')
    block = b"A" * MiB
    for _ in range(200):
        f.write(block)
    f.write(b'"><trk><name>run</name><trkseg>\n')
    for s in range(1800):
        f.write(b'<trkpt lat="47.%07d" lon="8.5459"><time>2025-04-19T16:%02d:%02dZ</time></trkpt>\n'
                % (3769059 + s * 25, s // 60, s % 60))
    f.write(b"</trkseg></trk></gpx>\n")
EOF
ls -l "$WORK"/*.zip "$WORK"/gz4 "$WORK"/attr.gpx >&2

# measure LABEL BIN ARGS... -> "LABEL rss_MB wall_s status"
measure() {
    local label=$1 bin=$2
    shift 2
    local stats status
    stats=$(mktemp)
    status=0
    "$TIME_BIN" -f "%M %e" -o "$stats" timeout "$LIMIT" "$bin" "$@" >/dev/null 2>&1 || status=$?
    local rss wall
    # GNU time writes "Command exited with non-zero status N" first when it did.
    read -r rss wall < <(tail -n 1 "$stats") || true
    rm -f "$stats"
    if [ "$status" = 124 ]; then
        printf "%-8s %9s %8s  timeout\n" "$label" "$((rss / 1024))" ">$LIMIT"
    else
        printf "%-8s %9s %8s  exit %s\n" "$label" "$((rss / 1024))" "$wall" "$status"
    fi
}

run_all() {
    local bin=$1
    measure zip40 "$bin" inspect --format jsonl "$WORK/zip40.zip"
    measure zip120 "$bin" inspect --format jsonl "$WORK/zip120.zip"
    measure gz4 "$bin" check --max-hr 190 --rest-hr 50 --format jsonl -j 4 "$WORK/gz4"
    measure gz1 "$bin" check --max-hr 190 --rest-hr 50 --format jsonl -j 1 "$WORK/gz4/bomb0.fit.gz"
    measure attr "$bin" inspect --format jsonl "$WORK/attr.gpx"
}

echo
echo "case      peak MB   wall s  outcome"
if [ -n "${BASE_BIN:-}" ]; then
    echo "-- before: $BASE_BIN"
    run_all "$BASE_BIN"
fi
echo "-- after: $NEW_BIN"
run_all "$NEW_BIN"

if [ -z "${KEEP:-}" ]; then
    rm -rf "$WORK"
fi
