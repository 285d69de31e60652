#!/usr/bin/env bash
# virtq-sampler.sh - a block device's request queue against its depth, from sysfs, as canonical
# kernel events (docs/EVENTS.md, project addition block.queue_full; clock "realtime"). For a
# virtio-blk disk (vd*) the queue is its virtqueue: the ring shared with the hypervisor (L-2).
# bash >= 5 (EPOCHREALTIME); no bpftrace, no fork per sample; root only for the debugfs state.
#
# usage: virtq-sampler.sh --dev vda [--host NAME] [--interval-ms 5] [--window-ms 100] [--depth N]
#
#   Every --interval-ms reads /sys/block/DEV/inflight (the kernel's own count of requests the
#   driver holds: reads + writes) and, when debugfs is mounted and readable,
#   /sys/kernel/debug/block/DEV/hctx*/state. Each --window-ms it sums the samples up.
#   The queue depth (--depth, else from sysfs):
#     - the tag set's depth: the sum of /sys/block/DEV/mq/*/nr_tags;
#     - virtio-blk without VIRTIO_RING_F_INDIRECT_DESC (bit 28 of /sys/block/DEV/device/features):
#       the kernel sized the tag set at half the ring (drivers/block/virtio_blk.c, virtblk_probe:
#       "without indirect descs, we use 2 descs per req"), so the ring holds 2 * nr_tags
#       descriptors, and a request takes at least 3 (header, data, status: virtblk_add_req). The
#       ring is full at floor(2 * nr_tags / 3) one-segment requests, below nr_tags: that is the
#       depth. With indirect descriptors a request takes one descriptor: the depth is nr_tags.
#   A hardware queue the driver stopped (state STOPPED: virtio_queue_rq stops it when the ring has
#   no room, blk_mq_stop_hw_queue) counts as at its depth too, whatever the in-flight count.
#
# Prints, one JSON object per line on stdout:
#   producer.start    once at start: attrs.covers = "block-queue" (docs/EVENTS.md), attrs.driver,
#                     attrs.queue_depth
#   block.queue_full  per window in which a sample found the queue at its depth: dev = DEV,
#                     time_ns = the window's end, attrs.interval_ns = the window's length,
#                     dur_ns = the samples at depth times the sampling period (capped at the
#                     window), value = attrs.in_flight = the highest in-flight count sampled,
#                     attrs.queue_depth, attrs.nr_tags, attrs.ring_size (virtio-blk), attrs.driver
#                     (virtio_blk, nvme, ...: the basename of /sys/block/DEV/device/driver),
#                     attrs.samples, attrs.samples_full, attrs.samples_stopped.
# Stops on SIGTERM/SIGINT.
set -u

dev=""
host="$(hostname)"
interval_ms=5
window_ms=100
depth=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) dev="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --interval-ms) interval_ms="$2"; shift 2 ;;
    --window-ms) window_ms="$2"; shift 2 ;;
    --depth) depth="$2"; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    *) echo "virtq-sampler: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$dev" ] || { echo "virtq-sampler: --dev is required (e.g. --dev vda)" >&2; exit 2; }
case "$interval_ms$window_ms$depth" in
  *[!0-9]*|'') echo "virtq-sampler: --interval-ms, --window-ms and --depth must be integers" >&2; exit 2 ;;
esac
[ "$interval_ms" -ge 1 ] && [ "$window_ms" -ge "$interval_ms" ] ||
  { echo "virtq-sampler: want 1 <= --interval-ms <= --window-ms" >&2; exit 2; }
sys="/sys/block/$dev"
[ -r "$sys/inflight" ] || { echo "virtq-sampler: no block device '$dev' ($sys/inflight)" >&2; exit 2; }
[ -n "${EPOCHREALTIME:-}" ] || { echo "virtq-sampler: needs bash >= 5 (EPOCHREALTIME)" >&2; exit 2; }

driver="unknown"
[ -e "$sys/device/driver" ] && driver="$(basename "$(readlink -f "$sys/device/driver")")"
nr_tags=0
for f in "$sys"/mq/*/nr_tags; do
  [ -r "$f" ] && { read -r n < "$f"; nr_tags=$((nr_tags + n)); }
done
ring=0
if [ -z "$depth" ]; then
  depth="$nr_tags"
  if [ "$driver" = virtio_blk ] && [ -r "$sys/device/features" ]; then
    read -r features < "$sys/device/features"
    if [ "${features:28:1}" != 1 ]; then
      ring=$((2 * nr_tags))
      depth=$((ring / 3))
    else
      ring="$nr_tags"
    fi
  fi
fi
[ "$depth" -gt 0 ] || { echo "virtq-sampler: no queue depth for $dev (nr_tags 0); pass --depth" >&2; exit 2; }
states=()
for f in /sys/kernel/debug/block/"$dev"/hctx*/state; do
  [ -r "$f" ] && states+=("$f")
done

now_ns() { local t="$EPOCHREALTIME"; REPLY="${t/./}000"; }
exec {tick}<> <(:)
trap 'exit 0' TERM INT
interval_s="$((interval_ms / 1000)).$(printf '%03d' $((interval_ms % 1000)))"

now_ns; t0="$REPLY"
printf '{"event.name":"producer.start","host.name":"%s","clock":"realtime","time_ns":%s,"dev":"%s","attrs":{"covers":"block-queue","driver":"%s","queue_depth":%d,"nr_tags":%d,"ring_size":%d},"source":"virtq-sampler"}\n' \
  "$host" "$t0" "$dev" "$driver" "$depth" "$nr_tags" "$ring"
window_ns=$((window_ms * 1000000))
start="$t0"
samples=0; full=0; stopped=0; max=0
while :; do
  read -r -t "$interval_s" -u "$tick" _
  read -r r w < "$sys/inflight"
  n=$((r + w)); samples=$((samples + 1))
  [ "$n" -gt "$max" ] && max="$n"
  s=0
  for f in "${states[@]}"; do
    read -r st < "$f" || st=""
    case "$st" in *STOPPED*) s=1 ;; esac
  done
  stopped=$((stopped + s))
  if [ "$n" -ge "$depth" ] || [ "$s" = 1 ]; then full=$((full + 1)); fi
  now_ns; t="$REPLY"
  if [ $((t - start)) -ge "$window_ns" ]; then
    if [ "$full" -gt 0 ]; then
      dur=$((full * interval_ms * 1000000)); [ "$dur" -gt $((t - start)) ] && dur=$((t - start))
      printf '{"event.name":"block.queue_full","host.name":"%s","clock":"realtime","time_ns":%s,"dev":"%s","dur_ns":%d,"value":%d,"unit":"1","attrs":{"in_flight":%d,"queue_depth":%d,"nr_tags":%d,"ring_size":%d,"driver":"%s","samples":%d,"samples_full":%d,"samples_stopped":%d,"interval_ns":%d},"source":"virtq-sampler"}\n' \
        "$host" "$t" "$dev" "$dur" "$max" "$max" "$depth" "$nr_tags" "$ring" "$driver" "$samples" "$full" "$stopped" $((t - start))
    fi
    start="$t"; samples=0; full=0; stopped=0; max=0
  fi
done
