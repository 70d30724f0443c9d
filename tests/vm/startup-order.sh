#!/bin/sh
# Start-up order (issue 10, item 8), in the VM (one boot): l2tpv3d in
# static mode starts before its tunnel's local address and its session's
# bridge exist, against a peer set up by hand with `ip l2tp`.
#   - `show tunnel`/`show session` (json and text) say what each waits
#     for: the local address, then, once the address is there and the
#     kernel tunnel made, the bridge;
#   - each comes up by itself when it appears: A reaches a host behind
#     B's bridge within 5 s of the bridge appearing (the figure is
#     printed, with when B's interface came up or joined the bridge);
#   - restarted with the bridge there but the address missing, traffic
#     flows within 5 s of the address appearing;
#   - an IPv6 local address counts once its DAD is over.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=pe-196
B=pe-198
H=host-0
make_tmpdir
ns_new "$A" "$B" "$H"
veth "$A" wan0 "$B" wan0
veth "$B" lan0 "$H" eth0
"$IP" -n "$A" addr add 192.168.22.196/24 dev wan0
"$IP" -n "$H" addr add 10.50.0.2/24 dev eth0
for ns in "$A" "$B" "$H"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 || die "sysctl"
done

# A: the reference scenario's commands; its l2tpeth0 is on the LAN
# behind B's bridge.
a_by_hand()
{
	"$IP" -n "$A" l2tp add tunnel tunnel_id 101 peer_tunnel_id 501 \
	    encap udp local "$1" remote "$2" udp_sport 5000 udp_dport 6000 ||
	    die "ip l2tp add tunnel"
	"$IP" -n "$A" l2tp add session name l2tpeth0 tunnel_id 101 \
	    session_id 1001 peer_session_id 5001 || die "ip l2tp add session"
	# A fixed address: A's interface is made again for the IPv6 part,
	# and the host's ARP entry for A must stay right (the problem
	# static-restart.sh shows on our side).
	"$IP" -n "$A" link set l2tpeth0 address 02:00:00:00:01:96
	"$IP" -n "$A" link set l2tpeth0 up mtu 1446
	"$IP" -n "$A" addr add 10.50.0.1/24 dev l2tpeth0
}

# b_conf LOCAL REMOTE: B's side, bridged into br0.
b_conf()
{
	cat >"$TESTDIR/b.in" <<EOF
dataplane = kernel
tunnel ref {
	mode = static
	encap = udp
	local = $1
	remote = $2
	local-port = 6000
	remote-port = 5000
	local-tunnel-id = 501
	remote-tunnel-id = 101
	session lan {
		local-session-id = 5001
		remote-session-id = 1001
		interface = l2tpeth0
		mtu = 1446
		bridge = br0
	}
}
EOF
}

now()
{
	date +%s.%N
}

# monitor: B's link events, dated (ip -ts monitor), into links.txt.
monitor()
{
	"$IP" -n "$B" -ts monitor link >"$TESTDIR/links.txt" 2>&1 &
	monitor=$!
	at_exit "kill $monitor 2>/dev/null"
	sleep 0.5
}

# up_after T0: seconds from T0 to B's l2tpeth0 coming up (or joining
# its bridge: "master br0"), by the monitor's dates.
up_after()
{
	sleep 0.5
	kill "$monitor"
	wait "$monitor" 2>/dev/null
	t=$(awk -v what="$2" '
	    / l2tpeth0: </ && !/Deleted/ && /[<,]UP[,>]/ &&
		(what != "master" || / master br0 /) {
		ts = $1; gsub(/[][]/, "", ts); print ts; exit }' \
	    "$TESTDIR/links.txt")
	[ -n "$t" ] || die "no l2tpeth0 up in B's link events: $(cat "$TESTDIR/links.txt")"
	echo "$(date -d "$t" +%s.%N) - $1" | bc
}

# pinger: A pings the host behind B every 0.1 s until it answers (at
# most 30 s), started before the change so that neither the start of a
# process nor ARP retries on A (its entry for the host is made static:
# resolving it would fail until the pseudowire works, and back off)
# count in the figure.
pinger()
{
	"$IP" -n "$A" neigh replace 10.50.0.2 dev l2tpeth0 nud permanent \
	    lladdr "$(in_ns "$H" cat /sys/class/net/eth0/address)"
	in_ns "$A" ping -D -n -i 0.1 -w 30 -c 1 10.50.0.2 >"$TESTDIR/ping.out" 2>&1 &
	pinger=$!
	sleep 1
}

# traffic_after T0 WHAT: the pinger's first answer; prints and checks
# the seconds since T0.
traffic_after()
{
	wait "$pinger" ||
	    die "A never reached the host behind B: $(cat "$TESTDIR/ping.out")"
	t=$(sed -n 's/^\[\([0-9.]*\)\] .*bytes from.*/\1/p' "$TESTDIR/ping.out" | head -n 1)
	took=$(echo "$t - $1" | bc)
	echo "traffic flows $took s after $2 appeared"
	[ "$(echo "$took <= 5" | bc)" = 1 ] ||
	    die "traffic $took s after $2 appeared (at most 5)"
}

step "B starts without its local address nor its bridge"
a_by_hand 192.168.22.196 192.168.22.198
b_conf 192.168.22.198 192.168.22.196
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show tunnel" \
    '.ref.waitingFor == "local address 192.168.22.198"' 20
l2d_wait B "show session" \
    '.ref.lan.waitingFor == "local address 192.168.22.198" and
    .ref.lan.kernel == null' 5
l2d_sh B "show tunnel" | grep -q "^  waiting for local address 192.168.22.198$" ||
    die "show tunnel (text) does not say what it waits for"
l2d_sh B "show tunnel ref detail" | grep -q "waiting for  *local address 192.168.22.198" ||
    die "show tunnel detail does not say what it waits for"
[ -z "$("$IP" -n "$B" l2tp show tunnel)" ] || die "B made a tunnel without its address"

step "the address appears: the tunnel is made, the session waits for br0"
monitor
t0=$(now)
"$IP" -n "$B" addr add 192.168.22.198/24 dev wan0
l2d_wait B "show session" '.ref.lan.waitingFor == "bridge br0" and
    .ref.lan.kernel.interface == "l2tpeth0"' 10
echo "B's l2tpeth0 up $(up_after "$t0") s after the address appeared"
l2d_wait B "show tunnel" '.ref.waitingFor == null' 5
l2d_sh B "show session" | grep -q "^  waiting for bridge br0$" ||
    die "show session (text) does not say what it waits for"

step "the bridge appears: l2tpeth0 joins it, traffic flows"
monitor
pinger
t0=$(now)
"$IP" -n "$B" link add br0 type bridge
"$IP" -n "$B" link set lan0 master br0
"$IP" -n "$B" link set br0 up
traffic_after "$t0" "the bridge"
echo "B's l2tpeth0 in br0 $(up_after "$t0" master) s after the bridge appeared"
expect "B's l2tpeth0 master" \
    "$(basename "$(in_ns "$B" readlink /sys/class/net/l2tpeth0/master)")" br0
l2d_wait B "show session" '.ref.lan.waitingFor == null' 5
grep -q "waiting for bridge br0" "$TESTDIR/B.log" || die "B did not log its wait"
grep -q "l2tpeth0 joined bridge br0" "$TESTDIR/B.log" || die "B did not log the join"
l2d_stop B

step "restart with the bridge there and the address missing"
"$IP" -n "$B" addr del 192.168.22.198/24 dev wan0
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show session" \
    '.ref.lan.waitingFor == "local address 192.168.22.198"' 20
pinger
t0=$(now)
"$IP" -n "$B" addr add 192.168.22.198/24 dev wan0
traffic_after "$t0" "the address"
l2d_stop B
"$IP" -n "$A" l2tp del tunnel tunnel_id 101

step "IPv6: the local address counts once its DAD is over"
"$IP" -n "$A" addr add fd00:22::196/64 dev wan0 nodad
a_by_hand fd00:22::196 fd00:22::198
b_conf fd00:22::198 fd00:22::196
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show tunnel" '.ref.waitingFor == "local address fd00:22::198"' 20
# A's neighbour discovery for B's WAN address would fail while that is
# tentative, and back off: not what is measured here.
"$IP" -n "$A" neigh replace fd00:22::198 dev wan0 nud permanent \
    lladdr "$(in_ns "$B" cat /sys/class/net/wan0/address)"
monitor
pinger
t0=$(now)
# With DAD (1 to 2 s): tentative first, then the kernel announces the
# address again, and only then can the kernel bind to it.
"$IP" -n "$B" addr add fd00:22::198/64 dev wan0
traffic_after "$t0" "the IPv6 address (DAD included)"
echo "B's l2tpeth0 up $(up_after "$t0") s after the IPv6 address appeared (DAD included)"
l2d_stop B
echo "PASS: start-up order: waits shown, tunnel and bridge port made when the address and the bridge appear"
