#!/bin/sh
# Issue 14: graceful restart with the kernel dataplane.  Three dynamic
# pseudowires between two l2tpv3d, each in a tunnel of its own: `t`
# over UDP with MD5 digests and 8-byte cookies, `tip` over IP (protocol
# 115), `tudp` over UDP without digests.  Pings at 10 Hz across each
# while A is restarted gracefully five times in a row (`restart
# graceful`, SIGUSR2 for one), the last into a rebuilt binary with
# another version string (an upgrade in place, as a package does):
#   - no ping is lost on any of the three;
#   - A's kernel tunnels and sessions (`ip l2tp show`) and its
#     interface indexes do not change; both sides keep their connection
#     and session IDs;
#   - on the wire (tcpdump on B's side): no StopCCN and no CDN, decoded
#     by l2tpdump -s SECRET, which verifies every digest of `t`.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq
require_cmd tcpdump

A=pe-a
B=pe-b
SECRET=graceful
L2TPDUMP=${L2TPDUMP:-$top_builddir/cli/l2tpdump}
TUNNELS="t tip tudp"
make_tmpdir
wan_pair "$A" "$B" 10.1.0
no_ipv6_links "$A" "$B"
# One address pair per tunnel: each is its own control connection.
for n in 11 12 21 22; do
	if [ $((n % 2)) = 1 ]; then ns=$A; else ns=$B; fi
	"$IP" -n "$ns" addr add "10.1.0.$n/24" dev wan0
done

# tunnel_conf NAME ME PEER INITIATE VC OPTIONS...: a tunnel with one
# pseudowire `pw` (remote-end-id VC, interface pwVC, 10.9.VC.ME).
tunnel_conf()
{
	_name=$1 _me=$2 _peer=$3 _init=$4 _vc=$5
	shift 5
	echo "tunnel $_name {"
	echo "	local = 10.1.0.$_me"
	echo "	remote = 10.1.0.$_peer"
	echo "	initiate = $_init"
	echo "	hello-interval = 2"
	for _o in "$@"; do echo "	$_o"; done
	echo "	session pw {"
	echo "		remote-end-id = \"$_vc\""
	echo "		interface = pw$_vc"
	# The last digit of the WAN address: 1 for A, 2 for B.
	echo "		address = \"10.9.$_vc.${_me#"${_me%?}"} peer 10.9.$_vc.${_peer#"${_peer%?}"}\""
	case $_name in t) echo "		cookie-length = 8" ;; esac
	echo "	}"
	echo "}"
}

# conf SIDE INITIATE: the three tunnels; A is .1/.11/.21, B .2/.12/.22.
conf()
{
	if [ "$1" = a ]; then m=1 p=2; else m=2 p=1; fi
	echo "hostname = \"pe-$1\""
	echo "dataplane = kernel"
	tunnel_conf t "$m" "$p" "$2" 7 "digest = md5" "secret = \"$SECRET\""
	tunnel_conf tip "1$m" "1$p" "$2" 8 "encap = ip"
	tunnel_conf tudp "2$m" "2$p" "$2" 9
}

# ids NAME: every tunnel's and session's local/remote IDs.
ids()
{
	l2d_get "$1" "show tunnel" \
	    '[.[] | "\(.name) \(.localCcid)/\(.remoteCcid)"] | join(" ")'
	l2d_get "$1" "show session" \
	    '[.[][] | "\(.localSessionId)/\(.remoteSessionId)"] | join(" ")'
}

# kernel_view: A's kernel objects and its interfaces' indexes.
kernel_view()
{
	"$IP" -n "$A" l2tp show tunnel
	"$IP" -n "$A" l2tp show session
	for vc in 7 8 9; do
		"$IP" -n "$A" -o link show "pw$vc" | cut -d: -f1
	done
}

step "three pseudowires come up (UDP + MD5 + cookies, IP, UDP)"
conf b no >"$TESTDIR/b.in"
conf a yes >"$TESTDIR/a.in"
# A runs from a copy of the binary, which the last restart finds
# replaced by a rebuilt one.
cp "$L2TPV3D" "$TESTDIR/l2tpv3d"
L2TPV3D=$TESTDIR/l2tpv3d
# From the start: l2tpdump needs the nonces of the SCCRQ and SCCRP to
# verify the digests.
in_ns "$B" tcpdump -n -U -i wan0 -w "$TESTDIR/wire.pcap" \
    udp or ip proto 115 >"$TESTDIR/tcpdump.err" 2>&1 &
capture=$!
at_exit "kill $capture 2>/dev/null"
wait_until "tcpdump to listen" 10 \
    grep -q "listening on" "$TESTDIR/tcpdump.err"

l2d_start B "$B" <"$TESTDIR/b.in"
l2d_start A "$A" <"$TESTDIR/a.in"
up='[.[][] | select(.state == "established" and .kernel != null)] |
    length == 3'
l2d_wait A "show session" "$up" 90
l2d_wait B "show session" "$up" 30
for vc in 7 8 9; do
	ping_ok "$A" "10.9.$vc.2"
done

kv=$(kernel_view)
ids_a=$(ids A)
ids_b=$(ids B)
echo "A: $ids_a"

step "five graceful restarts of A under 10 Hz pings on each pseudowire"
for vc in 7 8 9; do
	in_ns "$A" ping -n -i 0.1 -w 45 "10.9.$vc.2" \
	    >"$TESTDIR/ping$vc.out" 2>&1 &
	echo $! >"$TESTDIR/ping$vc.pid"
done
sleep 2
for n in 1 2 3 4 5; do
	old=$(cat "$TESTDIR/A.pidfile")
	if [ $n = 5 ]; then
		# The upgrade: a new file renamed over the one A runs from.
		"${PYTHON3:-python3}" "$top_srcdir/tests/bump-version.py" "$L2TPV3D" "$L2TPV3D.new"
		mv "$L2TPV3D.new" "$L2TPV3D"
	fi
	if [ $n = 3 ]; then
		kill -USR2 "$old"
	else
		l2d_sh A "restart graceful" >"$TESTDIR/restart.out" 2>&1 ||
		    die "restart graceful: $(cat "$TESTDIR/restart.out")"
	fi
	wait_until "old A ($old) to exit" 30 sh -c "! kill -0 $old 2>/dev/null"
	new=$(cat "$TESTDIR/A.pidfile")
	[ "$new" != "$old" ] && kill -0 "$new" 2>/dev/null ||
	    die "no new A after restart $n ($old -> $new)"
	echo "$new" >"$TESTDIR/A.pid"
	at_exit "kill -KILL $new 2>/dev/null"
	echo "restart $n: pid $old -> $new," \
	    "$(grep -o "pid $new has taken over in [0-9]* ms" "$TESTDIR/A.log")"
	expect "A's kernel view after restart $n" "$(kernel_view)" "$kv"
	expect "A's IDs after restart $n" "$(ids A)" "$ids_a"
	expect "B's IDs after restart $n" "$(ids B)" "$ids_b"
	sleep 3
done
expect "A's version after the upgrade" "$(l2d_sh A "show version")" \
    "l2tpv3d 9.9.9"
sleep 2
for vc in 7 8 9; do
	kill -INT "$(cat "$TESTDIR/ping$vc.pid")" 2>/dev/null
	wait "$(cat "$TESTDIR/ping$vc.pid")"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' \
	    "$TESTDIR/ping$vc.out")
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TESTDIR/ping$vc.out")
	echo "pw$vc: $sent pings, $got answered"
	expect_ge "pings sent on pw$vc" "$sent" 150
	expect "pings lost on pw$vc" "$((sent - got))" 0
done
sleep 0.5
kill "$capture"
wait "$capture" 2>/dev/null

step "the wire: no StopCCN, no CDN; every digest verified"
"$L2TPDUMP" -j -s "$SECRET" -r "$TESTDIR/wire.pcap" >"$TESTDIR/wire.json" ||
    die "l2tpdump -s SECRET: $(tail -n 5 "$TESTDIR/wire.json")"
ctl=$("$JQ" -s '[.[] | select(.msg != null)] | length' "$TESTDIR/wire.json")
ok=$("$JQ" -s '[.[] | select(.digest == "ok")] | length' "$TESTDIR/wire.json")
bad=$("$JQ" -s '[.[] | select(.digest != null and .digest != "ok")] | length' \
    "$TESTDIR/wire.json")
stops=$("$JQ" -s '[.[] | select(.msg.type == "StopCCN" or .msg.type == "CDN")] | length' \
    "$TESTDIR/wire.json")
echo "wire: $ctl control messages, $ok digests verified, $bad not"
expect_ge "control messages on the wire" "$ctl" 10
expect_ge "digests verified" "$ok" 5
expect "digests not verified" "$bad" 0
expect "StopCCN or CDN on the wire" "$stops" 0
! grep -q "StopCCN\|CDN" "$TESTDIR/B.log" ||
    die "B logged a StopCCN or CDN: $(grep "StopCCN\|CDN" "$TESTDIR/B.log")"

step "teardown"
apid=$(cat "$TESTDIR/A.pid")
kill -TERM "$apid"
wait_until "A to exit" 15 sh -c "! kill -0 $apid 2>/dev/null"
l2d_stop B
echo "PASS: 5 graceful restarts (the last an upgrade), 3 pseudowires, 0 pings lost, no StopCCN/CDN, digests verified"
