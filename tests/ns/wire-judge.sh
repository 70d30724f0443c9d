#!/bin/sh
# Two independent judges look at what two daemons really send: an MD5
# tunnel comes up and exchanges hellos (interval 1 s) while tcpdump
# records it in a namespace; then, for UDP and for IP encap:
#  - tshark with the right secret: digested frames exist, every control
#    message carries a digest (no ZLB: it could not), none is malformed
#    and none has an incorrect digest;
#  - tshark with a wrong secret flags every digested frame (so the clean
#    run above did check something);
#  - l2tpdump -s SECRET finds every digest ok, and with the wrong secret
#    fails.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
TSHARK=${TSHARK:-tshark}
command -v "$TSHARK" >/dev/null 2>&1 || fail "tshark not found"
command -v tcpdump >/dev/null 2>&1 || fail "tcpdump not found"
L2TPDUMP=${L2TPDUMP:-$top_builddir/cli/l2tpdump}
[ -x "$L2TPDUMP" ] || fail "$L2TPDUMP not built"

SECRET='judge-Secret.1'
WRONG='judge-Secret.2'
HELLOS=2

# judge ENCAP: one bring-up and its verdicts.
judge() {
	encap=$1
	ns_conf lcce-a t "$V4_A" "$V4_B" "encap = $encap" "initiate = yes" \
	    "hello-interval = 1" "digest = md5" "secret = '$SECRET'" \
	    >"$WORK/a.in"
	ns_conf lcce-b t "$V4_B" "$V4_A" "encap = $encap" "initiate = no" \
	    "hello-interval = 1" "digest = md5" "secret = '$SECRET'" \
	    >"$WORK/b.in"
	capture_start "$encap" "$NS_A"
	daemon_start "B-$encap" "$NS_B" <"$WORK/b.in"
	daemon_start "A-$encap" "$NS_A" <"$WORK/a.in"
	for d in "A-$encap" "B-$encap"; do
		wait_json "$d" "show statistics" \
		    ".t.messages.received.HELLO >= $HELLOS" 15 ||
		    fail "$encap: $d received fewer than $HELLOS hellos"
	done
	assert_pair "A-$encap" t "B-$encap" t md5
	capture_stop "$encap"
	daemon_stop "A-$encap" || fail "A-$encap did not exit cleanly"
	daemon_stop "B-$encap" || fail "B-$encap did not exit cleanly"

	pcap=$WORK/$encap.pcap
	tshark_frames "$pcap" "$SECRET" 'l2tp.avp.message_type == 1'
	[ -n "$FRAMES" ] || fail "$encap: no SCCRQ in the capture"
	tshark_frames "$pcap" "$SECRET" 'l2tp.avp.message_type == 6'
	[ -n "$FRAMES" ] || fail "$encap: no HELLO in the capture"
	tshark_frames "$pcap" "$SECRET" 'l2tp.avp.message_digest'
	digested=$FRAMES
	[ -n "$digested" ] || fail "$encap: no digested frame"
	tshark_frames "$pcap" "$SECRET" 'l2tp.ccid && !l2tp.avp.message_digest'
	[ -z "$FRAMES" ] ||
	    fail "$encap: control messages without a digest: frames $FRAMES"
	tshark_frames "$pcap" "$SECRET" \
	    '_ws.malformed || _ws.expert.severity >= warning'
	[ -z "$FRAMES" ] || fail "$encap: malformed or warned frames $FRAMES"
	tshark_frames "$pcap" "$SECRET" 'l2tp.incorrect_digest'
	[ -z "$FRAMES" ] || fail "$encap: incorrect digest in frames $FRAMES"
	tshark_frames "$pcap" "$WRONG" 'l2tp.incorrect_digest'
	[ "$FRAMES" = "$digested" ] ||
	    fail "$encap: wrong secret flags '$FRAMES', digested are '$digested'"

	"$L2TPDUMP" -j -s "$SECRET" -r "$pcap" >"$WORK/$encap.json" ||
	    fail "$encap: l2tpdump -s SECRET failed: $(cat "$WORK/$encap.json")"
	ok=$("$JQ" -s '[.[] | select(.digest == "ok")] | length' \
	    "$WORK/$encap.json")
	ctl=$("$JQ" -s '[.[] | select(.msg != null)] | length' \
	    "$WORK/$encap.json")
	ndig=$(echo "$digested" | wc -w)
	[ "$ok" = "$ndig" ] && [ "$ctl" = "$ndig" ] ||
	    fail "$encap: l2tpdump: $ok digests ok in $ctl control" \
	    "messages, tshark saw $ndig digested frames"
	"$L2TPDUMP" -s "$WRONG" -r "$pcap" >/dev/null 2>&1 &&
	    fail "$encap: l2tpdump accepted every digest with a wrong secret"
	echo "$encap: $ndig digested frames, all verified by tshark and l2tpdump"
}

judge udp
judge ip
echo "PASS"
