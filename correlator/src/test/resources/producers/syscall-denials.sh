#!/usr/bin/env bash
# syscall-denials.sh ID PORT - three real failures/stalls, each by its own short-lived process:
#   EACCES  openat() of a mode-000 file by uid 65534        -> "OPENAT <pid>"
#   EPERM   UDP sendto() dropped by iptables OUTPUT, inside  -> "SENDTO <pid>"
#           the network namespace "isotest-<ID>"
#   slow    blocking TCP connect() to a listener in the netns -> "CONNECT <pid>"
#           whose first SYN iptables INPUT drops (~1 s SYN retransmit; iptables-nft numgen)
# Removes everything it creates (netns with its iptables rules, file, processes), also on failure.
set -euo pipefail
id="$1"; port="$2"
ns="isotest-$id"; secret="/tmp/isotest-$id-secret"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -f "$secret" "/tmp/isotest-$id-listen.out"
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 143' TERM INT

: > "$secret"; chmod 000 "$secret"
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo "OPENAT $$"; exec cat "$1" 2>/dev/null' sh "$secret" || true

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" iptables -I OUTPUT -p udp --dport "$port" -j DROP
ip netns exec "$ns" iptables -I INPUT -p tcp --dport "$port" --syn \
  -m statistic --mode nth --every 2 --packet 0 -j DROP

ip netns exec "$ns" timeout 10 python3 -c '
import os, socket, sys
print("SENDTO", os.getpid(), flush=True)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", ("127.0.0.1", int(sys.argv[1])))
except PermissionError:
    pass
' "$port"

ip netns exec "$ns" timeout 15 python3 -c '
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", int(sys.argv[1]))); l.listen(); l.settimeout(15)
print("ready", flush=True)
l.accept()[0].close()
' "$port" > "/tmp/isotest-$id-listen.out" &
server=$!
for _ in $(seq 50); do grep -q ready "/tmp/isotest-$id-listen.out" 2>/dev/null && break; sleep 0.1; done
ip netns exec "$ns" timeout 15 python3 -c '
import os, socket, sys
print("CONNECT", os.getpid(), flush=True)
c = socket.socket(); c.connect(("127.0.0.1", int(sys.argv[1]))); c.close()  # blocking: a timeout would make connect() non-blocking
' "$port"
wait "$server" || true
server=""
