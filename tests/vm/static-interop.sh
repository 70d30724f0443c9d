#!/bin/sh
# static-interop.sh [ipv6]
#
# Static interop in the VM, over IPv4 (or IPv6 with "ipv6"): side A is configured by hand with the
# reference scenario's literal `ip l2tp` commands, side B by our
# dataplane module (dp_tool).  For encap udp and ip:
#   - B's tunnel: created, then adopted when identical (also when A-style
#     hand-made), replaced when different;
#   - ping across l2tpeth0 both ways, the kernel's session counters move;
#   - cookies of 4 and 8 bytes, different per direction and crossed as
#     ip-l2tp crosses them: ping passes;
#   - a wrong cookie: ping fails and B's cookie-discard counter moves;
#   - teardown leaves no tunnel;
#   - a managed tunnel (B's own connected socket handed to the kernel,
#     as the daemon does) carries traffic and dies with its socket;
#   - error messages: taken IDs, absent objects, missing modules.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"

# The reference scenario's WAN addresses, or IPv6 ones in their image.
WAN_A=192.168.22.196
WAN_B=192.168.22.198
WAN_PREFIX=24
NODAD=""
if [ "${1:-}" = ipv6 ]; then
	WAN_A=fd00:22::196
	WAN_B=fd00:22::198
	WAN_PREFIX=64
	NODAD=nodad # no duplicate address detection delay
fi

A=l2tp-a
B=l2tp-b
ns_new "$A" "$B"
veth "$A" wan0 "$B" wan0
"$IP" -n "$A" addr add "$WAN_A/$WAN_PREFIX" dev wan0 $NODAD
"$IP" -n "$B" addr add "$WAN_B/$WAN_PREFIX" dev wan0 $NODAD

C4=0a0b0c0d # what A sends, B expects
C8=1112131415161718 # what B sends, A expects

# a_tunnel ENCAP: the reference scenario on .196, by hand.
a_tunnel()
{
	ports=""
	[ "$1" = udp ] && ports="udp_sport 5000 udp_dport 6000"
	# shellcheck disable=SC2086
	"$IP" -n "$A" l2tp add tunnel tunnel_id 101 peer_tunnel_id 501 \
	    local "$WAN_A" remote "$WAN_B" encap "$1" $ports ||
	    die "ip l2tp add tunnel (A, $1)"
}

# b_args ENCAP: the mirror image, for dp_tool or ip l2tp.
b_args()
{
	echo "tunnel_id 501 peer_tunnel_id 101 local $WAN_B remote $WAN_A" \
	    "encap $1"
	[ "$1" = udp ] && echo "udp_sport 6000 udp_dport 5000"
}

# a_session [ip-l2tp cookie args]
a_session()
{
	"$IP" -n "$A" l2tp add session tunnel_id 101 session_id 1001 \
	    peer_session_id 5001 "$@" || die "ip l2tp add session $*"
	"$IP" -n "$A" link set l2tpeth0 up mtu 1488
	"$IP" -n "$A" addr add 10.42.1.1 peer 10.42.1.2 dev l2tpeth0
}

# b_session [dp_tool cookie args]: our module, links included.
b_session()
{
	dp "$B" session-add tunnel_id 501 peer_tunnel_id 101 session_id 5001 \
	    peer_session_id 1001 "$@"
	ifname=$(dp_get "$B" ifname session-get 501 5001)
	expect "B's interface" "$ifname" l2tpeth0
	dp "$B" link-mtu "$ifname" 1488
	dp "$B" link-up "$ifname"
	dp "$B" addr-add "$ifname" 10.42.1.2 peer 10.42.1.1
	expect "B's MTU" "$(in_ns "$B" cat /sys/class/net/l2tpeth0/mtu)" 1488
}

sessions_del()
{
	"$IP" -n "$A" l2tp del session tunnel_id 101 session_id 1001
	dp "$B" session-del 501 5001
}

b_stat()
{
	dp_get "$B" "$1" session-get 501 5001
}

absent_tunnel()
{
	rc=0
	in_ns "$B" "$DP_TOOL" tunnel-get "$1" >/dev/null 2>&1 || rc=$?
	[ "$rc" = 3 ]
}

# wait_for WHAT CMD...: poll CMD for up to 5 s.
wait_for()
{
	_what=$1
	shift
	for _i in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	die "timeout: $_what"
}

make_tmpdir
for encap in udp ip; do
	step "$encap: B's tunnel created, adopted, replaced"
	a_tunnel "$encap"
	# shellcheck disable=SC2046
	expect "first ensure" "$(dp "$B" tunnel-ensure $(b_args "$encap"))" \
	    created
	# shellcheck disable=SC2046
	expect "second ensure" "$(dp "$B" tunnel-ensure $(b_args "$encap"))" \
	    adopted
	dp "$B" tunnel-del 501
	# shellcheck disable=SC2046
	"$IP" -n "$B" l2tp add tunnel $(b_args "$encap") ||
	    die "ip l2tp add tunnel (B)"
	# shellcheck disable=SC2046
	expect "ensure over ip-l2tp's tunnel" \
	    "$(dp "$B" tunnel-ensure $(b_args "$encap"))" adopted
	# shellcheck disable=SC2046
	expect "ensure, other peer" \
	    "$(dp "$B" tunnel-ensure $(b_args "$encap") peer_tunnel_id 102)" \
	    replaced
	expect "replaced peer" "$(dp_get "$B" peer_tunnel_id tunnel-get 501)" 102
	# shellcheck disable=SC2046
	expect "ensure back" "$(dp "$B" tunnel-ensure $(b_args "$encap"))" \
	    replaced
	expect "encap read back" "$(dp_get "$B" encap tunnel-get 501)" "$encap"
	expect "remote read back" "$(dp_get "$B" remote tunnel-get 501)" \
	    "$WAN_A"
	if [ "$encap" = udp ]; then
		expect "sport" "$(dp_get "$B" udp_sport tunnel-get 501)" 6000
		expect "dport" "$(dp_get "$B" udp_dport tunnel-get 501)" 5000
	fi

	step "$encap: no cookies, ping both ways"
	a_session
	b_session
	ping_ok "$A" 10.42.1.2
	ping_ok "$B" 10.42.1.1
	ping_ok "$A" 10.42.1.2 1400
	expect_ge "B tx_packets" "$(b_stat tx_packets)" 6
	expect_ge "B rx_packets" "$(b_stat rx_packets)" 6
	expect_ge "B rx_bytes" "$(b_stat rx_bytes)" 4200
	expect "B cookie discards" "$(b_stat rx_cookie_discards)" 0
	sessions_del

	step "$encap: 4- and 8-byte cookies, different each way"
	a_session cookie "$C4" peer_cookie "$C8"
	b_session cookie "$C8" peer_cookie "$C4"
	expect "B's cookie" "$(b_stat cookie)" "$C8"
	expect "B's peer cookie" "$(b_stat peer_cookie)" "$C4"
	ping_ok "$A" 10.42.1.2
	ping_ok "$B" 10.42.1.1
	expect "B cookie discards" "$(b_stat rx_cookie_discards)" 0
	# shellcheck disable=SC2086
	expect "session ensure" "$(dp "$B" session-ensure tunnel_id 501 \
	    peer_tunnel_id 101 session_id 5001 peer_session_id 1001 \
	    cookie $C8 peer_cookie $C4)" adopted
	sessions_del

	step "$encap: a wrong cookie is dropped and counted"
	a_session cookie "$C4" peer_cookie "$C8"
	b_session cookie "$C8" peer_cookie 0a0b0c0e
	ping_fails "$A" 10.42.1.2
	expect_ge "B cookie discards" "$(b_stat rx_cookie_discards)" 2
	sessions_del

	step "$encap: teardown"
	dp "$B" tunnel-del 501
	rc=0
	in_ns "$B" "$DP_TOOL" tunnel-get 501 >/dev/null || rc=$?
	expect "tunnel 501 after delete (3 = absent)" "$rc" 3

	step "$encap: managed tunnel on B's own socket, gone with it"
	a_session
	rm -f "$TESTDIR/in" "$TESTDIR/out"
	mkfifo "$TESTDIR/in"
	# shellcheck disable=SC2046
	in_ns "$B" "$DP_TOOL" managed $(b_args "$encap") -- tunnel_id 501 \
	    peer_tunnel_id 101 session_id 5001 peer_session_id 1001 \
	    <"$TESTDIR/in" >"$TESTDIR/out" &
	managed=$!
	exec 9>"$TESTDIR/in"
	wait_for "managed tunnel ready" grep -q ready "$TESTDIR/out"
	dp "$B" link-mtu l2tpeth0 1488
	dp "$B" link-up l2tpeth0
	dp "$B" addr-add l2tpeth0 10.42.1.2 peer 10.42.1.1
	ping_ok "$A" 10.42.1.2
	ping_ok "$B" 10.42.1.1
	exec 9>&-
	wait "$managed" || die "dp_tool managed failed"
	wait_for "tunnel 501 gone with its socket" absent_tunnel 501
	"$IP" -n "$A" l2tp del tunnel tunnel_id 101
done
step "errors: absent objects, taken IDs, unknown links"
# shellcheck disable=SC2046
dp "$B" tunnel-add $(b_args udp)
for args in "tunnel-get 999" "session-get 501 9999"; do
	rc=0
	# shellcheck disable=SC2086
	in_ns "$B" "$DP_TOOL" $args >/dev/null 2>&1 || rc=$?
	expect "dp_tool $args (3 = absent)" "$rc" 3
done
must_fail()
{
	_want=$1
	shift
	if out=$(in_ns "$B" "$DP_TOOL" "$@" 2>&1); then
		die "dp_tool $* succeeded"
	fi
	case $out in
	*"$_want"*) ;;
	*) die "dp_tool $*: '$out' does not say '$_want'" ;;
	esac
}
# shellcheck disable=SC2046
must_fail "ID already in use" tunnel-add $(b_args udp)
must_fail "No such device" session-add tunnel_id 777 peer_tunnel_id 1 \
    session_id 1 peer_session_id 2
must_fail "no interface nosuch0" link-up nosuch0
must_fail "bad address" addr-add lo 10.1.2.300
must_fail "expected 8 or 16 hex digits" session-add tunnel_id 501 \
    peer_tunnel_id 101 session_id 1 peer_session_id 2 cookie 0a0b0c

# Without the kernel modules (busybox rmmod: the VM has no kmod, and no
# modprobe to load them back), the module tells what is missing.
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (apt-get install busybox-static)"
dp "$B" tunnel-del 501
unload()
{
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		"$BUSYBOX" rmmod "$@" 2>/dev/null && return 0
		sleep 0.3
	done
	die "cannot unload $*"
}
step "errors: without l2tp_eth, session creation names it"
unload l2tp_eth
# shellcheck disable=SC2046
dp "$B" tunnel-add $(b_args udp)
must_fail "l2tp_eth module" session-add tunnel_id 501 peer_tunnel_id 101 \
    session_id 5001 peer_session_id 1001
dp "$B" tunnel-del 501
step "errors: without the l2tp family, one line names the modules"
unload l2tp_ip6
unload l2tp_ip l2tp_netlink
must_fail 'no generic netlink family "l2tp"' tunnel-get 501
expect "lines said" "$(printf '%s\n' "$out" | wc -l)" 1
case $out in
*l2tp_core*l2tp_netlink*l2tp_eth*l2tp_ip*l2tp_ip6*) ;;
*) die "the modules are not all named: $out" ;;
esac

echo "PASS: static interop over $WAN_A - $WAN_B: udp and ip, cookies, adoption"
