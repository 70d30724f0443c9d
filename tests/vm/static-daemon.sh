#!/bin/sh
# The reference scenario with l2tpv3d, in the VM (one boot):
#   - static interop: side A set up by hand with the scenario's literal
#     `ip l2tp` commands (L3 variant), side B by l2tpv3d in static mode
#     with conf/ref-static-l3-b.conf; encap udp, then ip: ping across
#     l2tpeth0, and a host on each LAN reaches the other through the
#     routes; `show tunnel`/`show session` say "static" and show the
#     kernel's counters;
#   - wrong cookie: B expects another cookie than A sends: ping fails
#     and B's rxCookieDiscards (show session json) moves; a SIGHUP with
#     the right one replaces the kernel session and ping passes;
#   - a reload that changes the peer's tunnel ID replaces the kernel
#     tunnel (programmed again from a timer while the kernel frees it);
#   - exit removes B's tunnel; with keep-on-exit a restart adopts it and
#     a ping every 0.1 s across the restart loses under a second;
#   - L2 variant, two daemons (conf/ref-dynamic-l2-*.conf): l2tpeth0 in
#     bridge br0 with each LAN port; the LAN hosts, on one subnet, reach
#     each other; the LAN port going down is signalled (SLI), and back.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=pe-196
B=pe-198
HA=host-110
HB=host-0
make_tmpdir
ns_new "$A" "$B" "$HA" "$HB"
veth "$A" wan0 "$B" wan0
veth "$A" lan0 "$HA" eth0
veth "$B" lan0 "$HB" eth0
"$IP" -n "$A" addr add 192.168.22.196/24 dev wan0
"$IP" -n "$B" addr add 192.168.22.198/24 dev wan0
for ns in "$A" "$B" "$HA" "$HB"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
	    net.ipv6.conf.all.disable_ipv6=1 net.ipv4.ip_forward=1 ||
	    die "sysctl in $ns"
done

# l3_lans: the LANs of the L3 variant, routed by A and B.
l3_lans()
{
	"$IP" -n "$A" addr add 192.168.110.1/24 dev lan0
	"$IP" -n "$B" addr add 192.168.0.1/24 dev lan0
	"$IP" -n "$HA" addr add 192.168.110.10/24 dev eth0
	"$IP" -n "$HB" addr add 192.168.0.10/24 dev eth0
	"$IP" -n "$HA" route add default via 192.168.110.1
	"$IP" -n "$HB" route add default via 192.168.0.1
}

# a_by_hand ENCAP [session args]: the scenario's commands on .196.
a_by_hand()
{
	encap=$1
	shift
	ports=""
	[ "$encap" = udp ] && ports="udp_sport 5000 udp_dport 6000"
	# shellcheck disable=SC2086
	"$IP" -n "$A" l2tp add tunnel tunnel_id 101 peer_tunnel_id 501 \
	    encap "$encap" local 192.168.22.196 remote 192.168.22.198 $ports ||
	    die "ip l2tp add tunnel ($encap)"
	"$IP" -n "$A" l2tp add session name l2tpeth0 tunnel_id 101 \
	    session_id 1001 peer_session_id 5001 "$@" ||
	    die "ip l2tp add session"
	"$IP" -n "$A" link set l2tpeth0 up mtu 1488
	"$IP" -n "$A" addr add 10.42.1.1 peer 10.42.1.2 dev l2tpeth0
	"$IP" -n "$A" route add 192.168.0.0/24 via 10.42.1.2 dev l2tpeth0
}

a_clear()
{
	"$IP" -n "$A" l2tp del tunnel tunnel_id 101 || die "ip l2tp del tunnel"
}

# b_conf ENCAP [LINE...]: conf/ref-static-l3-b.conf for ENCAP, with
# LINEs added to the session.
b_conf()
{
	encap=$1
	shift
	if [ "$encap" = udp ]; then
		cat "$top_srcdir/conf/ref-static-l3-b.conf"
	else
		sed -e 's/encap = udp/encap = ip/' -e '/-port = /d' \
		    "$top_srcdir/conf/ref-static-l3-b.conf"
	fi | awk -v extra="$*" '
	    /remote-session-id/ { print; n = split(extra, l, "|")
		for (i = 1; i <= n; i++) print "\t\t" l[i]; next }
	    { print }' >"$TESTDIR/b.in"
}

kernel_tunnels()
{
	"$IP" -n "$1" l2tp show tunnel
}

l3_lans
for encap in udp ip; do
	step "$encap: A by hand, B l2tpv3d static: ping, LAN to LAN"
	a_by_hand "$encap"
	b_conf "$encap"
	l2d_start B "$B" <"$TESTDIR/b.in"
	l2d_wait B "show session" '.ref.lan.state == "static" and
	    .ref.lan.kernel.interface == "l2tpeth0"' 20
	expect "B's tunnel state" \
	    "$(l2d_get B "show tunnel ref" '.ref.state')" static
	expect "B's MTU" "$(in_ns "$B" cat /sys/class/net/l2tpeth0/mtu)" 1488
	ping_ok "$B" 10.42.1.1
	ping_ok "$A" 10.42.1.2 1400
	ping_ok "$HA" 192.168.0.10
	ping_ok "$HB" 192.168.110.10
	expect_ge "B's rxPackets" \
	    "$(l2d_get B "show session" '.ref.lan.kernel.rxPackets')" 12
	l2d_sh B "show session" | grep -q "kernel l2tpeth0: tx" ||
	    die "no kernel counters in B's show session"

	step "$encap: exit removes the static tunnel"
	l2d_stop B
	expect "B's kernel tunnels after exit" "$(kernel_tunnels "$B")" ""
	a_clear
done

step "wrong cookie: dropped and counted; SIGHUP with the right one"
a_by_hand udp cookie 0a0b0c0d peer_cookie 1112131415161718
b_conf udp 'local-cookie = 1112131415161718' 'peer-cookie = 0a0b0c0e'
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show session" '.ref.lan.kernel != null' 20
ping_fails "$A" 10.42.1.2
expect_ge "B's rxCookieDiscards" \
    "$(l2d_get B "show session" '.ref.lan.kernel.rxCookieDiscards')" 2
b_conf udp 'local-cookie = 1112131415161718' 'peer-cookie = 0a0b0c0d'
l2d_hup B <"$TESTDIR/b.in"
l2d_wait B "show session" '.ref.lan.kernel.rxCookieDiscards == 0' 20
ping_ok "$A" 10.42.1.2
l2d_stop B
a_clear

step "SIGHUP with another remote-tunnel-id: the kernel tunnel is replaced"
# The kernel frees a deleted tunnel from a work queue, so its ID may
# still be taken when the new one is created: the daemon programs again
# from a timer (DP_BUSY) instead of sleeping in its event loop.
a_by_hand udp
b_conf udp
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show session" '.ref.lan.kernel != null' 20
sed 's/remote-tunnel-id = 101/remote-tunnel-id = 102/' "$TESTDIR/b.in" |
    l2d_hup B
wait_until "B's kernel tunnel towards 102" 20 sh -c \
    "'$IP' -n '$B' l2tp show tunnel | grep -q 'Peer tunnel 102'"
l2d_wait B "show session" '.ref.lan.kernel.interface == "l2tpeth0"' 20
grep -q "replacing kernel tunnel 501: peer tunnel ID is 101, want 102" \
    "$TESTDIR/B.log" || die "B did not replace its kernel tunnel"
expect "B answers while and after it replaces" \
    "$(l2d_get B "show tunnel ref" '.ref.state')" static
grep -q "still freeing" "$TESTDIR/B.log" &&
    echo "(the kernel was still freeing the old tunnel: programmed again)"
l2d_stop B
a_clear

step "keep-on-exit: a restart adopts the tunnel, traffic goes on"
a_by_hand udp
b_conf udp
sed -i 's/^tunnel ref {/&\n\tkeep-on-exit = yes/' "$TESTDIR/b.in"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show session" '.ref.lan.kernel != null' 20
ping_ok "$A" 10.42.1.2
in_ns "$A" ping -n -i 0.1 -c 80 -w 30 10.42.1.2 >"$TESTDIR/ping.out" 2>&1 &
pinger=$!
sleep 2
l2d_stop B
[ -n "$(kernel_tunnels "$B")" ] || die "keep-on-exit: B's tunnel is gone"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show session" '.ref.lan.kernel != null' 20
grep -q "adopting kernel tunnel 501" "$TESTDIR/B.log" ||
    die "B did not adopt its tunnel"
grep -q "adopting kernel session 501/5001" "$TESTDIR/B.log" ||
    die "B did not adopt its session"
wait "$pinger"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TESTDIR/ping.out")
expect_ge "pings answered across the restart (of 80)" "$received" 70
l2d_stop B
"$IP" -n "$B" l2tp del tunnel tunnel_id 501
a_clear

step "L2 variant, two daemons: LAN hosts on one subnet"
for ns in "$A" "$B"; do
	"$IP" -n "$ns" addr flush dev lan0
	"$IP" -n "$ns" link add br0 type bridge
	"$IP" -n "$ns" link set lan0 master br0
	"$IP" -n "$ns" link set br0 up
done
for h in "$HA" "$HB"; do
	"$IP" -n "$h" addr flush dev eth0
done
"$IP" -n "$HA" addr add 10.50.0.1/24 dev eth0
"$IP" -n "$HB" addr add 10.50.0.2/24 dev eth0
l2d_start B "$B" <"$top_srcdir/conf/ref-dynamic-l2-b.conf"
l2d_start A "$A" <"$top_srcdir/conf/ref-dynamic-l2-a.conf"
l2d_wait A "show session" '.ref.lan.state == "established" and
    .ref.lan.kernel != null' 60
l2d_wait B "show session" '.ref.lan.kernel != null' 20
expect "A's l2tpeth0 master" \
    "$(basename "$(in_ns "$A" readlink /sys/class/net/l2tpeth0/master)")" br0
expect "A's l2tpeth0 MTU" "$(in_ns "$A" cat /sys/class/net/l2tpeth0/mtu)" 1446
ping_ok "$HA" 10.50.0.2
ping_ok "$HB" 10.50.0.1 1400
# A bridged attachment circuit is up while another port of its bridge
# carries traffic: A's LAN port down is signalled to B (SLI), and back.
"$IP" -n "$A" link set lan0 down
l2d_wait B "show session" '.ref.lan.remoteCircuit == "down"' 20
"$IP" -n "$A" link set lan0 up
l2d_wait B "show session" '.ref.lan.remoteCircuit == "up"' 20
ping_ok "$HA" 10.50.0.2
l2d_stop A
l2d_stop B
for ns in "$A" "$B"; do
	expect "$ns: kernel tunnels after exit" "$(kernel_tunnels "$ns")" ""
done
echo "PASS: reference scenario: static interop udp/ip, LAN to LAN, wrong cookie, adoption, L2 bridge"
