#!/usr/bin/env python3
"""Sanity checks for the reconstructed sample cases (Python 3 standard library only).

Checks per case: OTLP ids and encodings, span time order and parent links, resource
attributes; event stream framing (sync first, a sync for every host, boottime clock,
comm length, per-CPU disorder bounded by 65 us); self-time arithmetic against
expected.json (slow hops >= 250 ms self time, counts, notBlamed spans below it, fast
traces clearly fast); 5-tuples of tcp.retransmit / tcp.rtt lining up with a span
(local side from network.local.* or from the server child's peer attributes, old or
new names) that contains them in time; cgroup paths matching container.id; case-specific
evidence totals. Exit status 1 on any failure.

Usage: python3 check_samples.py [data-dir]
"""

import json
import os
import re
import sys
import uuid

THRESHOLD_NS = 250_000_000
HEX32, HEX16, HEX64 = (re.compile(f"^[0-9a-f]{{{n}}}$") for n in (32, 16, 64))
CGROUP = re.compile(r"^/kubepods/(burstable|besteffort|guaranteed)/pod([0-9a-f-]{36})/([0-9a-f]{64})$")
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def attr_map(attrs):
    out = {}
    for kv in attrs:
        v = kv["value"]
        if "intValue" in v:
            check(isinstance(v["intValue"], str), f"intValue not a string: {kv}")
            out[kv["key"]] = int(v["intValue"])
        else:
            out[kv["key"]] = next(iter(v.values()))
    return out


def load_traces(path):
    spans = []
    for n, line in enumerate(open(path), 1):
        req = json.loads(line)
        check(list(req) == ["resourceSpans"], f"{path}:{n} not an ExportTraceServiceRequest")
        for rs in req["resourceSpans"]:
            res = attr_map(rs["resource"]["attributes"])
            for key in ("service.name", "host.name", "process.pid"):
                check(key in res, f"{path}:{n} resource lacks {key}")
            if "container.id" in res:
                check(HEX64.match(res["container.id"]), f"bad container.id {res['container.id']}")
                check(str(uuid.UUID(res["k8s.pod.uid"])) == res["k8s.pod.uid"], "bad pod uid")
                check(res["process.pid"] == 1, "containerised service should report pid 1")
            for ss in rs["scopeSpans"]:
                for s in ss["spans"]:
                    check(HEX32.match(s["traceId"]) and int(s["traceId"], 16), f"bad traceId {s['traceId']}")
                    check(HEX16.match(s["spanId"]) and int(s["spanId"], 16), f"bad spanId {s['spanId']}")
                    check(isinstance(s["startTimeUnixNano"], str) and isinstance(s["endTimeUnixNano"], str),
                          "times must be decimal strings")
                    check(s["kind"] in (1, 2, 3), f"bad kind {s['kind']}")
                    st, en = int(s["startTimeUnixNano"]), int(s["endTimeUnixNano"])
                    check(st < en, f"span {s['spanId']} ends before it starts")
                    spans.append({"trace": s["traceId"], "id": s["spanId"], "parent": s.get("parentSpanId"),
                                  "name": s["name"], "kind": s["kind"], "start": st, "end": en,
                                  "attrs": attr_map(s["attributes"]), "res": res,
                                  "service": res["service.name"]})
    ids = [s["id"] for s in spans]
    check(len(ids) == len(set(ids)), f"{path}: duplicate span ids")
    return spans


def self_time(span, children):
    """Span duration minus the union of its children's intervals clipped to it."""
    iv = sorted((max(c["start"], span["start"]), min(c["end"], span["end"])) for c in children)
    covered, cur_a, cur_b = 0, None, None
    for a, b in iv:
        if b <= a:
            continue
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                covered += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        covered += cur_b - cur_a
    return span["end"] - span["start"] - covered


def load_events(path):
    lines = [json.loads(l) for l in open(path)]
    check(lines[0]["event.name"] == "clock.sync", f"{path}: first line is not clock.sync")
    syncs, out, last_t, max_inv, inversions = {}, [], {}, 0, 0
    for n, e in enumerate(lines, 1):
        h = e.get("host.name")
        check(e.get("clock") == "boottime", f"{path}:{n} clock is not boottime")
        check(isinstance(e["time_ns"], int), f"{path}:{n} time_ns not int")
        if e["event.name"] == "clock.sync":
            if h in syncs:
                check(e["realtime_ns"] - e["time_ns"] == syncs[h], f"{path}:{n} inconsistent re-sync")
            syncs[h] = e["realtime_ns"] - e["time_ns"]
            continue
        if not check(h in syncs, f"{path}:{n} event for host {h} before any sync"):
            continue
        check(len(e.get("comm", "")) <= 15, f"{path}:{n} comm too long")
        if "cgroup.path" in e:
            check(CGROUP.match(e["cgroup.path"]), f"{path}:{n} bad cgroup path {e['cgroup.path']}")
        e["rt"] = e["time_ns"] + syncs[h]
        if e["event.name"] not in ("net.interface", "cgroup.attach"):
            key = h
            if key in last_t and e["rt"] < last_t[key]:
                inversions += 1
                max_inv = max(max_inv, last_t[key] - e["rt"])
            last_t[key] = max(last_t.get(key, 0), e["rt"])
        out.append(e)
    check(max_inv <= 65_000, f"{path}: disorder {max_inv} ns > 65 us")
    return out, syncs, inversions, max_inv


def local_side(span, by_parent):
    """(local addr, local port, peer addr, peer port) of a CLIENT span, using its server child."""
    a = span["attrs"]
    peer, pport = a.get("network.peer.address"), a.get("network.peer.port")
    laddr, lport = a.get("network.local.address"), a.get("network.local.port")
    for ch in by_parent.get(span["id"], []):
        ca = ch["attrs"]
        laddr = laddr or ca.get("network.peer.address") or ca.get("net.peer.ip")
        lport = lport or ca.get("network.peer.port") or ca.get("net.peer.port")
    return laddr, lport, peer, pport


def check_case(d):
    name = os.path.basename(d)
    exp = json.load(open(os.path.join(d, "expected.json")))
    check(exp["case"] == name and exp["reconstruction"] is True, f"{name}: expected.json header")
    check(open(os.path.join(d, "README.md")).read().lstrip().startswith("> **RECONSTRUCTION"),
          f"{name}: README must start with the reconstruction note")
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    check(size < 1_000_000, f"{name}: {size} bytes >= 1 MB")
    spans = load_traces(os.path.join(d, "traces.jsonl"))
    events, syncs, inversions, max_inv = load_events(os.path.join(d, "events.jsonl"))
    check(inversions >= 3, f"{name}: only {inversions} per-CPU inversions")
    by_id = {s["id"]: s for s in spans}
    by_parent = {}
    for s in spans:
        if s["parent"]:
            check(s["parent"] in by_id and by_id[s["parent"]]["trace"] == s["trace"], f"dangling parent {s['id']}")
            by_parent.setdefault(s["parent"], []).append(s)
            p = by_id.get(s["parent"])
            if p:
                check(p["start"] <= s["start"] and s["end"] <= p["end"], f"{name}: child {s['id']} outside parent")
        check(s["res"]["host.name"] in syncs or not any(e for e in events if e["host.name"] == s["res"]["host.name"]),
              f"{name}: span host without sync")
    for s in spans:
        s["self"] = self_time(s, by_parent.get(s["id"], []))
    slow = [s for s in spans if s["self"] >= THRESHOLD_NS]
    slow_traces = {s["trace"] for s in slow}
    for hop in exp["slowHops"]:
        got = [s for s in slow if s["service"] == hop["service"] and s["name"] == hop["name"]]
        check(len(got) == hop["count"], f"{name}: {hop['service']} {hop['name']} slow {len(got)} != {hop['count']}")
        check(len({s['trace'] for s in got}) == hop["count"], f"{name}: slow hop counted twice in a trace")
    for nb in exp["notBlamed"]:
        bad = [s for s in slow if s["service"] == nb["service"] and s["name"] == nb["name"]]
        check(not bad, f"{name}: notBlamed {nb} has slow spans")
        check(any(s["service"] == nb["service"] and s["name"] == nb["name"] for s in spans),
              f"{name}: notBlamed {nb} names no span")
    check({(s["service"], s["name"]) for s in slow} ==
          {(h["service"], h["name"]) for h in exp["slowHops"]}, f"{name}: unexpected slow hops")
    fast_max = max(s["self"] for s in spans if s["trace"] not in slow_traces)
    check(fast_max <= 40_000_000, f"{name}: a fast trace has self time {fast_max / 1e6:.1f} ms")
    # 5-tuples of TCP events line up with a client span containing them
    clients = [(s, local_side(s, by_parent)) for s in spans if s["kind"] == 3]
    tcp = [e for e in events if e["event.name"] in ("tcp.retransmit", "tcp.rtt")]
    for e in tcp:
        tup = (e["saddr"], e["sport"], e["daddr"], e["dport"])
        hit = [s for s, t in clients if t == tup and s["start"] <= e["rt"] <= s["end"]
               and s["res"]["host.name"] == e["host.name"]]
        check(len(hit) == 1, f"{name}: {e['event.name']} {tup} at {e['rt']} matches {len(hit)} spans")
    # cgroup paths ↔ container ids ↔ cgroup.attach pids
    cids = {s["res"].get("container.id"): s["res"].get("k8s.pod.uid") for s in spans if "container.id" in s["res"]}
    attached = {e["pid"]: e["cgroup.path"] for e in events if e["event.name"] == "cgroup.attach"}
    for cid, uid in cids.items():
        check(any(p.endswith("/" + cid) and f"/pod{uid}/" in p for p in attached.values()),
              f"{name}: no cgroup.attach for container {cid[:12]}")
    for e in events:
        if "pid" in e and "cgroup.path" in e and e["event.name"] != "cgroup.attach":
            check(attached.get(e["pid"]) == e["cgroup.path"], f"{name}: pid {e['pid']} cgroup mismatch")
    report = {"spans": len(spans), "traces": len({s['trace'] for s in spans}), "events": len(events),
              "slow": len(slow), "inversions": inversions, "max_inversion_us": max_inv / 1000,
              "fast_max_self_ms": round(fast_max / 1e6, 1), "tcp_events_matched": len(tcp), "bytes": size}
    extra = CASE_CHECKS.get(name)
    if extra:
        report.update(extra(spans, slow, events))
    print(name, json.dumps(report))


def in_span(e, s):
    return s["start"] <= e["rt"] - e.get("dur_ns", 0) and e["rt"] <= s["end"]


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(0.99 * len(xs)))] if xs else 0


def cpu_checks(spans, slow, events):
    r = {}
    for s in slow:
        thr = sum(e["dur_ns"] for e in events if e["event.name"] == "cpu.throttled"
                  and s["start"] <= e["rt"] - e["attrs"]["interval_ns"] and e["rt"] <= s["end"])
        check(1.0e9 <= thr <= 1.2e9, f"throttled {thr} in {s['id']}")
        kinds = {e["event.name"] for e in events if in_span(e, s)}
        for k in ("sched.runq_latency", "seccomp.latency", "syscall.error", "log", "net.queue_full",
                  "tcp.retransmit", "block.io_latency"):
            check(k in kinds, f"slow sidecar span {s['id']} lacks {k}")
        check(1.55e9 <= s["self"] <= 1.65e9, f"sidecar self {s['self']}")
        r.setdefault("throttled_ms", []).append(round(thr / 1e6))
        par = next(p for p in spans if p["id"] == s["parent"])
        order = next(p for p in spans if p["id"] == par["parent"])
        check(180e6 <= order["self"] <= 220e6, f"order self {order['self']}")
        r.setdefault("order_self_ms", []).append(round(order["self"] / 1e6))
    lat = [e["dur_ns"] for e in events if e["event.name"] == "block.io_latency" and e["host.name"] == "node-1"
           and any(s["start"] <= e["rt"] <= s["end"] for s in slow)]
    r["node1_bio_p99_ms_in_slow_spans"] = round(p99(lat) / 1e6, 1)
    return r


def mdns_checks(spans, slow, events):
    r = {"client_self_ms": [round(s["self"] / 1e6) for s in slow]}
    for s in slow:
        check(1.55e9 <= s["self"] <= 1.7e9, f"checkout client self {s['self']}")
        n = sum(1 for e in events if e["event.name"] == "tcp.retransmit" and in_span(e, s))
        check(n == 3, f"{s['id']} has {n} retransmits")
    r["max_rtt_us"] = max(e["value"] for e in events if e["event.name"] == "tcp.rtt")
    return r


def disk_checks(spans, slow, events):
    lat = [e["dur_ns"] for e in events if e["event.name"] == "block.io_latency"
           and any(s["start"] <= e["rt"] <= s["end"] for s in slow)]
    for s in slow:
        fsio = [e for e in events if e["event.name"] == "fs.slow_io" and in_span(e, s)
                and e["pid"] == s["res"]["process.pid"]]
        check(len(fsio) >= 2, f"{s['id']} has {len(fsio)} slow writes")
    return {"self_ms": [round(s["self"] / 1e6) for s in slow], "bio_p99_ms_in_slow_spans": round(p99(lat) / 1e6, 1)}


def healthy_checks(spans, slow, events):
    s = slow[0]
    near = [e for e in events if e["event.name"] not in ("net.interface", "clock.sync")
            and e["rt"] >= s["start"] and e["rt"] - e.get("dur_ns", 0) <= s["end"]]
    check(len(near) == 1 and near[0]["event.name"] == "sched.offcpu" and near[0]["attrs"]["state"] == "S",
          f"report span has other evidence: {[e['event.name'] for e in near]}")
    return {"report_self_ms": round(s["self"] / 1e6), "offcpu_S_ms": round(near[0]["dur_ns"] / 1e6)}


CASE_CHECKS = {"cpu-throttle-chain": cpu_checks, "mdns-storm": mdns_checks,
               "disk-io-storm": disk_checks, "healthy": healthy_checks}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name in sorted(CASE_CHECKS):
        check_case(os.path.join(root, name))
    for f in failures:
        print("FAIL", f)
    print("OK" if not failures else f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
