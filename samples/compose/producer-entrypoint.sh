#!/usr/bin/env bash
# producer-entrypoint.sh - the ebpf-producer container: runs the project's kernel-event producers
# (samples/ebpf/) and ships each stream to the correlator's POST /v1/kernel-events.
#
# Environment:
#   ISOSTACK_HOST    host.name stamped on every event; must equal the sample services' --host
#                    (default: isostack-host)
#   CORRELATOR_URL   default http://correlator:4318/v1/kernel-events
#   SHIP_FORMAT      events (default: canonical lines to CORRELATOR_URL) or otlp (OTLP/JSON logs,
#                    CORRELATOR_URL then being a Collector's /v1/logs: the `scale` profile)
#   CORRELATOR_TOKEN_FILE  the correlator's bearer token (read by ship-events.py), if it has one
#   PRODUCERS        which producers, default "sched syscalls block tcp oom cgroup":
#                    sched     sched.bt, stalls >= 1 ms (run-queue latency, off-CPU)
#                    syscalls  syscalls.bt (EPERM/EACCES, e.g. the seccomp fault's mkdir)
#                    block     block.bt, requests >= 1 ms on every disk (the disk fault)
#                    tcp       tcp.bt (retransmits, RTT, connect latency)
#                    oom       oom.bt
#                    cgroup    cgroup-sampler.sh on the backend's cgroup (the cpu-throttle
#                              fault): the backend is found by its command line
#                              (BACKEND_MATCH) in the host's /proc, its cgroup read from
#                              /proc/PID/cgroup; followed again when the backend restarts.
#   BACKEND_MATCH    the command-line words that identify the backend (default, the backend
#                    container's: "/opt/isostack/sample-app.jar backend")
#
# Needs: privileged, the host's pid and cgroup namespaces, tracefs. Every producer is restarted
# 5 s after it exits; SIGTERM stops them all.
set -uo pipefail

HOST_NAME="${ISOSTACK_HOST:-isostack-host}"
URL="${CORRELATOR_URL:-http://correlator:4318/v1/kernel-events}"
PRODUCERS="${PRODUCERS:-sched syscalls block tcp oom cgroup}"
BACKEND_MATCH="${BACKEND_MATCH:-/opt/isostack/sample-app.jar backend}"
EBPF=/opt/isostack/ebpf
SHIP=/opt/isostack/ship-events.py
export BPFTRACE_MAP_KEYS_MAX="${BPFTRACE_MAP_KEYS_MAX:-65536}"

log() { echo "producer-entrypoint: $*" >&2; }

if [ ! -e /sys/kernel/tracing/events ]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null \
    || log "no tracefs at /sys/kernel/tracing; bpftrace will fall back to debugfs if mounted"
fi

# The first process whose command line contains BACKEND_MATCH (words separated by NULs).
backend_pid() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$({ tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null)" || continue # gone meanwhile
    case "$cmd" in *"$BACKEND_MATCH"*) echo "${p#/proc/}"; return 0 ;; esac
  done
  return 1
}

# The cgroup path of PID whose cpu.stat carries CFS throttling: the v2 path ("0::/x"), or the
# v1 cpu controller's ("N:cpu,cpuacct:/x").
cgroup_of() {
  local line v1="" v2=""
  while IFS= read -r line; do
    case "$line" in
      0::*) v2="${line#0::}" ;;
      *:*cpu,*:* | *:cpu:* | *:*,cpu:* | *:*,cpu,*:*) v1="${line#*:*:}" ;;
    esac
  done < "/proc/$1/cgroup"
  if [ -n "$v1" ]; then echo "$v1"; else echo "$v2"; fi
}

# Follows the backend's cgroup: waits for the backend, samples its cgroup until the cgroup
# disappears (the container stopped), then looks again.
cgroup_sampler() {
  local pid cg
  while :; do
    if pid="$(backend_pid)" && cg="$(cgroup_of "$pid")" && [ -n "$cg" ] && [ "$cg" != / ]; then
      log "cgroup: backend pid $pid in $cg"
      bash "$EBPF/cgroup-sampler.sh" --cgroup "$cg" --host "$HOST_NAME" --interval-ms 100
    fi
    sleep 5
  done
}

command_of() {
  case "$1" in
    sched) echo "bpftrace -q -f json $EBPF/sched.bt $HOST_NAME 1000" ;;
    syscalls) echo "bpftrace -q -f json $EBPF/syscalls.bt $HOST_NAME" ;;
    block) echo "bpftrace -q -f json $EBPF/block.bt $HOST_NAME 1000" ;;
    tcp) echo "bpftrace -q -f json $EBPF/tcp.bt $HOST_NAME" ;;
    oom) echo "bpftrace -q -f json $EBPF/oom.bt $HOST_NAME" ;;
    cgroup) echo "cgroup_sampler" ;;
    *) return 1 ;;
  esac
}

run_producer() {
  if [ "$1" = cgroup_sampler ]; then cgroup_sampler; else $1; fi
}

# Runs one producer piped into its shipper, again 5 s after it ends.
supervise() {
  local name="$1" cmd="$2" status
  while :; do
    log "$name: $cmd"
    run_producer "$cmd" | "$SHIP" "$name" "$URL"
    status="${PIPESTATUS[0]}"
    log "$name: exited (status $status), restarting in 5 s"
    sleep 5
  done
}

# Job control: each supervisor (and the producer and shipper it starts) is its own process group,
# so that one kill stops all three.
set -m
groups=()
for name in $PRODUCERS; do
  if ! cmd="$(command_of "$name")"; then
    log "unknown producer '$name' in PRODUCERS (known: sched syscalls block tcp oom cgroup)"
    exit 2
  fi
  supervise "$name" "$cmd" &
  groups+=("$!")
done
log "host.name=$HOST_NAME, shipping to $URL: $PRODUCERS"

stop() {
  log "stopping"
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
  wait
  exit 0
}
trap stop TERM INT
wait
