#!/usr/bin/env bash
# block.sh - run block.bt for one disk by name: resolves NAME -> MAJOR MINOR via /sys/class/block.
# usage: block.sh DEVNAME [HOST [MIN_US]]     e.g. block.sh vda "$(hostname)" 1000 > events-block.jsonl
set -euo pipefail
name="${1:?usage: block.sh DEVNAME [HOST [MIN_US]]}"
host="${2:-$(hostname)}"; min_us="${3:-0}"
[ -r "/sys/class/block/$name/dev" ] || { echo "block.sh: no block device '$name'" >&2; exit 2; }
IFS=: read -r major minor < "/sys/class/block/$name/dev"
exec bpftrace -q -f json "$(dirname "$0")/block.bt" "$host" "$min_us" "$major" "$minor" "$name"
