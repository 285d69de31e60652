#!/usr/bin/env bash
# record-oci.sh - record a real L-3 or L-4 case for the corpus: the sample backend as an OCI
# container (samples/oci/run-backend.sh), watched by the shipped producers, faulted after a
# warm-up, its spans and events written to a samples/data/<case>/ directory.
#
# usage: record-oci.sh crun-throttle|gvisor-syscall-heavy OUT_DIR [REQUESTS]
#   crun-throttle         crun; sched.bt + cgroup-sampler.sh; after the warm-up a 10 % CFS quota
#                         on the container's cgroup (/<id>)
#   gvisor-syscall-heavy  runsc --platform=ptrace; the Sentry's strace log (fdatasync only) as
#                         events-runsc.txt; after the warm-up nothing changes: every request
#                         commits 400 records with fdatasync (the fault is the sandbox's slow path)
# Writes OUT_DIR/traces.jsonl, OUT_DIR/events-*.jsonl|txt and OUT_DIR/recording.json. Root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kind="$1"; out="$2"; n="${3:-12}"
work="$(mktemp -d /tmp/stack-record.XXXXXX)"
id="$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)"
host="$(hostname)"
pids=()
# producers get SIGINT (bpftrace) or SIGTERM (the sampler: a background job of a script ignores
# SIGINT); only they are waited for, never the backend
stop() {
  for p in ${pids[@]+"${pids[@]}"}; do
    kill -INT "$p" 2>/dev/null || true
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
trap 'stop; rm -rf "$work"' EXIT
mkdir -p "$out"
args=(--id "$id" --port 19081 --host "$host" --dir "$work")
case "$kind" in
  crun-throttle) ;;
  gvisor-syscall-heavy)
    args+=(--runtime runsc --runtime-flag --platform=ptrace --runtime-flag --network=host
           --runtime-flag --debug-log="$work/logs/" --runtime-flag --strace
           --runtime-flag --strace-syscalls=fdatasync --runtime-flag --root="$work/state"
           --backend-arg --sync-write-bytes --backend-arg 4096 --backend-arg --sync-writes
           --backend-arg 400 --backend-arg --write-dir --backend-arg /out/write) ;;
  *) echo "record-oci: unknown case $kind" >&2; exit 2 ;;
esac
bash "$here/../oci/run-backend.sh" "${args[@]}" > "$work/run.log" 2>&1 &
backend=$!
for _ in $(seq 120); do curl -s -m 5 -o /dev/null "http://127.0.0.1:19081/pay" && break; sleep 0.5; done
pid="$(sed -n 's/^id=[0-9a-f]* pid=\([0-9]*\) .*/\1/p' "$work/run.log")"
t_attached="$(date +%s%N)"
if [ "$kind" = crun-throttle ]; then
  nice -n 19 bpftrace -q -f json "$here/../ebpf/sched.bt" "$host" 1000 "$pid" 0 > "$out/events-sched.jsonl" 2>/dev/null &
  bt=$!
  pids+=($!)
  bash "$here/../ebpf/cgroup-sampler.sh" --cgroup "/$id" --host "$host" > "$out/events-cgroup.jsonl" &
  pids+=($!)
  sleep 4
fi
for _ in $(seq "$n"); do curl -s -m 30 -o /dev/null "http://127.0.0.1:19081/pay"; done
t_fault="$(date +%s%N)"
[ "$kind" = crun-throttle ] && echo 10000 > "/sys/fs/cgroup/cpu/$id/cpu.cfs_quota_us"
for _ in $(seq "$n"); do curl -s -m 30 -o /dev/null "http://127.0.0.1:19081/pay"; done
t_end="$(date +%s%N)"
sleep 1
[ "$kind" = crun-throttle ] && { kill -INT "$bt" 2>/dev/null || true; wait "$bt" 2>/dev/null || true; }
stop
kill "$backend" 2>/dev/null || true
wait "$backend" 2>/dev/null || true
cp "$work/out/backend-spans.jsonl" "$out/traces.jsonl"
if [ "$kind" = gvisor-syscall-heavy ]; then
  grep -v '^D' "$work"/logs/runsc.log.*.boot.txt > "$out/events-runsc.txt"
fi
cat > "$out/recording.json" <<JSON
{"case":"real-$kind","host.name":"$host","kernel":"$(uname -r)","runtime":"$([ "$kind" = crun-throttle ] && crun --version | head -1 || runsc --version | head -1)",
 "container.id":"$id","backend.host_pid":$pid,"requests_before_fault":$n,"requests_after_fault":$n,
 "phases_epoch_ns":{"producers_attached":$t_attached,"fault_on":$t_fault,"load_end":$t_end},
 "script":"samples/record/record-oci.sh $kind"}
JSON
ls -la "$out"
