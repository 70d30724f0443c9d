#!/bin/sh
# The reference scenario's two LAN variants, in the VM: a host on each
# LAN behind two routers joined by a static L2TPv3 tunnel (encap udp).
# Router A is configured by hand with `ip`, router B by our dataplane
# module (dp_tool), links, bridge ports, addresses and routes included.
#   L2: l2tpeth0 (MTU 1446) and the LAN port in a bridge br0 on each
#       router; the hosts share one subnet and learn each other's MAC
#       across the tunnel; carrier off on B's l2tpeth0 stops traffic.
#   L3: 10.42.1.1 peer 10.42.1.2 on l2tpeth0 (MTU 1488), a route to the
#       other LAN via the peer; the hosts reach each other through both
#       routers.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"

# topology SUFFIX: hosts hA, hB and routers rA, rB; sets $HA $RA $RB $HB.
topology()
{
	HA=hA$1
	RA=rA$1
	RB=rB$1
	HB=hB$1
	ns_new "$HA" "$RA" "$RB" "$HB"
	veth "$RA" wan0 "$RB" wan0
	veth "$HA" eth0 "$RA" lan0
	veth "$HB" eth0 "$RB" lan0
	"$IP" -n "$RA" addr add 192.168.22.196/24 dev wan0
	"$IP" -n "$RB" addr add 192.168.22.198/24 dev wan0
	"$IP" -n "$RA" l2tp add tunnel tunnel_id 101 peer_tunnel_id 501 \
	    local 192.168.22.196 remote 192.168.22.198 encap udp \
	    udp_sport 5000 udp_dport 6000 || die "ip l2tp add tunnel"
	"$IP" -n "$RA" l2tp add session tunnel_id 101 session_id 1001 \
	    peer_session_id 5001 || die "ip l2tp add session"
	dp "$RB" tunnel-add tunnel_id 501 peer_tunnel_id 101 \
	    local 192.168.22.198 remote 192.168.22.196 encap udp \
	    udp_sport 6000 udp_dport 5000
	dp "$RB" session-add tunnel_id 501 peer_tunnel_id 101 \
	    session_id 5001 peer_session_id 1001
}

mac()
{
	in_ns "$1" cat "/sys/class/net/$2/address"
}

step "L2: bridge br0 on both routers, one subnet across"
topology 2
"$IP" -n "$RA" link set l2tpeth0 up mtu 1446
"$IP" -n "$RA" link add br0 type bridge
"$IP" -n "$RA" link set lan0 master br0
"$IP" -n "$RA" link set l2tpeth0 master br0
"$IP" -n "$RA" link set br0 up
dp "$RB" link-mtu l2tpeth0 1446
dp "$RB" link-up l2tpeth0
"$IP" -n "$RB" link add br0 type bridge
dp "$RB" link-master l2tpeth0 br0
dp "$RB" link-master lan0 br0
dp "$RB" link-up br0
expect "B's l2tpeth0 bridge" \
    "$(basename "$(in_ns "$RB" readlink /sys/class/net/l2tpeth0/master)")" br0
for h in "$HA" "$HB"; do
	"$IP" -n "$h" link set eth0 mtu 1446
done
"$IP" -n "$HA" addr add 192.168.110.10/24 dev eth0
"$IP" -n "$HB" addr add 192.168.110.20/24 dev eth0
ping_ok "$HA" 192.168.110.20
ping_ok "$HB" 192.168.110.10 1400
lladdr=$("$IP" -n "$HB" neigh show 192.168.110.10 |
    awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
expect "hB's neighbour entry for hA (learnt across the tunnel)" "$lladdr" \
    "$(mac "$HA" eth0)"
expect_ge "B rx_packets" "$(dp_get "$RB" rx_packets session-get 501 5001)" 6

step "L2: carrier off on B's l2tpeth0 stops traffic, on restores it"
dp "$RB" link-carrier l2tpeth0 off
ping_fails "$HA" 192.168.110.20
dp "$RB" link-carrier l2tpeth0 on
ping_ok "$HA" 192.168.110.20

step "L3: addresses and routes, two subnets"
topology 3
for r in "$RA" "$RB"; do
	in_ns "$r" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
done
"$IP" -n "$RA" link set l2tpeth0 up mtu 1488
"$IP" -n "$RA" addr add 10.42.1.1 peer 10.42.1.2 dev l2tpeth0
"$IP" -n "$RA" route add 192.168.0.0/24 via 10.42.1.2 dev l2tpeth0
"$IP" -n "$RA" addr add 192.168.110.1/24 dev lan0
dp "$RB" link-mtu l2tpeth0 1488
dp "$RB" link-up l2tpeth0
dp "$RB" addr-add l2tpeth0 10.42.1.2 peer 10.42.1.1
dp "$RB" route-add 192.168.110.0/24 via 10.42.1.1 dev l2tpeth0
dp "$RB" addr-add lan0 192.168.0.1/24
route=$("$IP" -n "$RB" route show 192.168.110.0/24)
case $route in
*"via 10.42.1.1 dev l2tpeth0"*) ;;
*) die "B's route to LAN A: '$route'" ;;
esac
# The route is idempotent: adding it again is not an error.
dp "$RB" route-add 192.168.110.0/24 via 10.42.1.1 dev l2tpeth0
dp "$RB" addr-add l2tpeth0 10.42.1.2 peer 10.42.1.1
"$IP" -n "$HA" addr add 192.168.110.10/24 dev eth0
"$IP" -n "$HA" route add default via 192.168.110.1
"$IP" -n "$HB" addr add 192.168.0.10/24 dev eth0
"$IP" -n "$HB" route add default via 192.168.0.1
ping_ok "$HA" 192.168.0.10
ping_ok "$HB" 192.168.110.10 1400
echo "PASS: L2 (bridge) and L3 (routes) variants"
