#!/bin/sh
# Two l2tpv3d with the kernel dataplane, in the VM (one boot):
#   - five Ethernet pseudowires over four tunnels between the same two
#     daemons: encap udp and ip, IPv4 and IPv6 WAN, cookies of 0, 4 and
#     8 bytes with lengths and values different per side, l2spec none
#     and default; ping across each pair of interfaces; the kernel's
#     counters in `show session json` move by the pings (ARP aside) and
#     the kernel's cookies are the crossed ones;
#   - up/down scripts run with the session's environment;
#   - SLI: the peer's interface going down takes ours down, and back;
#   - a CDN (B drops a session at reload) removes the kernel session and
#     the interface on both sides;
#   - a StopCCN (B drops a tunnel at reload) removes the kernel tunnel;
#   - daemon exit leaves no L2TP state in the kernel.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=pe-a
B=pe-b
make_tmpdir
wan_pair "$A" "$B" 10.1.0
"$IP" -n "$A" addr add fd00:1::1/64 dev wan0 nodad
"$IP" -n "$B" addr add fd00:1::2/64 dev wan0 nodad
# No IPv6 on the pseudowires: only the pings (and ARP) cross them.
no_ipv6_links "$A" "$B"

cat >"$TESTDIR/script" <<'SCRIPT'
#!/bin/sh
echo "$L2TP_ACTION $L2TP_TUNNEL $L2TP_SESSION $L2TP_IFNAME $L2TP_LOCAL_SESSION_ID $L2TP_PEER_SESSION_ID $L2TP_PEER_ADDRESS $L2TP_MODE" >>"$(dirname "$0")/$1.$L2TP_SESSION.log"
SCRIPT
chmod +x "$TESTDIR/script"

# session SIDE N COOKIE_LEN L2SPEC: one pseudowire; side a is .1, b .2.
session()
{
	if [ "$1" = a ]; then me=1 peer=2; else me=2 peer=1; fi
	cat <<CONF
	session pw$2 {
		remote-end-id = "$2"
		cookie-length = $3
		l2spec = $4
		interface = pw$2
		mtu = 1400
		address = "10.9.$2.$me peer 10.9.$2.$peer"
		up-script = "$TESTDIR/script"
		down-script = "$TESTDIR/script"
	}
CONF
}

# tunnel SIDE NAME ENCAP LOCAL REMOTE SESSION...
tunnel()
{
	side=$1 name=$2 encap=$3 local=$4 remote=$5
	shift 5
	init=no
	[ "$side" = a ] && init=yes
	printf 'tunnel %s {\n\tencap = %s\n\tlocal = %s\n\tremote = %s\n' \
	    "$name" "$encap" "$local" "$remote"
	printf '\tinitiate = %s\n\tpersist = %s\n' "$init" "$init"
	for s in "$@"; do
		# shellcheck disable=SC2086
		session "$side" $s
	done
	printf '}\n'
}

# A's cookie lengths (what A assigns) differ from B's.
conf_a()
{
	printf 'hostname = "pe-a"\ndataplane = kernel\n'
	tunnel a u4 udp 10.1.0.1 10.1.0.2 "1 4 none" "2 8 default"
	tunnel a i4 ip 10.1.0.1 10.1.0.2 "3 0 default"
	tunnel a u6 udp fd00:1::1 fd00:1::2 "4 8 none"
	tunnel a i6 ip fd00:1::1 fd00:1::2 "5 4 default"
}

# conf_b [without-pw2] [without-i4]
conf_b()
{
	printf 'hostname = "pe-b"\ndataplane = kernel\n'
	if [ "${1:-}" = without-pw2 ]; then
		tunnel b u4 udp 10.1.0.2 10.1.0.1 "1 4 none"
	else
		tunnel b u4 udp 10.1.0.2 10.1.0.1 "1 4 none" "2 0 default"
	fi
	[ "${2:-}" = without-i4 ] ||
	    tunnel b i4 ip 10.1.0.2 10.1.0.1 "3 4 default"
	tunnel b u6 udp fd00:1::2 fd00:1::1 "4 8 none"
	tunnel b i6 ip fd00:1::2 fd00:1::1 "5 8 default"
}

TUNNEL_OF_1=u4 TUNNEL_OF_2=u4 TUNNEL_OF_3=i4 TUNNEL_OF_4=u6 TUNNEL_OF_5=i6

step "two daemons, four tunnels, five pseudowires"
conf_b >"$TESTDIR/b.in"
conf_a >"$TESTDIR/a.in"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_start A "$A" <"$TESTDIR/a.in"
all_up='[.[][] | select(.state == "established" and .kernel != null)] |
    length == 5'
l2d_wait A "show session" "$all_up" 90
l2d_wait B "show session" "$all_up" 30

# kget SIDE N FIELD: a field of session pwN's JSON on daemon SIDE.
kget()
{
	eval "_t=\$TUNNEL_OF_$2"
	l2d_get "$1" "show session" ".$_t.pw$2.$3"
}

# kernel_cookie NS TUNNEL_ID SESSION_ID WHICH (cookie, peer_cookie): read
# with dp_tool (iproute2 6.1's `ip l2tp show session` repeats a cookie of
# one session on the next one that has none).
kernel_cookie()
{
	in_ns "$1" "$DP_TOOL" session-get "$2" "$3" |
	    awk -v k="$4" '$1 == k { print $2 == "-" ? "" : $2 }'
}

for n in 1 2 3 4 5; do
	eval "t=\$TUNNEL_OF_$n"
	step "pw$n ($t): ping across, counters, cookies"
	expect "A's pw$n interface" "$(kget A $n kernel.interface)" "pw$n"
	ping_ok "$A" "10.9.$n.2"
	ping_ok "$B" "10.9.$n.1"
	tx0=$(kget A $n kernel.txPackets)
	rx0=$(kget B $n kernel.rxPackets)
	in_ns "$A" ping -n -q -c 20 -i 0.05 -w 20 "10.9.$n.2" >/dev/null ||
	    die "pw$n: 20 pings did not all pass"
	tx=$(($(kget A $n kernel.txPackets) - tx0))
	rx=$(($(kget B $n kernel.rxPackets) - rx0))
	# ARP may add a few, and one may be in flight between the reads.
	[ "$tx" -ge 20 ] && [ "$tx" -le 24 ] ||
	    die "pw$n: A sent $tx packets for 20 pings"
	[ "$rx" -ge 20 ] && [ "$rx" -le $((tx + 2)) ] ||
	    die "pw$n: B received $rx packets of A's $tx"
	expect "pw$n: B's cookie discards" \
	    "$(kget B $n kernel.rxCookieDiscards)" 0
	# The kernel sends the peer's cookie and checks ours.
	tid=$(l2d_get A "show tunnel $t" ".$t.localCcid")
	sid=$(kget A $n localSessionId)
	expect "pw$n: A's kernel cookie" \
	    "$(kernel_cookie "$A" "$tid" "$sid" cookie)" \
	    "$(kget A $n peerCookie)"
	expect "pw$n: A's kernel peer cookie" \
	    "$(kernel_cookie "$A" "$tid" "$sid" peer_cookie)" \
	    "$(kget A $n localCookie)"
	expect "pw$n: A's cookie equals B's peer cookie" \
	    "$(kget A $n localCookie)" "$(kget B $n peerCookie)"
done
expect "pw1: cookies differ per side" \
    "$([ "$(kget A 1 localCookie)" != "$(kget B 1 localCookie)" ] && echo y)" y
expect "pw2: B sends no cookie" "$(kget A 2 peerCookie)" ""

step "up-scripts ran with the session's environment"
sid=$(kget A 1 localSessionId)
rsid=$(kget A 1 remoteSessionId)
wait_until "A's up-script for pw1" 10 test -s "$TESTDIR/up.pw1.log"
# Both daemons write there; A's line is the one with A's session ID.
expect "A's pw1 up-script" "$(grep "^up u4 pw1 pw1 $sid " "$TESTDIR/up.pw1.log")" \
    "up u4 pw1 pw1 $sid $rsid 10.1.0.2 dynamic"

step "SLI: B's pw1 goes down, A's follows; and back"
"$IP" -n "$B" link set pw1 down
l2d_wait A "show session" '.u4.pw1.remoteCircuit == "down"' 20
wait_until "A's pw1 down" 10 sh -c \
    "! '$IP' -n '$A' link show pw1 | grep -q '[<,]UP[,>]'"
ping_fails "$A" 10.9.1.2
"$IP" -n "$B" link set pw1 up
l2d_wait A "show session" '.u4.pw1.remoteCircuit == "up"' 20
ping_ok "$A" 10.9.1.2

step "CDN: B drops pw2 at reload, both kernel sessions go"
conf_b without-pw2 >"$TESTDIR/b.in"
l2d_hup B <"$TESTDIR/b.in"
l2d_wait A "show session" '.u4.pw2.state != "established" and
    .u4.pw2.kernel == null' 20
wait_until "A's pw2 gone" 10 sh -c "! '$IP' -n '$A' link show pw2 2>/dev/null"
wait_until "B's pw2 gone" 10 sh -c "! '$IP' -n '$B' link show pw2 2>/dev/null"
wait_until "A's down-script for pw2" 10 test -s "$TESTDIR/down.pw2.log"
ping_ok "$A" 10.9.1.2

step "StopCCN: B drops tunnel i4 at reload, the kernel tunnel goes"
tid=$(l2d_get A "show tunnel i4" ".i4.localCcid")
in_ns "$A" "$DP_TOOL" tunnel-get "$tid" >/dev/null ||
    die "A has no kernel tunnel $tid"
conf_b without-pw2 without-i4 >"$TESTDIR/b.in"
l2d_hup B <"$TESTDIR/b.in"
# dp_tool exits 3 when the tunnel is absent.
wait_until "A's kernel tunnel $tid gone" 20 sh -c \
    "'$IP' netns exec '$A' '$DP_TOOL' tunnel-get $tid >/dev/null 2>&1; [ \$? = 3 ]"
wait_until "A's pw3 gone" 10 sh -c "! '$IP' -n '$A' link show pw3 2>/dev/null"
ping_ok "$A" 10.9.4.2

step "exit: no L2TP state left in the kernel"
l2d_stop A
l2d_stop B
for ns in "$A" "$B"; do
	expect "$ns: kernel tunnels" "$("$IP" -n "$ns" l2tp show tunnel)" ""
	expect "$ns: kernel sessions" "$("$IP" -n "$ns" l2tp show session)" ""
done
echo "PASS: two daemons, kernel dataplane: 5 pseudowires, SLI, CDN, StopCCN, exit"
