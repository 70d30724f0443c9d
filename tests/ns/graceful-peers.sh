#!/bin/sh
# Graceful restart against the scripted Cisco peer of the peer zoo and
# against a second l2tpv3d while the peer retransmits (issue 14: "the
# peer's view shows continuous Ns/Nr").
#
# 1. The Cisco IOS peer (zoo profile cisco-draft, the router opens the
#    connection and places the call, UDP): two graceful restarts of
#    l2tpv3d, each while a HELLO of the daemon is outstanding (the peer
#    leaves it unacknowledged) and while the peer retransmits its own
#    HELLO every 0.2 s (taking no acknowledgement) - before, during and
#    after the hand-over.  The peer (tests/peers/zoo.py --graceful)
#    fails on any gap in the daemon's Ns or an Nr going back, requires
#    the new process to answer its retransmissions and to send the
#    outstanding HELLO again with the Ns it had.  The wire shows no
#    StopCCN or CDN and the daemon's Ns continuous.
# 2. Two l2tpv3d: A is frozen (SIGSTOP) until B has retransmitted its
#    HELLO; A is then let go and at once restarted gracefully, so that
#    B's retransmissions (queued in A's socket, and more if the restart
#    outlasts B's timer) meet the hand-over.  B's HELLO is acknowledged,
#    no side logs a bad Nr, the IDs stay, and both sides' Ns run on
#    without a gap on the wire.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../peers/lib.sh"
ns_init
zoo_init

# --- 1. the scripted Cisco peer ---------------------------------------
ZOO_SESSION_LINES="	cookie-length = 4"
zoo_conf initiator udp "peer-dialect = auto" >"$WORK/C.in"
mkdir "$WORK/sync"
capture_start cisco "$NS_B"
daemon_start C "$NS_A" <"$WORK/C.in"
timeout 120 ip netns exec "$NS_B" "$PYTHON3" -S -B "$ZOO" \
    --profile cisco-draft --role initiator --encap udp --local "$V4_B" \
    --peer "$V4_A" --graceful 2 --sync "$WORK/sync" >"$WORK/C.peer" 2>&1 &
peer=$!
for k in 1 2; do
	i=0
	until [ -e "$WORK/sync/ready.$k" ]; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 $peer 2>/dev/null; then
			cat "$WORK/C.peer"
			fail "the Cisco peer did not reach round $k"
		fi
		sleep 0.05
	done
	ids=$(json_get C "show session" '.t.vc101 | "\(.localSessionId)/\(.remoteSessionId)"')
	restart_gracefully C
	touch "$WORK/sync/go.$k"
	[ "$(json_get C "show session" '.t.vc101 | "\(.localSessionId)/\(.remoteSessionId)"')" = "$ids" ] ||
	    fail "C: the session's IDs changed"
done
wait $peer
rc=$?
capture_stop cisco
echo "--- the Cisco peer"
cat "$WORK/C.peer"
[ $rc = 0 ] || fail "the Cisco peer failed"
grep -q "ROUND 2 OK" "$WORK/C.peer" || fail "the Cisco peer did not finish"
wait_json C "show session" '.t.vc101.state == "established"' 2 ||
    fail "C: session not established at the end"
tshark_frames "$WORK/cisco.pcap" x \
    'l2tp.avp.message_type == 4 or l2tp.avp.message_type == 14'
[ -z "$FRAMES" ] || fail "StopCCN or CDN on the wire: frames $FRAMES"
assert_ns_continuous "$WORK/cisco.pcap" "$V4_A"
# Of the peer's HELLOs some went several times; each round's last ones
# were answered by the new process (the peer checked).
rtx=$(awk '$2 == 6 { c[$1]++ } END { n = 0; for (k in c) if (c[k] > 1) n++; print n }' "$WORK/ns.txt")
[ "$rtx" -ge 2 ] || fail "the daemon's outstanding HELLOs were not resent ($rtx)"
daemon_stop C KILL

# --- 2. a second l2tpv3d retransmitting -------------------------------
graceful_pair
ids_a=$(ids A)
ids_b=$(ids B)
capture_start wire "$NS_B"
rtx_b() {
	json_get B "show statistics" '.t.retransmits'
}
for k in 1 2; do
	r0=$(rtx_b)
	kill -STOP "$(cat "$WORK/A.pidfile")"
	i=0
	until [ "$(rtx_b)" -gt "$r0" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && {
			kill -CONT "$(cat "$WORK/A.pidfile")"
			fail "B did not retransmit while A was stopped"
		}
		sleep 0.05
	done
	echo "B retransmitted ($r0 -> $(rtx_b)); A let go and restarted"
	kill -CONT "$(cat "$WORK/A.pidfile")"
	restart_gracefully A
	sleep 2.5
done
wait_json B "show session" "$up" 2 || fail "B: session down"
wait_json A "show session" "$up" 2 || fail "A: session down"
[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A)"
[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B)"
# B's last messages were acknowledged: nothing of its is outstanding.
sleep 1.5
capture_stop wire
tshark_frames "$WORK/wire.pcap" x \
    'l2tp.avp.message_type == 4 or l2tp.avp.message_type == 14'
[ -z "$FRAMES" ] || fail "StopCCN or CDN on the wire: frames $FRAMES"
assert_ns_continuous "$WORK/wire.pcap" "$V4_A"
assert_ns_continuous "$WORK/wire.pcap" "$V4_B"
rtx=$(awk '$2 == 6 { c[$1]++ } END { n = 0; for (k in c) if (c[k] > 1) n++; print n }' "$WORK/ns.txt")
[ "$rtx" -ge 2 ] || fail "B's HELLOs were not retransmitted on the wire ($rtx)"
# B's last HELLO on the wire was acknowledged by A (an Nr past it):
# the last that went at least 0.5 s before the capture ended (a later
# one's acknowledgement may not have been captured).
"${TSHARK:-tshark}" -n -r "$WORK/wire.pcap" -T fields \
    -e frame.time_relative -e ip.src -e l2tp.Ns -e l2tp.avp.message_type \
    >"$WORK/times.txt"
last=$(awk -v b="$V4_B" '{ end = $1 }
    $2 == b && $4 == 6 { t[NR] = $1; n[NR] = $3 }
    END { for (i in t) if (t[i] <= end - 0.5 && (best == "" || i + 0 > best))
	best = i + 0; print n[best] }' "$WORK/times.txt")
[ -n "$last" ] || fail "no HELLO of B on the wire"
"${TSHARK:-tshark}" -n -r "$WORK/wire.pcap" -Y "ip.src == $V4_A" \
    -T fields -e l2tp.Nr >"$WORK/nr_a.txt"
awk -v want=$(((last + 1) % 65536)) '$1 == want { ok = 1 } END { exit !ok }' \
    "$WORK/nr_a.txt" || fail "B's HELLO Ns $last never acknowledged by A"
grep -Eq "never sent|bad Nr" "$WORK/B.log" "$WORK/A.log" &&
    fail "bad Nr: $(grep -E "never sent|bad Nr" "$WORK/B.log" "$WORK/A.log")"
echo "PASS (Cisco peer: 2 graceful restarts while it retransmitted and a HELLO was outstanding; l2tpv3d peer: 2 while it retransmitted)"
