#!/usr/bin/python3
"""ship-events.py - POST a kernel-event stream from standard input to the correlator in batches.

usage: ship-events.py NAME URL

With SHIP_FORMAT=otlp, URL is an OTLP/HTTP logs endpoint instead (a Collector's /v1/logs, as in
the `scale` compose profile, whose Collector exports them to Kafka for `correlator stream`): each
batch is one OTLP/JSON ExportLogsServiceRequest, one log record per canonical event whose
attributes are the event's fields (docs/EVENTS.md, "OTLP log records"; bpftrace `-f json` printf
records are unwrapped, `lost_events` becomes a `producer.lost` event), under one resource with
`host.name` = $ISOSTACK_HOST (when set) and `isostack.producer` = NAME, so that the Collector's
`partition_logs_by_resource_attributes` keeps this producer's records on one partition, in order.
Lines that are not JSON objects (producer noise) are skipped and counted.

Reads lines (canonical JSON lines, bare or bpftrace `-f json` framed) from standard input and
POSTs them to URL (the correlator's /v1/kernel-events) as one request per batch: a batch is sent
when it holds MAX_LINES lines or MAX_DELAY_S seconds after its first line, whichever comes first,
so that events reach the correlator well within its --event-lateness. The stream's clock.sync
records are remembered and sent again at the head of every batch: a correlator that restarted
after the producer started still learns the producer's clock offset (a later sync record of the
same clock replaces the earlier one, so repeating it changes nothing).

A refused batch (connection error, HTTP 5xx, 503 queue full) is retried with a growing pause,
at most RETRIES times, then dropped and counted; a 400 (nothing valid in the batch) is logged and
dropped. With CORRELATOR_TOKEN_FILE set, each request carries that file's token
(Authorization: Bearer). Counts go to standard error every REPORT_S seconds. Exits when standard input ends,
after sending what it holds. Python 3 standard library only.
"""
import os
import select
import sys
import time
import urllib.error
import urllib.request

import json

MAX_LINES = int(os.environ.get("SHIP_MAX_LINES", "500"))
FORMAT = os.environ.get("SHIP_FORMAT", "events")
MAX_DELAY_S = float(os.environ.get("SHIP_MAX_DELAY_MS", "200")) / 1000.0
RETRIES = 5
REPORT_S = 60.0


def log(name, message):
    sys.stderr.write("ship-events[%s]: %s\n" % (name, message))
    sys.stderr.flush()


def any_value(v):
    """A JSON value as an OTLP/JSON AnyValue."""
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, dict):
        return {"kvlistValue": {"values": key_values(v)}}
    if isinstance(v, list):
        return {"arrayValue": {"values": [any_value(x) for x in v]}}
    return {"stringValue": "" if v is None else str(v)}


def key_values(obj):
    return [{"key": k, "value": any_value(v)} for k, v in obj.items()]


LAST_TIME = {}  # the clock and time of the latest canonical event: a producer.lost's time


def canonical_events(line, counts):
    """The canonical events of one input line: bare, or inside a bpftrace -f json record."""
    try:
        obj = json.loads(line)
    except ValueError:
        counts["skipped_lines"] += 1
        return []
    if not isinstance(obj, dict):
        counts["skipped_lines"] += 1
        return []
    kind = obj.get("type")
    if kind == "printf":
        out = []
        for inner in str(obj.get("data", "")).splitlines():
            if inner.strip():
                out.extend(canonical_events(inner, counts))
        return out
    if kind == "lost_events":
        lost = {"event.name": "producer.lost", "value": obj.get("data", {}).get("events", 0),
                "unit": "1"}
        lost.update(LAST_TIME or {"clock": "realtime", "time_ns": time.time_ns()})
        return [lost]
    if kind is not None and "event.name" not in obj:
        counts["skipped_lines"] += 1
        return []
    if "time_ns" in obj and obj.get("event.name") != "clock.sync":
        LAST_TIME.update({"clock": obj.get("clock", "realtime"), "time_ns": obj["time_ns"]})
        if "host.name" in obj:
            LAST_TIME["host.name"] = obj["host.name"]
    return [obj]


def otlp_body(name, lines, counts):
    """One OTLP/JSON ExportLogsServiceRequest: a log record per canonical event of the lines."""
    records = []
    for line in lines:
        for event in canonical_events(line.decode("utf-8", "replace"), counts):
            records.append({"attributes": key_values(event)})
    resource = {"service.name": "isostack-ebpf-producer", "isostack.producer": name}
    if os.environ.get("ISOSTACK_HOST"):
        resource["host.name"] = os.environ["ISOSTACK_HOST"]
    request = {"resourceLogs": [{
        "resource": {"attributes": key_values(resource)},
        "scopeLogs": [{"scope": {"name": "ship-events.py"}, "logRecords": records}]}]}
    return json.dumps(request, separators=(",", ":")).encode("utf-8")


def bearer_token():
    """The correlator's token from CORRELATOR_TOKEN_FILE, read again for every batch (it may be
    renewed), or None when the variable is unset."""
    path = os.environ.get("CORRELATOR_TOKEN_FILE")
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def post(name, url, body, counts):
    """Sends one batch; True when the correlator took it (or rejected it for good)."""
    pause = 0.5
    content_type = "application/json" if FORMAT == "otlp" else "application/x-ndjson"
    for attempt in range(1, RETRIES + 1):
        headers = {"Content-Type": content_type}
        token = bearer_token()
        if token:
            headers["Authorization"] = "Bearer " + token
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                counts["batches"] += 1
                return True
        except urllib.error.HTTPError as e:
            if e.code == 400:
                counts["rejected_batches"] += 1
                log(name, "batch rejected: %s" % e.read(300).decode("utf-8", "replace"))
                return True
            retry_after = e.headers.get("Retry-After")
            reason = "HTTP %d" % e.code
            if retry_after and retry_after.isdigit():
                pause = max(pause, float(retry_after))
        except (urllib.error.URLError, OSError) as e:
            reason = str(e)
        if attempt == RETRIES:
            counts["dropped_batches"] += 1
            log(name, "batch dropped after %d attempts: %s" % (attempt, reason))
            return False
        time.sleep(pause)
        pause = min(pause * 2, 8.0)
    return False


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    name, url = argv[1], argv[2]
    fd = sys.stdin.fileno()
    syncs = []
    batch = []
    first_at = None
    partial = b""
    counts = {"lines": 0, "batches": 0, "rejected_batches": 0, "dropped_batches": 0,
              "skipped_lines": 0}
    next_report = time.monotonic() + REPORT_S
    eof = False
    while not eof or batch:
        timeout = None if first_at is None else max(0.0, first_at + MAX_DELAY_S - time.monotonic())
        ready = [] if eof else select.select([fd], [], [], timeout)[0]
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                eof = True
                if partial.strip():
                    batch.append(partial)
                partial = b""
            else:
                lines = (partial + chunk).split(b"\n")
                partial = lines.pop()
                for line in lines:
                    if not line.strip():
                        continue
                    if b"clock.sync" in line:
                        syncs.append(line)
                        del syncs[:-4]
                    batch.append(line)
                    counts["lines"] += 1
                if batch and first_at is None:
                    first_at = time.monotonic()
        now = time.monotonic()
        if batch and (eof or len(batch) >= MAX_LINES or now >= first_at + MAX_DELAY_S):
            head = [s for s in syncs if s not in batch]
            if FORMAT == "otlp":
                body = otlp_body(name, head + batch, counts)
            else:
                body = b"\n".join(head + batch) + b"\n"
            post(name, url, body, counts)
            batch = []
            first_at = None
        if now >= next_report:
            log(name, " ".join("%s=%d" % kv for kv in sorted(counts.items())))
            next_report = now + REPORT_S
    log(name, "input ended; " + " ".join("%s=%d" % kv for kv in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(0)
