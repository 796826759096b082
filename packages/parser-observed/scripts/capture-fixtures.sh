#!/usr/bin/env bash
# Produces the real nmap XML, ss and Linux netstat output under fixtures/observed/ (run as root, by hand; not part
# of CI). Two network namespaces joined by a veth pair, addresses in 203.0.113.0/24 and
# 2001:db8:113::/64: a client that scans and a server with listeners and a few iptables drops.
# Traffic never leaves the namespaces; the scans are bounded in ports and time.
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")/../../.." && pwd)/fixtures/observed}
cli=pcobs-cli
srv=pcobs-srv
listener_pid=
cleanup() {
  if [ -n "$listener_pid" ]; then kill "$listener_pid" 2>/dev/null || true; wait "$listener_pid" 2>/dev/null || true; fi
  ip netns del "$cli" 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$cli"
ip netns add "$srv"
ip link add pco-c netns "$cli" type veth peer name pco-s netns "$srv"
ip -n "$cli" addr add 203.0.113.1/24 dev pco-c
ip -n "$cli" addr add 2001:db8:113::1/64 dev pco-c nodad
ip -n "$srv" addr add 203.0.113.20/24 dev pco-s
ip -n "$srv" addr add 203.0.113.21/24 dev pco-s
ip -n "$srv" addr add 2001:db8:113::20/64 dev pco-s nodad
ip -n "$srv" addr add fe80::20/64 dev pco-s nodad
for ns in "$cli" "$srv"; do ip -n "$ns" link set lo up; done
ip -n "$cli" link set pco-c up
ip -n "$srv" link set pco-s up
# Filtered ports: 3306 and 1000-1100 are dropped silently on the server.
ip netns exec "$srv" iptables -A INPUT -p tcp --dport 3306 -j DROP
ip netns exec "$srv" iptables -A INPUT -p tcp --dport 1000:1100 -j DROP

# Listeners that stop by themselves after 90 s.
ip netns exec "$srv" python3 - <<'PY' &
import socket, time
held = []
def tcp(family, addr, port, v6only=None, device=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    if device: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device)
    s.bind((addr, port)); s.listen(16); held.append(s); return s
def udp(family, addr, port, v6only=None, device=None):
    s = socket.socket(family, socket.SOCK_DGRAM)
    if v6only is not None: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    if device: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device)
    s.bind((addr, port)); held.append(s)
tcp(socket.AF_INET, '0.0.0.0', 22)
tcp(socket.AF_INET, '203.0.113.21', 80)
tcp(socket.AF_INET6, '::', 443, v6only=0)
tcp(socket.AF_INET6, '::', 8443, v6only=1)
tcp(socket.AF_INET, '127.0.0.1', 5432)
tcp(socket.AF_INET6, '2001:db8:113::20', 9000, v6only=1)
tcp(socket.AF_INET, '127.0.0.53', 53, device=b'lo')
scoped = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
scoped.bind(('fe80::20', 9001, 0, socket.if_nametoindex('pco-s'))); scoped.listen(4); held.append(scoped)
udp(socket.AF_INET, '127.0.0.53', 53, device=b'lo')
udp(socket.AF_INET, '0.0.0.0', 161)
udp(socket.AF_INET6, '::', 5353, v6only=1)
# One established connection to itself, for ss -a.
c = socket.create_connection(('127.0.0.1', 5432)); held.append(c)
a, _ = held[4].accept(); held.append(a)
# One closed by this side first: it waits in TIME-WAIT.
t = socket.create_connection(('127.0.0.1', 22)); b, _ = held[0].accept(); t.close(); time.sleep(0.2); b.close()
time.sleep(90)
PY
listener_pid=$!
sleep 1

ss_in() { ip netns exec "$srv" ss "$@"; }
ss_in -tlnp > "$out/ss-tlnp-ipv6-scopes.txt"
ss_in -tulpn > "$out/ss-tulpn-mixed.txt"
ss_in -ulnp > "$out/ss-ulnp.txt"
ss_in -tlne > "$out/ss-tlne-extended.txt"
ss_in -tanp > "$out/ss-tanp-all-states.txt"
ss_in -tl > "$out/ss-tl-names.txt"
ip netns exec "$srv" netstat -tulpn > "$out/netstat-tulpn-linux.txt"
ip netns exec "$srv" netstat -atunpe > "$out/netstat-atunpe-linux.txt"

nm() { ip netns exec "$cli" nmap "$@"; }
nm -v -n -sS -sU -S 203.0.113.1 -e pco-c --max-retries 1 --host-timeout 60s \
  -p T:1-1100,3306,5432,8443,9000,U:53,161 -oX "$out/nmap-several-hosts.xml" 203.0.113.20 203.0.113.21 203.0.113.22 >/dev/null
nm -n -Pn -sT -sV --version-light --max-retries 1 --host-timeout 60s -6 \
  -p 22,80,443,5432,8443,9000 -oX "$out/nmap-ipv6.xml" 2001:db8:113::20 >/dev/null
