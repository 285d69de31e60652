#!/usr/bin/env python3
"""Re-encodes OTLP/JSON traces (Collector file-exporter lines) as Jaeger JSON and Zipkin v2 JSON.

SYNTHESISED: the outputs are not what a Jaeger or Zipkin server stored, but what their JSON
would be for the same spans, following the OpenTelemetry Collector's translators
(pkg/translator/jaeger, pkg/translator/zipkin): resource attributes become process tags (Jaeger)
or span tags (Zipkin), span kind the `span.kind` tag or Zipkin `kind`, status `otel.status_code`
(+ `error`), times microseconds since the epoch (truncated, as the translators do).

usage: SYNTHESISED_otlp_to_jaeger_zipkin.py TRACES.jsonl JAEGER.json.gz ZIPKIN.json.gz
(the files here: samples/data/real-cpu-throttle/traces.jsonl → SYNTHESISED_real-cpu-throttle.*.json.gz)
"""
import gzip
import json
import sys

KINDS = {2: "server", 3: "client", 4: "producer", 5: "consumer"}


def value(v):
    for k in ("stringValue", "boolValue", "doubleValue"):
        if k in v:
            return v[k]
    if "intValue" in v:
        return int(v["intValue"])
    return None


def jaeger_kv(key, v):
    t = "string"
    if isinstance(v, bool):
        t = "bool"
    elif isinstance(v, int):
        t = "int64"
    elif isinstance(v, float):
        t = "float64"
    return {"key": key, "type": t, "value": v}


def spans(path):
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            for rs in json.loads(line).get("resourceSpans", []):
                res = {a["key"]: value(a["value"]) for a in rs.get("resource", {}).get("attributes", [])}
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        yield res, s


def main(src, jaeger_out, zipkin_out):
    traces = {}
    zipkin = []
    for res, s in spans(src):
        attrs = {a["key"]: value(a["value"]) for a in s.get("attributes", [])}
        start = int(s["startTimeUnixNano"])
        end = int(s["endTimeUnixNano"])
        kind = KINDS.get(s.get("kind", 0))
        code = s.get("status", {}).get("code", 0)
        tags = [jaeger_kv(k, v) for k, v in attrs.items() if v is not None]
        if kind:
            tags.append(jaeger_kv("span.kind", kind))
        if code:
            tags.append(jaeger_kv("otel.status_code", "OK" if code == 1 else "ERROR"))
        if code == 2:
            tags.append(jaeger_kv("error", True))
        t = traces.setdefault(s["traceId"], {"traceID": s["traceId"], "spans": [], "processes": {}})
        proc = {"serviceName": res.get("service.name", "unknown_service"),
                "tags": [jaeger_kv(k, v) for k, v in res.items() if k != "service.name" and v is not None]}
        pid = next((k for k, p in t["processes"].items() if p == proc), None)
        if pid is None:
            pid = "p%d" % (len(t["processes"]) + 1)
            t["processes"][pid] = proc
        refs = []
        if s.get("parentSpanId"):
            refs.append({"refType": "CHILD_OF", "traceID": s["traceId"], "spanID": s["parentSpanId"]})
        t["spans"].append({"traceID": s["traceId"], "spanID": s["spanId"], "flags": 1,
                           "operationName": s["name"], "references": refs,
                           "startTime": start // 1000, "duration": (end - start) // 1000,
                           "tags": tags, "logs": [], "processID": pid, "warnings": None})
        z = {"traceId": s["traceId"], "id": s["spanId"], "name": s["name"],
             "timestamp": start // 1000, "duration": (end - start) // 1000,
             "localEndpoint": {"serviceName": res.get("service.name", "unknown_service")}}
        if s.get("parentSpanId"):
            z["parentId"] = s["parentSpanId"]
        if kind:
            z["kind"] = kind.upper()
        peer = attrs.get("network.peer.address")
        if peer:
            z["remoteEndpoint"] = {"ipv6" if ":" in peer else "ipv4": peer}
            if attrs.get("network.peer.port"):
                z["remoteEndpoint"]["port"] = attrs["network.peer.port"]
        ztags = {k: str(v).lower() if isinstance(v, bool) else str(v)
                 for k, v in list(res.items()) + list(attrs.items())
                 if k != "service.name" and v is not None}
        if code:
            ztags["otel.status_code"] = "OK" if code == 1 else "ERROR"
        if code == 2:
            ztags["error"] = ""
        z["tags"] = ztags
        zipkin.append(z)
    with gzip.open(jaeger_out, "wt") as f:
        json.dump({"data": list(traces.values()), "total": 0, "limit": 0, "offset": 0, "errors": None}, f, indent=1)
    with gzip.open(zipkin_out, "wt") as f:
        json.dump(zipkin, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
