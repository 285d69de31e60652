#!/usr/bin/env python3
"""Checks and summarises a recording made by record-cpu-throttle.sh (stdlib only).

usage: verify-recording.py [DIR]   (default samples/data/real-cpu-throttle)

Prints span counts (by service/name/kind), slow spans per phase, events by name, and checks:
backend span process.pid == pid of the sched events of its threads, slow (>= 300 ms) backend
spans only in the quota phase, cpu.throttled events in that phase carrying the cgroup path,
cgroup.attach backend pid -> cgroup path, clock.sync first in the sched stream.
Exit status 1 if a check fails.
"""
import collections
import json
import os
import sys

d = sys.argv[1] if len(sys.argv) > 1 else "samples/data/real-cpu-throttle"
rec = json.load(open(os.path.join(d, "recording.json")))
ph = rec["phases_epoch_ns"]
bpid, fpid, cgp = rec["backend.pid"], rec["frontend.pid"], rec["cgroup.path"]
fails = []


def check(ok, msg):
    print(("ok   " if ok else "FAIL ") + msg)
    if not ok:
        fails.append(msg)


def phase(t):
    if t < ph["load_start"]:
        return "0-warmup"
    if t < ph["quota_on"]:
        return "1-no-quota"
    if t < ph["quota_off"]:
        return "2-quota"
    return "3-no-quota"


spans = []
for line in open(os.path.join(d, "traces.jsonl")):
    if not line.strip():
        continue
    for rs in json.loads(line)["resourceSpans"]:
        res = {a["key"]: list(a["value"].values())[0] for a in rs["resource"]["attributes"]}
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                s["_res"] = res
                s["_start"] = int(s["startTimeUnixNano"])
                s["_dur_ms"] = (int(s["endTimeUnixNano"]) - s["_start"]) / 1e6
                spans.append(s)
print(f"spans: {len(spans)}, traces: {len({s['traceId'] for s in spans})}")
by = collections.Counter((s["_res"]["service.name"], s["name"], s["kind"]) for s in spans)
for k, v in sorted(by.items()):
    print(f"  {k[0]:9} {k[1]:14} kind={k[2]} n={v}")
pids = {s["_res"]["service.name"]: int(s["_res"]["process.pid"]) for s in spans}
check(pids.get("backend") == bpid and pids.get("frontend") == fpid, f"resource process.pid {pids}")

print("backend GET /pay SERVER spans by phase: n, slow(>=300ms), min/median/max ms")
bspans = [s for s in spans if s["_res"]["service.name"] == "backend"]
slow_phases = set()
for p in sorted({phase(s["_start"]) for s in bspans}):
    ds = sorted(s["_dur_ms"] for s in bspans if phase(s["_start"]) == p)
    slow = [x for x in ds if x >= 300]
    if slow:
        slow_phases.add(p)
    print(f"  {p:11} n={len(ds):3} slow={len(slow):3} "
          f"min={ds[0]:.1f} med={ds[len(ds) // 2]:.1f} max={ds[-1]:.1f}")
slow_all = [s for s in spans if s["_dur_ms"] >= 300]
print(f"slow spans (all services, >=300 ms): {len(slow_all)}, by phase "
      f"{dict(collections.Counter(phase(s['_start']) for s in slow_all))}")
check(slow_phases == {"2-quota"}, "slow backend spans only in the quota phase")

raw = [json.loads(l) for l in open(os.path.join(d, "events-sched.jsonl")) if l.strip()]
types = collections.Counter(r["type"] for r in raw)
print(f"bpftrace records by type: {dict(types)}")
sched, bad = [], 0
for r in raw:
    if r["type"] != "printf":
        continue
    for l in r["data"].splitlines():
        try:
            sched.append(json.loads(l))
        except ValueError:
            bad += 1
print(f"sched.bt canonical lines: {len(sched)} (unparseable: {bad})")
check(sched and sched[0]["event.name"] == "clock.sync", "clock.sync is the first sched event")
sync = sched[0]
to_rt = lambda e: sync["realtime_ns"] + e["time_ns"] - sync["time_ns"]
cnt = collections.Counter((e["event.name"], e.get("pid"), e.get("attrs", {}).get("state")) for e in sched)
for k, v in sorted(cnt.items(), key=str):
    print(f"  {k} n={v}")
bth = {e["tid"] for e in sched if e.get("pid") == bpid and "tid" in e}
check(len(bth) > 1, f"sched events carry backend pid {bpid} for {len(bth)} threads")
att = [e for e in sched if e["event.name"] == "cgroup.attach"]
check(any(e["pid"] == bpid and e["cgroup.path"] == cgp for e in att), f"bpftrace cgroup.attach {bpid} -> {cgp}")
r_by_phase = collections.Counter(phase(to_rt(e)) for e in sched
                                 if e["event.name"] == "sched.offcpu" and e["pid"] == bpid
                                 and e["attrs"]["state"] == "R")
print(f"backend sched.offcpu state R by phase (realtime via clock.sync): {dict(r_by_phase)}")

cg = [json.loads(l) for l in open(os.path.join(d, "events-cgroup.jsonl")) if l.strip()]
print(f"cgroup sampler events: {dict(collections.Counter(e['event.name'] for e in cg))}")
thr = [e for e in cg if e["event.name"] == "cpu.throttled"]
tp = collections.Counter(phase(e["time_ns"]) for e in thr)
print(f"cpu.throttled by phase: {dict(tp)}; total periods={sum(e['value'] for e in thr)} "
      f"throttled_ms={sum(e['dur_ns'] for e in thr) / 1e6:.0f}")
check(thr and all(e["cgroup.path"] == cgp for e in thr), "cpu.throttled carries the cgroup path")
# the sample ending just after quota_off covers the end of the quota phase: allow one interval
late = [e for e in thr if not ph["quota_on"] <= e["time_ns"] <= ph["quota_off"] + e["attrs"]["interval_ns"]]
check(bool(thr) and not late, f"cpu.throttled only in the quota phase (outside: {len(late)})")
check(any(e["pid"] == bpid and e["cgroup.path"] == cgp for e in cg if e["event.name"] == "cgroup.attach"),
      f"sampler cgroup.attach {bpid} -> {cgp}")
sys.exit(1 if fails else 0)
