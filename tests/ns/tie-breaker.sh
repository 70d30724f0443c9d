#!/bin/sh
# Simultaneous open: both ends are configured to initiate and both send
# their SCCRQ before either can hear the other (the wire is cut until
# both wait for a reply, then the two SCCRQs cross).  The Control
# Connection Tie Breaker must leave exactly one control connection: each
# end shows one tunnel, established, the CCIDs cross-match, it stays so,
# one SCCCN was sent, and the capture holds the StopCCN that closed the
# losing SCCRQ.  Five rounds, each with fresh daemons and so fresh tie
# breakers.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
TSHARK=${TSHARK:-tshark}
command -v "$TSHARK" >/dev/null 2>&1 || fail "tshark not found"
command -v tcpdump >/dev/null 2>&1 || fail "tcpdump not found"
ROUNDS=5

# wire up|down: a pfifo of length 0 at both ends drops every frame.
# Down also forgets the neighbours, so that each end's first SCCRQ waits
# in its ARP queue; once the wire is up, the first ARP request that gets
# through resolves both ends at once and the two SCCRQs cross.
wire() {
	for ns in "$NS_A" "$NS_B"; do
		if [ "$1" = down ]; then
			ns_exec "$ns" tc qdisc add dev veth0 root pfifo limit 0 &&
			    ns_exec "$ns" ip neigh flush dev veth0
		else
			ns_exec "$ns" tc qdisc del dev veth0 root
		fi || fail "cannot take the wire $1"
	done
}

ns_conf lcce-a t "$V4_A" "$V4_B" "initiate = yes" >"$WORK/A.in"
ns_conf lcce-b t "$V4_B" "$V4_A" "initiate = yes" >"$WORK/B.in"

r=0
while [ $r -lt $ROUNDS ]; do
	r=$((r + 1))
	wire down
	capture_start "cap$r" "$NS_A"
	daemon_start "A$r" "$NS_A" <"$WORK/A.in"
	daemon_start "B$r" "$NS_B" <"$WORK/B.in"
	for d in "A$r" "B$r"; do
		wait_json "$d" "show tunnel" '.t.state == "wait-ctl-reply"' 5 ||
		    fail "round $r: $d did not send its SCCRQ"
	done
	wire up
	for d in "A$r" "B$r"; do
		wait_json "$d" "show tunnel" '.t.state == "established"' 15 ||
		    fail "round $r: $d not established"
	done
	assert_pair "A$r" t "B$r" t none
	ids=$(json_get "A$r" "show tunnel" '"\(.t.localCcid)/\(.t.remoteCcid)"')
	# The losing connection's StopCCN and its retransmissions must not
	# touch the survivor.
	sleep 3
	for d in "A$r" "B$r"; do
		[ "$(json_get "$d" "show tunnel" 'keys | length')" = 1 ] ||
		    fail "round $r: $d shows more than one tunnel"
	done
	assert_pair "A$r" t "B$r" t none
	now=$(json_get "A$r" "show tunnel" '"\(.t.localCcid)/\(.t.remoteCcid)"')
	[ "$now" = "$ids" ] ||
	    fail "round $r: the surviving connection changed: $ids, now $now"
	capture_stop "cap$r"
	daemon_stop "A$r" || fail "round $r: A did not exit cleanly"
	daemon_stop "B$r" || fail "round $r: B did not exit cleanly"

	pcap=$WORK/cap$r.pcap
	tshark_frames "$pcap" x 'l2tp.avp.message_type == 1'
	[ "$(echo "$FRAMES" | wc -w)" -ge 2 ] ||
	    fail "round $r: fewer than two SCCRQs in the capture"
	tshark_frames "$pcap" x 'l2tp.avp.message_type == 4'
	[ -n "$FRAMES" ] || fail "round $r: no StopCCN for the losing SCCRQ"
	# ... addressed to the losing SCCRQ's CCID, not to the survivor's.
	"$TSHARK" -n -r "$pcap" -Y 'l2tp.avp.message_type == 4' \
	    -T fields -e l2tp.ccid 2>/dev/null >"$WORK/stop"
	for id in $(echo "$ids" | tr / ' '); do
		! grep -qix "$(printf '0x%08x' "$id")" "$WORK/stop" ||
		    fail "round $r: StopCCN sent to the surviving CCID $id"
	done
	"$TSHARK" -n -r "$pcap" -Y 'l2tp.avp.message_type == 3' \
	    -T fields -e l2tp.ccid 2>/dev/null | sort -u >"$WORK/scccn"
	[ "$(wc -l <"$WORK/scccn")" = 1 ] ||
	    fail "round $r: SCCCN for $(wc -l <"$WORK/scccn") connections"
	echo "round $r: one connection ($ids), StopCCN in frames $FRAMES"
done
echo "PASS"
