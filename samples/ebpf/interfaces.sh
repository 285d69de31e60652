#!/usr/bin/env bash
# interfaces.sh - the node's network interfaces as canonical net.interface records
# (docs/EVENTS-EXTENSIONS.md, clock "realtime"): one record per IPv4 address, with the device's
# driver, so that the correlator can tell which layer's network slice a socket's device is in
# (veth -> L-3, virtio_net -> L-2, tap/bridge/vmxnet3 -> L-1, SR-IOV VF -> L-0).
#
# usage: interfaces.sh [--host NAME] [--interval-s 5]
#   Prints the snapshot at start and again every interval (new interfaces appear), until killed.
#   driver: /sys/class/net/DEV/device/driver for devices with one (virtio_net, e1000...),
#   else the link kind from `ip -d link` (veth, bridge, tun...), else "unknown".
set -u
host="$(hostname)"
interval=5
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host="$2"; shift 2 ;;
    --interval-s) interval="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "interfaces.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
trap 'exit 0' TERM INT

driver_of() {
  local dev="$1" link kind
  link="$(readlink "/sys/class/net/$dev/device/driver" 2>/dev/null)"
  if [ -n "$link" ]; then
    echo "${link##*/}"
    return
  fi
  kind="$(ip -d -o link show dev "$dev" 2>/dev/null | grep -oE ' (veth|bridge|tun|vxlan|macvlan|ipvlan|geneve|dummy|loopback) ' | head -1 | tr -d ' ')"
  if [ -z "$kind" ] && [ "$dev" = lo ]; then kind=loopback; fi
  echo "${kind:-unknown}"
}

while :; do
  now="$(date +%s%N)"
  # "2: eth0    inet 10.0.0.5/24 brd ..." -> dev and address
  ip -o -4 addr show | while read -r _ dev _ cidr _; do
    dev="${dev%@*}"
    printf '{"event.name":"net.interface","host.name":"%s","clock":"realtime","time_ns":%s,"dev":"%s","saddr":"%s","attrs":{"driver":"%s"},"source":"interfaces.sh"}\n' \
      "$host" "$now" "$dev" "${cidr%/*}" "$(driver_of "$dev")"
  done
  sleep "$interval" &
  wait $!
done
