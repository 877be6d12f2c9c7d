#!/usr/bin/env python3
"""False-alarm share of an easyrun binary's surges against tests/data/surge_labels.tsv.

From the corpus folder (EASYRUN_CORPUS):
  easyrun check --max-hr 190 --rest-hr 50 --format jsonl $(find fit gpx tcx -type f | sort) \
    | python3 /path/to/tests/data/surge_share.py /path/to/tests/data/surge_labels.tsv
Each flagged surge of a running activity takes the label sharing the most seconds with it
(as tests/signal_corpus.rs does); prints flagged, false (by kind), unlabelled, and clear
pickups found.
"""
import collections, json, sys

labels = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("#") or line.startswith("file\t"):
        continue
    c = line.rstrip("\n").split("\t")
    if len(c) >= 5:
        labels[c[0]].append((int(c[1]), int(c[2]), c[3] == "real", c[4]))
flagged = false = unlabelled = clear = found = 0
kinds = collections.Counter()
runs = 0
for line in sys.stdin:
    r = json.loads(line)
    if r.get("sport") != "running" or "surges" not in r:
        continue
    mine = labels.get(r["source"], [])
    spans = [(s["start_s"], s["end_s"]) for s in r["surges"]]
    runs += bool(spans)
    for a, b in spans:
        flagged += 1
        best = max(((min(b, l[1]) - max(a, l[0]), l) for l in mine if a < l[1] and l[0] < b), default=None)
        if best is None:
            unlabelled += 1
        elif not best[1][2]:
            false += 1
            kinds[best[1][3]] += 1
    for l in mine:
        if l[3] == "clear_pickup":
            clear += 1
            found += any(a < l[1] and l[0] < b for a, b in spans)
share = 100.0 * false / max(flagged, 1)
print(f"surges {flagged} on {runs} runs; false {false} ({share:.1f} %) {dict(kinds.most_common())}; "
      f"unlabelled {unlabelled}; clear pickups found {found}/{clear}")
