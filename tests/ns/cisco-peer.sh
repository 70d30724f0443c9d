#!/bin/sh
# l2tpv3d against a scripted Cisco IOS peer in draft mode (cisco_peer.py,
# which says what it sends and checks): SCCRQ with vendor-9 AVPs, SCCRP
# in the Cisco dialect, SCCCN, established with dialect "cisco", HELLO
# acknowledged, StopCCN "Admin Action" ends it.  Twice: without a digest
# (ZLB acknowledgements), and with MD5 (9:12 second in every message,
# Challenge and 9:13 in the SCCRQ, 9:0 = 102 ACK messages, never a ZLB).
# The capture of each run must decode with l2tpdump (with the secret:
# every 9:12 verifies) and tshark must find nothing malformed.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
PYTHON3=${PYTHON3:-python3}
TSHARK=${TSHARK:-tshark}
command -v "$PYTHON3" >/dev/null 2>&1 || fail "python3 not found"
command -v "$TSHARK" >/dev/null 2>&1 || fail "tshark not found"
command -v tcpdump >/dev/null 2>&1 || fail "tcpdump not found"
L2TPDUMP=${L2TPDUMP:-$top_builddir/cli/l2tpdump}
PEER=$top_srcdir/tests/ns/cisco_peer.py
SECRET='cisco-l2tp-secret'

# variant NAME [SECRET]
variant() {
	name=$1
	secret=$2
	if [ -n "$secret" ]; then
		set -- "digest = md5" "secret = '$secret'"
	else
		set --
	fi
	ns_conf linux-pe c "$V4_A" "$V4_B" "initiate = no" \
	    "peer-hostname = \"cisco-pe\"" "peer-dialect = auto" \
	    "hello-interval = 60" "$@" >"$WORK/$name.in"
	daemon_start "$name" "$NS_A" <"$WORK/$name.in"
	capture_start "$name" "$NS_B"
	echo "--- $name"
	timeout 60 ip netns exec "$NS_B" "$PYTHON3" "$PEER" --local "$V4_B" \
	    --peer "$V4_A" --l2tpsh "$L2TPSH" --sock "$WORK/$name.sock" \
	    --tunnel c ${secret:+--secret "$secret"} >"$WORK/$name.peer" 2>&1
	rc=$?
	cat "$WORK/$name.peer"
	[ $rc = 0 ] || fail "$name: the Cisco peer's script failed ($rc)"
	capture_stop "$name"
	daemon_stop "$name" || fail "$name: daemon did not exit cleanly"

	pcap=$WORK/$name.pcap
	"$L2TPDUMP" -v ${secret:+-s "$secret"} -r "$pcap" >"$WORK/$name.dump" \
	    2>&1 || fail "$name: l2tpdump: $(cat "$WORK/$name.dump")"
	if [ -n "$secret" ]; then
		# SCCRQ, SCCRP, SCCCN, HELLO, StopCCN and three ACKs at least.
		n=$(grep -c "digest ok" "$WORK/$name.dump")
		msgs=$(grep -c " ccid=" "$WORK/$name.dump")
		[ "$n" -ge 8 ] && [ "$n" = "$msgs" ] ||
		    fail "$name: l2tpdump verified $n digests in $msgs messages"
	fi
	tshark_frames "$pcap" "$SECRET" '_ws.malformed'
	[ -z "$FRAMES" ] || fail "$name: tshark: malformed frames $FRAMES"
	tshark_frames "$pcap" "$SECRET" 'l2tp.avp.message_type == 2'
	[ -n "$FRAMES" ] || fail "$name: tshark sees no SCCRP"
}

variant plain
variant md5 "$SECRET"
echo "PASS"
