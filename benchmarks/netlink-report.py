#!/usr/bin/env python3
"""Prints the netlink/nftables ratio table of RESULTS.md from a JMH JSON result (sample mode)."""
import json, sys

d = {b["benchmark"].rsplit(".", 1)[1]: b["primaryMetric"] for b in json.load(open(sys.argv[1]))}
def p50(k): return d[k]["scorePercentiles"]["50.0"]
def mean(k): return d[k]["score"]
rows = [("address add+delete (pair)", "addressAddDelete"), ("link lookup by name", "linkLookup"),
        ("route add+delete (pair)", "routeAddDelete")]
print("| Operation | k8snet, one op per sample: p50 / mean (µs) | k8snet, 500 ops per sample: mean (µs) | `ip` per op: p50 / mean (µs) | `ip -batch` (500 per run): mean (µs) | vs `ip` (p50, mean) | vs `ip -batch` (mean, same batching) |")
print("|---|---|---|---|---|---|---|")
for label, k in rows:
    o, l, i, b = k + "_k8snet", k + "_k8snetLoop", k + "_ipPerOp", k + "_ipBatch"
    print(f"| {label} | {p50(o):.1f} / {mean(o):.1f} | {mean(l):.1f} | {p50(i):.0f} / {mean(i):.0f} | {mean(b):.1f} "
          f"| {p50(i)/p50(o):.0f}× / {mean(i)/mean(o):.0f}× | {mean(b)/mean(l):.1f}× |")
o, n = "elementUpdate_k8snet", "elementUpdate_nftProcess"
print()
print("| Operation | k8snet (libnftables) p50 / mean (µs) | `nft` process p50 / mean (µs) | ratio (p50, mean) |")
print("|---|---|---|---|")
print(f"| one set-element update | {p50(o):.1f} / {mean(o):.1f} | {p50(n):.0f} / {mean(n):.0f} | {p50(n)/p50(o):.0f}× / {mean(n)/mean(o):.0f}× |")
