#!/usr/bin/env python3
"""Prints throughput and ratios from the last `cargo bench --bench decode` run
(criterion's target/criterion/<group>/<bench>/new/estimates.json). Ratios compare
benches measured in the same run, so they survive a noisy, shared machine."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def mean_ns(group, bench):
    p = root / group / bench / "new" / "estimates.json"
    return json.loads(p.read_text())["mean"]["point_estimate"] if p.exists() else None


def size(group, bench):
    p = root / group / bench / "new" / "benchmark.json"
    if not p.exists():
        return None
    t = json.loads(p.read_text()).get("throughput") or {}
    return t.get("Bytes")


for group, base in [
    ("fit", "fitparser"),
    ("gpx", "gpx_crate"),
    ("gpx", "quick_xml"),
    ("tcx", "quick_xml"),
]:
    ours = mean_ns(group, "easyrun")
    n = size(group, "easyrun")
    if ours is None or n is None:
        print(f"{group}: no results")
        continue
    line = f"{group}: easyrun {n / ours * 1e3:.0f} MB/s ({n / 1e6:.2f} MB input)"
    other = mean_ns(group, base) if base else None
    if other:
        line += f"; {base} {n / other * 1e3:.1f} MB/s; ratio {other / ours:.1f}x"
    print(line)
