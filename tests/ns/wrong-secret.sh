#!/bin/sh
# Two ends with different secrets never get a tunnel: the responder finds
# the SCCRQ's digest wrong, counts it and answers with StopCCN, which the
# capture shows; no sample on either end is ever established.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
TSHARK=${TSHARK:-tshark}
command -v "$TSHARK" >/dev/null 2>&1 || fail "tshark not found"
command -v tcpdump >/dev/null 2>&1 || fail "tcpdump not found"
WATCH=8

ns_conf lcce-b t "$V4_B" "$V4_A" "initiate = no" "digest = md5" \
    "secret = 'the-right-one'" >"$WORK/B.in"
ns_conf lcce-a t "$V4_A" "$V4_B" "initiate = yes" "digest = md5" \
    "secret = 'the-wrong-one'" "retry-interval = 2" >"$WORK/A.in"
capture_start cap "$NS_A"
daemon_start B "$NS_B" <"$WORK/B.in"
daemon_start A "$NS_A" <"$WORK/A.in"

# Long enough for the first attempt and a persistent retry.
end=$(($(date +%s) + WATCH))
while [ "$(date +%s)" -lt "$end" ]; do
	for d in A B; do
		state=$(json_get "$d" "show tunnel t" .t.state)
		[ "$state" != established ] ||
		    fail "$d reached established with a wrong secret"
	done
	sleep 0.3
done
capture_stop cap

fa=$(json_get A "show statistics" '.t.digestFailures')
fb=$(json_get B "show statistics" '.t.digestFailures')
echo "digest failures: A $fa, B $fb"
[ "$fb" -gt 0 ] || fail "B received bad digests but counted none"

pcap=$WORK/cap.pcap
tshark_frames "$pcap" x 'l2tp.avp.message_type == 1'
[ -n "$FRAMES" ] || fail "no SCCRQ in the capture"
tshark_frames "$pcap" x "l2tp.avp.message_type == 4 && ip.src == $V4_B"
[ -n "$FRAMES" ] || fail "B sent no StopCCN"
tshark_frames "$pcap" x \
    'l2tp.avp.message_type == 2 || l2tp.avp.message_type == 3'
[ -z "$FRAMES" ] || fail "SCCRP or SCCCN sent despite the bad digest: $FRAMES"
echo "PASS"
