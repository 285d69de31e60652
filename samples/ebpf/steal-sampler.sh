#!/bin/sh
# steal-sampler.sh - guest-visible steal time, per CPU, from /proc/stat, as canonical kernel events
# (docs/EVENTS.md, project addition cpu.steal; clock "realtime"). Runs INSIDE a guest. POSIX sh
# (busybox ash, dash, bash); no bpftrace, no root needed.
#
# usage: steal-sampler.sh [--interval-ms 1000] [--host NAME] [--hz 100] [--min-us 0]
#
#   Reads the "cpuN" lines of /proc/stat every interval; the 8th value is steal, in USER_HZ
#   ticks (--hz, 100 on Linux x86): time the hypervisor ran something else while this vCPU was
#   runnable (KVM's steal-time MSR, Xen's runstate, Hyper-V's reference...).
#
# Prints, one JSON object per line on stdout:
#   producer.start  once at start: attrs.covers = "hypervisor" (docs/EVENTS.md)
#   cpu.steal       per CPU whose steal grew by more than --min-us in the interval:
#                   dur_ns = steal in the interval, value = the same in ticks (unit "1"),
#                   time_ns = the sample time (end of the interval), attrs.interval_ns = time
#                   since the previous sample, attrs.cpu = the guest CPU, attrs.hz.
#   time_ns comes from `date +%s%N`; where date has no %N (busybox), from `date +%s` and
#   attrs.time_resolution_ns = 1000000000.
# Stops on SIGTERM/SIGINT.
set -u

interval_ms=1000
host="$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
hz=100
min_us=0

while [ $# -gt 0 ]; do
  case "$1" in
    --interval-ms) interval_ms="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --hz) hz="$2"; shift 2 ;;
    --min-us) min_us="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "steal-sampler: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$interval_ms$hz$min_us" in
  *[!0-9]*|'') echo "steal-sampler: --interval-ms, --hz and --min-us must be integers" >&2; exit 2 ;;
esac
[ "$interval_ms" -ge 10 ] || { echo "steal-sampler: --interval-ms must be >= 10" >&2; exit 2; }
[ -r /proc/stat ] || { echo "steal-sampler: cannot read /proc/stat" >&2; exit 1; }

resolution=""
now_ns() {
  t="$(date +%s%N)"
  case "$t" in
    *N|*[!0-9]*) resolution=',"time_resolution_ns":1000000000'; echo "$(date +%s)000000000" ;;
    *) echo "$t" ;;
  esac
}
sleep_s="$(awk "BEGIN{printf \"%.3f\", $interval_ms/1000}")"
trap 'exit 0' TERM INT

t0="$(now_ns)"
printf '{"event.name":"producer.start","host.name":"%s","clock":"realtime","time_ns":%s,"attrs":{"covers":"hypervisor"},"source":"steal-sampler"}\n' \
  "$host" "$t0"
prev="$(awk '/^cpu[0-9]/{print $1, $9}' /proc/stat)"
prev_t="$t0"
while :; do
  sleep "$sleep_s"
  cur="$(awk '/^cpu[0-9]/{print $1, $9}' /proc/stat)"
  t="$(now_ns)"
  printf '%s\n--\n%s\n' "$prev" "$cur" | awk -v t="$t" -v pt="$prev_t" -v host="$host" -v hz="$hz" \
      -v min_us="$min_us" -v res="$resolution" '
    $0 == "--" { cur = 1; next }
    !cur { before[$1] = $2; next }
    ($1 in before) {
      ticks = $2 - before[$1]
      ns = ticks * (1000000000 / hz)
      if (ticks > 0 && ns > min_us * 1000) {
        cpu = substr($1, 4)
        printf "{\"event.name\":\"cpu.steal\",\"host.name\":\"%s\",\"clock\":\"realtime\",\"time_ns\":%s,\"dur_ns\":%.0f,\"value\":%d,\"unit\":\"1\",\"attrs\":{\"cpu\":%s,\"hz\":%d,\"interval_ns\":%.0f%s},\"source\":\"steal-sampler\"}\n", host, t, ns, ticks, cpu, hz, t - pt, res
      }
    }'
  prev="$cur"
  prev_t="$t"
done
