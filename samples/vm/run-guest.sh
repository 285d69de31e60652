#!/usr/bin/env bash
# run-guest.sh - boot the tiny KVM guest of build-initramfs.sh for one workload and stop.
#
# usage: run-guest.sh [--work idle|touch|spin|disk] [--secs N] [--delay N] [--name GUEST]
#                     [--quota-pct P] [--mem MiB] [--timeout SECS] [--dir DIR]
#
#   QEMU (qemu-system-x86_64 -enable-kvm -nographic, 1 vCPU, -cpu host) runs the cloud kernel
#   (/boot/vmlinuz-*-cloud-amd64) with DIR/initramfs.cpio.gz, a virtio-blk disk (DIR/disk.raw,
#   64 MiB, raw) and a virtio-net NIC on tap "stacktap0" in network namespace "stack-vm", whose
#   host side is 10.203.0.1/24 (the guest is 10.203.0.2). The guest waits --delay seconds (so a
#   producer can attach), runs --work for --secs seconds and powers off.
#   --quota-pct P puts the vCPU threads (comm "CPU n/KVM") in cgroup v1 cpu:/stack-vcpu with
#   cpu.cfs_quota_us = P % of a 100 ms period: the guest then sees steal.
#   Writes DIR/qemu.pid (the VMM's host pid: kvm.bt's VM_PID), DIR/console.log (serial 0) and
#   DIR/guest-events.jsonl (serial 1: the guest's steal-sampler output, canonical lines).
#   --timeout SECS stops QEMU (SIGTERM) if the guest has not powered off by then (default 120).
#   Everything it created (netns, tap, cgroup) is removed at exit.
set -euo pipefail

work=idle; secs=10; delay=3; name=stack-guest; quota=""; mem=256; dir=/tmp/stack-vm; limit=120
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --secs) secs="$2"; shift 2 ;;
    --delay) delay="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --quota-pct) quota="$2"; shift 2 ;;
    --mem) mem="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --timeout) limit="$2"; shift 2 ;;
    -h|--help) sed -n "2,20p" "$0"; exit 0 ;;
    *) echo "run-guest: unknown option $1" >&2; exit 2 ;;
  esac
done
kernel="$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | tail -1)"
[ -n "$kernel" ] || { echo "run-guest: no cloud kernel (apt-get install linux-image-cloud-amd64)" >&2; exit 1; }
[ -r "$dir/initramfs.cpio.gz" ] || { echo "run-guest: no $dir/initramfs.cpio.gz (run build-initramfs.sh)" >&2; exit 1; }
[ -w /dev/kvm ] || { echo "run-guest: /dev/kvm is not usable" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "run-guest: apt-get install qemu-system-x86" >&2; exit 1; }

ns=stack-vm; tap=stacktap0; cg=/sys/fs/cgroup/cpu/stack-vcpu
cleanup() {
  [ -f "$dir/qemu.pid" ] && kill "$(cat "$dir/qemu.pid")" 2>/dev/null || true
  if [ -d "$cg" ]; then
    while read -r t; do echo "$t" > /sys/fs/cgroup/cpu/tasks 2>/dev/null || true; done < "$cg/tasks"
    rmdir "$cg" 2>/dev/null || true
  fi
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 143' TERM INT
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev "$tap" mode tap
ip -n "$ns" addr add 10.203.0.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
[ -f "$dir/disk.raw" ] || truncate -s 64M "$dir/disk.raw"
rm -f "$dir/qemu.pid" "$dir/guest-events.jsonl"

ip netns exec "$ns" timeout "$limit" nice -n 19 qemu-system-x86_64 -enable-kvm -name "$name,debug-threads=on" -cpu host,-arch-capabilities -smp 1 -m "$mem" \
  -nographic -no-reboot -kernel "$kernel" -initrd "$dir/initramfs.cpio.gz" \
  -append "console=ttyS0 loglevel=${STACK_LOGLEVEL:-1} panic=-1 stack.work=$work stack.secs=$secs stack.host=$name stack.delay=$delay" \
  -drive "file=$dir/disk.raw,if=virtio,format=raw,cache=none" \
  -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" -device virtio-net-pci,netdev=n0 \
  -serial "file:$dir/console.log" -serial "file:$dir/guest-events.jsonl" -monitor none \
  -pidfile "$dir/qemu.pid" &
qemu=$!
for _ in $(seq 50); do [ -s "$dir/qemu.pid" ] && break; sleep 0.1; done
pid="$(cat "$dir/qemu.pid")"
echo "run-guest: qemu pid $pid ($name, work=$work)" >&2
if [ -n "$quota" ]; then
  mkdir -p "$cg"
  echo 100000 > "$cg/cpu.cfs_period_us"
  echo $((quota * 1000)) > "$cg/cpu.cfs_quota_us"
  sleep 0.5
  for t in /proc/"$pid"/task/*; do
    case "$(cat "$t/comm")" in "CPU "*"/KVM") echo "${t##*/}" > "$cg/tasks" ;; esac
  done
  echo "run-guest: vCPU threads $(tr '\n' ' ' < "$cg/tasks")under a ${quota} % CFS quota" >&2
fi
wait "$qemu" || true
rm -f "$dir/qemu.pid"
