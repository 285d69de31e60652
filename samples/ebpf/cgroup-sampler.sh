#!/usr/bin/env bash
# cgroup-sampler.sh - CFS throttling and membership of one cgroup as canonical kernel events
# (EVENTS.md v1, clock "realtime"). Pure bash (5.x); no fork per sample except when reading
# the quota after a throttled interval.
#
# usage: cgroup-sampler.sh --cgroup /demo-backend [--interval-ms 100] [--host NAME]
#                          [--hierarchy auto|v1|v2] [--root /sys/fs/cgroup]
#
#   v1: reads <root>/cpu/<cgroup>/cpu.stat   (nr_periods nr_throttled throttled_time[ns])
#       and cpu.cfs_quota_us / cpu.cfs_period_us
#   v2: reads <root>/unified/<cgroup>/cpu.stat, else <root>/<cgroup>/cpu.stat
#       (nr_periods nr_throttled throttled_usec) and cpu.max
#   auto (default): v1 if <root>/cpu/<cgroup>/cpu.stat exists, else v2.
#
# Prints, one JSON object per line on stdout:
#   cpu.throttled   whenever nr_throttled grew since the previous sample:
#                   value = periods throttled in the interval, dur_ns = throttled time in the
#                   interval, time_ns = the sample time (end of the interval),
#                   attrs.interval_ns = time since the previous sample, attrs.cfs_quota_us /
#                   attrs.cfs_period_us = the limit read at this sample (-1 = no limit).
#   producer.start  once at start: attrs.covers = "cgroup-cpu" (docs/EVENTS.md)
#   cgroup.attach   one record per pid in cgroup.procs at start, then one per pid that
#                   APPEARED since the previous sample (pids that left are not reported).
#                   time_ns is when the sampler saw it (up to one interval after the move).
# Stops on SIGTERM/SIGINT, and when the cgroup directory disappears.
set -u

cgroup=""
interval_ms=100
host="$(hostname)"
hierarchy=auto
root=/sys/fs/cgroup

while [ $# -gt 0 ]; do
  case "$1" in
    --cgroup) cgroup="$2"; shift 2 ;;
    --interval-ms) interval_ms="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --hierarchy) hierarchy="$2"; shift 2 ;;
    --root) root="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "cgroup-sampler: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$cgroup" ] || { echo "cgroup-sampler: --cgroup is required" >&2; exit 2; }
case "$cgroup" in /*) ;; *) cgroup="/$cgroup" ;; esac
[[ "$interval_ms" =~ ^[0-9]+$ ]] && [ "$interval_ms" -ge 10 ] \
  || { echo "cgroup-sampler: --interval-ms must be an integer >= 10" >&2; exit 2; }

if [ "$hierarchy" = auto ]; then
  if [ -r "$root/cpu$cgroup/cpu.stat" ]; then hierarchy=v1; else hierarchy=v2; fi
fi
case "$hierarchy" in
  v1) dir="$root/cpu$cgroup" ;;
  v2) if [ -r "$root/unified$cgroup/cpu.stat" ]; then dir="$root/unified$cgroup"; else dir="$root$cgroup"; fi ;;
  *) echo "cgroup-sampler: --hierarchy must be auto, v1 or v2" >&2; exit 2 ;;
esac
[ -r "$dir/cpu.stat" ] || { echo "cgroup-sampler: cannot read $dir/cpu.stat" >&2; exit 1; }

# JSON string escaping for the few strings we print (host, cgroup path).
json_str() {
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}
j_host="$(json_str "$host")"
j_path="$(json_str "$cgroup")"
interval_s="$(printf '%d.%03d' $((interval_ms / 1000)) $((interval_ms % 1000)))"

trap 'exit 0' TERM INT

# Sleep without forking: a read with timeout on a pipe that never delivers data.
exec {sleep_fd}<> <(:)
pause() { read -r -t "$interval_s" -u "$sleep_fd" _ || true; }

now_ns() { now="${EPOCHREALTIME/./}000"; }   # µs resolution, expressed in ns

# Sets nr_throttled and throttled_ns from cpu.stat; returns 1 if unreadable.
read_stat() {
  local k v
  nr_throttled=""; throttled_ns=0
  while read -r k v; do
    case "$k" in
      nr_throttled) nr_throttled="$v" ;;
      throttled_time) throttled_ns="$v" ;;          # v1, ns
      throttled_usec) throttled_ns=$((v * 1000)) ;; # v2, µs
    esac
  done < "$dir/cpu.stat" 2>/dev/null || return 1
  [ -n "$nr_throttled" ]
}

read_limits() {
  if [ "$hierarchy" = v1 ]; then
    quota="$(< "$dir/cpu.cfs_quota_us")"; period="$(< "$dir/cpu.cfs_period_us")"
  else
    local q p
    read -r q p < "$dir/cpu.max"
    if [ "$q" = max ]; then quota=-1; else quota="$q"; fi
    period="$p"
  fi
} 2>/dev/null

declare -A seen=()
check_members() {
  local p
  declare -A cur=()
  while read -r p; do
    [ -n "$p" ] || continue
    cur[$p]=1
    if [ -z "${seen[$p]:-}" ]; then
      printf '{"event.name":"cgroup.attach","host.name":%s,"clock":"realtime","time_ns":%s,"pid":%s,"cgroup.path":%s,"attrs":{"hierarchy":"%s"},"source":"cgroup-sampler"}\n' \
        "$j_host" "$now" "$p" "$j_path" "$hierarchy"
    fi
  done < "$dir/cgroup.procs"
  seen=()
  for p in "${!cur[@]}"; do seen[$p]=1; done
}

now_ns
read_stat || { echo "cgroup-sampler: no nr_throttled in $dir/cpu.stat" >&2; exit 1; }
prev_nr="$nr_throttled"; prev_ns="$throttled_ns"; prev_t="$now"
printf '{"event.name":"producer.start","host.name":%s,"clock":"realtime","time_ns":%s,"cgroup.path":%s,"attrs":{"covers":"cgroup-cpu"},"source":"cgroup-sampler"}\n' \
  "$j_host" "$now" "$j_path"
check_members

while :; do
  pause
  [ -d "$dir" ] || exit 0
  now_ns
  check_members
  read_stat || exit 0
  if [ "$nr_throttled" -gt "$prev_nr" ]; then
    read_limits
    printf '{"event.name":"cpu.throttled","host.name":%s,"clock":"realtime","time_ns":%s,"cgroup.path":%s,"dur_ns":%s,"value":%s,"unit":"1","attrs":{"interval_ns":%s,"cfs_quota_us":%s,"cfs_period_us":%s,"nr_throttled_total":%s},"source":"cgroup-sampler"}\n' \
      "$j_host" "$now" "$j_path" $((throttled_ns - prev_ns)) $((nr_throttled - prev_nr)) \
      $((now - prev_t)) "$quota" "$period" "$nr_throttled"
  fi
  prev_nr="$nr_throttled"; prev_ns="$throttled_ns"; prev_t="$now"
done
