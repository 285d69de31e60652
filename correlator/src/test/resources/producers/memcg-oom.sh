#!/usr/bin/env bash
# memcg-oom.sh ID - a python3 process that allocates 100 MiB inside the cgroup-v1 memory cgroup
# "isotest-<ID>" limited to 32 MiB (swap limited too when the controller has memsw files), so the
# memcg OOM killer kills it. Prints "VICTIM <pid>". Removes the cgroup on exit, also on failure.
set -euo pipefail
id="$1"
cg="/sys/fs/cgroup/memory/isotest-$id"
cleanup() {
  if [ -d "$cg" ]; then
    while read -r p; do kill -9 "$p" 2>/dev/null || true; done < "$cg/cgroup.procs"
    for _ in $(seq 50); do rmdir "$cg" 2>/dev/null && break; sleep 0.1; done
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

mkdir "$cg"
echo $((32 << 20)) > "$cg/memory.limit_in_bytes"
[ -w "$cg/memory.memsw.limit_in_bytes" ] && echo $((32 << 20)) > "$cg/memory.memsw.limit_in_bytes"
echo 0 > "$cg/memory.swappiness" 2>/dev/null || true
# the child joins the cgroup itself, then execs python3 (same pid)
timeout 20 sh -c 'echo $$ > "$1/cgroup.procs"; echo "VICTIM $$"; exec python3 -c "x = bytearray(100 << 20)"' sh "$cg" || true
