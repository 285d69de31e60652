#!/usr/bin/env python3
"""corpus-stats.py - figures of a recorded case, from its files alone (no correlator involved).

usage: corpus-stats.py CASE_DIR

Prints: spans and traces by service/name/kind; the root spans' durations (n, >= 250 ms, median,
max) before the fault and in the fault window (from recording.json's phase marks); the slow traces
by the case's definition (expected.json slowTrace); and per producer file the records by
event.name (JSON records inside bpftrace's -f json framing and plain text lines alike).
"""
import collections
import gzip
import json
import os
import statistics
import sys


def spans_of(path):
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        for rs in json.loads(line).get("resourceSpans", []):
            attrs = {a["key"]: a["value"] for a in rs.get("resource", {}).get("attributes", [])}
            svc = attrs.get("service.name", {}).get("stringValue", "?")
            for ss in rs.get("scopeSpans", []):
                for s in ss.get("spans", []):
                    yield svc, s, attrs


def main(d):
    rec = json.load(open(os.path.join(d, "recording.json")))
    exp = json.load(open(os.path.join(d, "expected.json")))
    ph = rec["phases_epoch_ns"]
    w0, w1 = exp["faultWindow"]["startEpochNanos"], exp["faultWindow"]["endEpochNanos"]
    by = collections.Counter()
    roots = {"before": [], "fault": []}
    traces = set()
    resources = {}
    for svc, s, attrs in spans_of(os.path.join(d, "traces.jsonl")):
        by[(svc, s["name"], s["kind"])] += 1
        traces.add(s["traceId"])
        resources[svc] = {k: list(v.values())[0] for k, v in attrs.items()
                          if k in ("process.pid", "container.id", "host.name")}
        if not s.get("parentSpanId"):
            st, en = int(s["startTimeUnixNano"]), int(s["endTimeUnixNano"])
            if svc == exp["slowTrace"]["rootService"] and s["name"] == exp["slowTrace"]["rootName"]:
                if w0 <= st <= w1:
                    roots["fault"].append(en - st)
                elif st < w0:
                    roots["before"].append(en - st)
    print("spans", sum(by.values()), "traces", len(traces))
    for (svc, name, kind), n in sorted(by.items()):
        print("  %-9s %-16s kind %d: %d" % (svc, name, kind, n))
    for svc, r in sorted(resources.items()):
        print("  resource", svc, r)
    thr = exp["slowTrace"]["rootAtLeastNanos"]
    for k, v in roots.items():
        if v:
            print("root %s: n=%d, >=%d ms: %d, median %.0f ms, max %.0f ms" % (
                k, len(v), thr // 1000000, sum(1 for x in v if x >= thr),
                statistics.median(v) / 1e6, max(v) / 1e6))
    for f in sorted(os.listdir(d)):
        if not f.startswith("events"):
            continue
        c = collections.Counter()
        other = 0
        path = os.path.join(d, f)
        opener = gzip.open if f.endswith(".gz") else open
        for line in opener(path, "rt", errors="replace"):
            line = line.strip()
            try:
                o = json.loads(line)
                if isinstance(o, dict) and o.get("type") == "printf":
                    o = json.loads(o["data"])
                if not isinstance(o, dict):
                    raise ValueError(line)
                c[o.get("event.name", "?")] += 1
            except (ValueError, KeyError, TypeError):
                if line:
                    other += 1
        print("%s (%d bytes): %s%s" % (f, os.path.getsize(path), dict(c),
                                       ", other lines: %d" % other if other else ""))


if __name__ == "__main__":
    main(sys.argv[1])
