#!/bin/sh
# Issue 11: SCCRQs spoofed from a configured peer's address cannot touch
# its established tunnel, nor anyone else's.
#
# A (responder) and B (initiator) run two MD5 tunnels: t (B at V4_B) and
# u (B at V4_B2, the "unrelated" one), hello-interval 1.  A third
# namespace C, wired to A by a veth of its own, holds V4_B: its
# datagrams reach A with the real peer's source address (A's replies go
# to the real B).  C (tests/ns/spoof_sccrq.py):
#  (a) replays an SCCRQ captured from B's earlier connection (signed with
#      the right secret: an SCCRQ's digest covers no nonce), from B's
#      port 1701 and from another port;
#  (b) sends 1 000 SCCRQs from 500 source ports at full speed: the
#      captured one and a forged one (random IDs, random digest) from
#      each.
# Afterwards both tunnels still have the connection IDs they had, no
# HELLO was retransmitted on either side (none missed), and A stayed
# within these bounds, checked below:
#   file descriptors: not one more than before the flood (half-open
#     connections have no socket);
#   RSS: at most RSS_FIRST_KB more after the first flood (an ASan build,
#     quarantine 1 MB; the half-open ones are capped at
#     max-half-open-per-peer = 4 per address), and at most RSS_AGAIN_KB
#     more after a second one: flat;
#   log: fewer than LOG_BOUND_LINES new lines (rate-limited: one line per
#     second per reason, with the count of the suppressed ones);
#   the control socket answers during the flood within 2 s.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
RSS_FIRST_KB=4096
RSS_AGAIN_KB=512
LOG_BOUND_LINES=25
SECRET=spoof-test-secret
V4_B2=10.200.0.3

NS_C="$NS_PREFIX-c"
ip netns add "$NS_C" || fail "cannot create namespace $NS_C"
NS_LIST="$NS_LIST $NS_C"
ip -n "$NS_C" link set lo up
ip -n "$NS_A" link add veth1 type veth peer name veth0 netns "$NS_C" ||
    fail "cannot create the attacker's veth"
ip -n "$NS_A" link set veth1 up
ip -n "$NS_C" addr add "$V4_B/24" dev veth0
ip -n "$NS_C" link set veth0 up
for c in all default veth1; do
	ns_exec "$NS_A" sysctl -qw "net.ipv4.conf.$c.rp_filter=0"
done
mac=$(ip -n "$NS_A" -br link show veth1 | awk '{ print $3 }')
ip -n "$NS_C" neigh replace "$V4_A" lladdr "$mac" dev veth0 nud permanent
ip -n "$NS_B" addr add "$V4_B2/24" dev veth0

# conf HOST INITIATE then "NAME LOCAL REMOTE" per tunnel
conf() {
	printf 'hostname = "%s"\ndataplane = none\n' "$1"
	init=$2
	shift 2
	for t in "$@"; do
		set -- $t
		printf 'tunnel %s {\n\tlocal = %s\n\tremote = %s\n' "$1" "$2" "$3"
		printf '\tinitiate = %s\n\tdigest = md5\n\tsecret = "%s"\n' \
		    "$init" "$SECRET"
		printf '\thello-interval = 1\n\tpersist = yes\n'
		printf '\tretry-interval = 1\n}\n'
	done
}

capture_start cap "$NS_A"
conf lcce-a no "t $V4_A $V4_B" "u $V4_A $V4_B2" >"$WORK/A.in"
# ASan keeps freed memory in quarantine (256 MB by default), which would
# show every short-lived allocation as RSS: 1 MB here.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" \
    NS_DEBUG= daemon_start A "$NS_A" <"$WORK/A.in"
conf lcce-b yes "t $V4_B $V4_A" "u $V4_B2 $V4_A" >"$WORK/B.in"
daemon_start B "$NS_B" <"$WORK/B.in"
for d in A B; do
	wait_json $d "show tunnel" \
	    '.t.state == "established" and .u.state == "established"' 15 ||
	    fail "$d: tunnels not established"
done
# The SCCRQ to replay is from an earlier connection: B restarts (kill
# -9), and its new SCCRQs replace A's established connections once they
# are proven.
old=$(json_get A "show tunnel t" .t.localCcid)
kill -KILL "$(daemon_pid B)"
daemon_restart B "$NS_B"
wait_json A "show tunnel" ".t.state == \"established\" and
    .t.localCcid != $old" 15 || fail "t did not come back"
wait_json B "show tunnel" \
    '.t.state == "established" and .u.state == "established"' 15 ||
    fail "B: tunnels did not come back"
wait_json A "show tunnel" \
    '.t.state == "established" and .u.state == "established"' 15 ||
    fail "A: tunnels did not come back"
assert_pair A t B t md5
assert_pair A u B u md5
capture_stop cap

ids() {
	json_get A "show tunnel" \
	    '[.t.localCcid, .t.remoteCcid, .u.localCcid, .u.remoteCcid] | @tsv'
}
hello_rtx() {
	json_get "$1" "show statistics" \
	    '[(.t.messages.retransmitted.HELLO // 0),
	      (.u.messages.retransmitted.HELLO // 0)] | add'
}
hellos_rx() {
	json_get "$1" "show statistics" '.t.messages.received.HELLO // 0'
}
ids0=$(ids)
pid=$(daemon_pid A)
spoof() {
	ns_exec "$NS_C" "${PYTHON3:-python3}" \
	    "$top_srcdir/tests/ns/spoof_sccrq.py" --src "$V4_B" --dst "$V4_A" \
	    --pcap "$WORK/cap.pcap" "$@" || fail "spoof_sccrq.py $*"
}

# (a) The replayed SCCRQ, from B's port and from another.
spoof --ports 1701:1
spoof --ports 40000:1
sleep 3
[ "$(ids)" = "$ids0" ] || fail "(a) connection IDs changed: $ids0 -> $(ids)"
grep -q "answered beside the connection in state established" \
    "$WORK/A.log" || fail "(a) the replay was not answered beside"
echo "(a) replayed SCCRQ: tunnels kept their IDs ($ids0)"

# (b) The flood, twice: the first may take memory the allocator keeps
# (ASan's size classes and shadow); the second must take none.
rss_of() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
fd0=$(ls "/proc/$pid/fd" | wc -l)
rss0=$(rss_of)
log0=$(wc -l <"$WORK/A.log")
t0=$(date +%s%N)
l2tpsh A "show tunnel t" >/dev/null || fail "show tunnel t"
ms0=$((($(date +%s%N) - t0) / 1000000))
for round in 1 2; do
	rx0=$(hellos_rx B)
	spoof --ports 20000:500 --copies 1 --forge 1 &
	spoofer=$!
	t0=$(date +%s%N)
	timeout 2 "$L2TPSH" -S "$WORK/A.sock" -c "show tunnel t" >/dev/null ||
	    fail "(b) the control socket did not answer within 2 s"
	ms=$((($(date +%s%N) - t0) / 1000000))
	wait $spoofer || fail "(b) the spoofer failed"
	# Several hellos, and the half-open ones' SCCRPs retransmitted.
	sleep 6
	rx1=$(hellos_rx B)
	fd1=$(ls "/proc/$pid/fd" | wc -l)
	eval "rss$round=\$(rss_of)"
	echo "(b$round) control socket answered in $ms ms during the flood" \
	    "($ms0 ms before); HELLOs from A seen by B $rx0 -> $rx1"
	[ "$(ids)" = "$ids0" ] ||
	    fail "(b$round) connection IDs changed: $ids0 -> $(ids)"
	for d in A B; do
		wait_json $d "show tunnel" \
		    '.t.state == "established" and .u.state == "established"' 1 ||
		    fail "(b$round) $d: a tunnel left established"
		[ "$(hello_rtx $d)" = 0 ] ||
		    fail "(b$round) $d retransmitted $(hello_rtx $d) HELLOs"
	done
	[ $((rx1 - rx0)) -ge 3 ] ||
	    fail "(b$round) B saw only $((rx1 - rx0)) HELLOs in 6 s"
	[ "$fd1" -le "$fd0" ] || fail "(b$round) fds grew: $fd0 -> $fd1"
done
log1=$(wc -l <"$WORK/A.log")
echo "(b) fds $fd0 -> $fd1; RSS $rss0 -> $rss1 -> $rss2 kB;" \
    "log +$((log1 - log0)) lines for 2 000 SCCRQs"
[ $((rss1 - rss0)) -le $RSS_FIRST_KB ] ||
    fail "(b) RSS grew by $((rss1 - rss0)) kB (bound $RSS_FIRST_KB)"
[ $((rss2 - rss1)) -le $RSS_AGAIN_KB ] ||
    fail "(b) RSS grew again by $((rss2 - rss1)) kB (bound $RSS_AGAIN_KB)"
[ $((log1 - log0)) -lt $LOG_BOUND_LINES ] ||
    fail "(b) the log grew by $((log1 - log0)) lines"
grep -q "similar suppressed" "$WORK/A.log" ||
    fail "(b) no count of suppressed lines in the log"
sed -n "$((log0 + 1)),\$p" "$WORK/A.log"
# The flood is counted where an operator looks: the daemon-wide JSON and
# the metrics agree, and say that half-open connections were dropped.
dropped=$(json_get A "show statistics daemon" .halfOpenDropped)
[ "${dropped:-0}" -gt 0 ] ||
    fail "(b) show statistics daemon json: halfOpenDropped ${dropped:-missing}"
l2tpsh A "show metrics" | grep -qx "l2tpv3d_half_open_dropped_total $dropped" ||
    fail "(b) the metrics do not say $dropped half-open connections dropped"
echo "(b) $dropped half-open connections dropped, in JSON and metrics"
daemon_stop A || fail "A did not exit cleanly (leak or error at exit)"
echo "PASS"
