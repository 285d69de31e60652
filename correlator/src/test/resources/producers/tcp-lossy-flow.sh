#!/usr/bin/env bash
# tcp-lossy-flow.sh ID PORT - a TCP flow across a veth pair into a network namespace whose
# iptables drops every 3rd non-SYN segment to PORT, so the client (root namespace) retransmits.
#   root ns: veth "ist<ID>h" 10.213.<ID%250>.1/30  <->  netns "isotest-<ID>": "ist<ID>n" .2/30
# Prints "FLOW <saddr> <sport> <daddr> <dport> <client pid>" for the client's socket.
# Everything it creates (netns, veth, iptables rules inside the netns, processes) is removed on
# exit, also on failure or SIGTERM. Bounded: the server and the client time out after 20 s.
set -euo pipefail
id="$1"; port="$2"
ns="isotest-$id"; hv="ist${id}h"; nv="ist${id}n"; net="10.213.$((id % 250))"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  ip link del "$hv" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true   # also removes the netns' iptables rules
}
trap cleanup EXIT
trap 'exit 143' TERM INT

ip netns add "$ns"
ip link add "$hv" type veth peer name "$nv"
ip link set "$nv" netns "$ns"
ip addr add "$net.1/30" dev "$hv"
ip link set "$hv" up
ip -n "$ns" addr add "$net.2/30" dev "$nv"
ip -n "$ns" link set "$nv" up
ip -n "$ns" link set lo up
ip netns exec "$ns" iptables -I INPUT -p tcp --dport "$port" ! --syn \
  -m statistic --mode nth --every 3 --packet 1 -j DROP

ip netns exec "$ns" timeout 20 python3 -c '
import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", int(sys.argv[1]))); l.listen(); l.settimeout(20)
print("ready", flush=True)
s, _ = l.accept(); s.settimeout(20); n = 0
while n < 40000:
    b = s.recv(65536)
    if not b: break
    n += len(b)
s.sendall(b"done"); s.close()
' "$port" > "/tmp/isotest-$id-server.out" &
server=$!
for _ in $(seq 50); do grep -q ready "/tmp/isotest-$id-server.out" 2>/dev/null && break; sleep 0.1; done
rm -f "/tmp/isotest-$id-server.out"

timeout 20 python3 -c '
import os, socket, sys, time
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
a = c.getsockname(); p = c.getpeername()
print("FLOW", a[0], a[1], p[0], p[1], os.getpid(), flush=True)
for _ in range(40):
    c.sendall(b"x" * 1000); time.sleep(0.02)
assert c.recv(4) == b"done"
c.close()
' "$net.2" "$port"
wait "$server" || true
server=""
