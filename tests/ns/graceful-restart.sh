#!/bin/sh
# Graceful restart (issue 14, docs/restart.md): two l2tpv3d (dataplane
# none), a tunnel with MD5 digests, two sessions, hellos every second.
# A is restarted gracefully five times in a row (four by `restart
# graceful`, one by SIGUSR2), then once more while a HELLO of its is
# outstanding (B stopped, so nothing is acknowledged).  Each time the
# pid changes and the connection and session IDs do not, on either
# side; the wire shows no StopCCN and no CDN, and the Ns of what A
# sends runs on without a gap or a step back (a retransmission repeats
# the last one); the outstanding HELLO is retransmitted by the new
# process and acknowledged.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
command -v "${TSHARK:-tshark}" >/dev/null 2>&1 || ns_skip "needs tshark"
SECRET='graceful-secret'

conf() { # NAME LOCAL REMOTE INITIATE
	ns_conf "$1" t "$2" "$3" "initiate = $4" "digest = md5" \
	    "secret = \"$SECRET\"" "hello-interval = 1" \
	    "session pw1 { remote-end-id = \"101\" cookie-length = 8 }" \
	    "session pw2 { remote-end-id = \"102\" cookie-length = 4 }"
}
conf lcce-b "$V4_B" "$V4_A" no | daemon_start B "$NS_B"
conf lcce-a "$V4_A" "$V4_B" yes | daemon_start A "$NS_A"
up='[.[][] | select(.state == "established")] | length == 2'
wait_json A "show session" "$up" 15 || fail "A: sessions not up"
wait_json B "show session" "$up" 15 || fail "B: sessions not up"

ids() {
	json_get "$1" "show tunnel" '.t | "\(.localCcid)/\(.remoteCcid)"'
	json_get "$1" "show session" \
	    '.t | [.[] | "\(.localSessionId)/\(.remoteSessionId)"] | sort | join(" ")'
}
ids_a=$(ids A)
ids_b=$(ids B)
capture_start wire "$NS_A"

# restart_a HOW: one graceful restart of A; the new pid must differ.
restart_a() {
	old=$(cat "$WORK/A.pidfile")
	t0=$(date +%s%N)
	if [ "$1" = signal ]; then
		kill -USR2 "$old"
	else
		l2tpsh A "restart graceful" >"$WORK/restart.out" 2>&1 ||
		    fail "restart graceful: $(cat "$WORK/restart.out")"
		grep -q "has taken over" "$WORK/restart.out" ||
		    fail "restart graceful said: $(cat "$WORK/restart.out")"
	fi
	ta=$(date +%s%N)
	# Gone: exited (a zombie until whoever inherited it reaps it).
	i=0
	while kill -0 "$old" 2>/dev/null &&
	    ! grep -q '^State:.*Z' "/proc/$old/status" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 150 ] && fail "old A ($old) still running"
		sleep 0.02
	done
	new=$(cat "$WORK/A.pidfile")
	t1=$(date +%s%N)
	[ -n "$new" ] && [ "$new" != "$old" ] ||
	    fail "pid did not change ($old -> $new)"
	kill -0 "$new" 2>/dev/null || fail "new A ($new) is not running"
	echo "$new" >"$WORK/A.pid"
	took=$(grep -o "pid $new has taken over in [0-9]* ms" "$WORK/A.log" |
	    grep -o "[0-9]* ms")
	echo "restart $n ($1): pid $old -> $new, hand-over $took;" \
	    "answered after $(((ta - t0) / 1000000)) ms, old process exited after" \
	    "$(((t1 - t0) / 1000000)) ms"
	[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A)"
	# B may be stopped (and its shell with it).
	[ "$2" = b-stopped ] && return
	[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B)"
}

for n in 1 2 3 4 5; do
	if [ $n = 3 ]; then restart_a signal; else restart_a command; fi
	sleep 1.3
done

# A HELLO outstanding: B stopped, A's hello goes unanswered.
kill -STOP "$(daemon_pid B)"
sleep 1.5
n=6
restart_a command b-stopped
grep -q "1 connection (1 unacknowledged" "$WORK/A.log" || {
	kill -CONT "$(daemon_pid B)"
	fail "no HELLO was outstanding at the restart"
}
sleep 1.5
kill -CONT "$(daemon_pid B)"
sleep 2.5
wait_json A "show session" "$up" 5 || fail "A: sessions down at the end"
wait_json B "show session" "$up" 5 || fail "B: sessions down at the end"
[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A)"
[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B)"
capture_stop wire

tshark_frames "$WORK/wire.pcap" "$SECRET" \
    'l2tp.avp.message_type == 4 or l2tp.avp.message_type == 14'
[ -z "$FRAMES" ] || fail "StopCCN or CDN on the wire: frames $FRAMES"
assert_ns_continuous "$WORK/wire.pcap" "$V4_A"
hellos=$(awk '$2 == 6' "$WORK/ns.txt" | wc -l)
rtx=$(awk '$2 == 6 { c[$1]++ } END { n = 0; for (k in c) if (c[k] > 1) n++; print n }' "$WORK/ns.txt")
[ "$hellos" -ge 8 ] || fail "only $hellos HELLOs from A"
[ "$rtx" -ge 1 ] || fail "the outstanding HELLO was not retransmitted"
# B saw nothing wrong: no digest failure, no bad Nr on its side.
grep -Eq "digest|Nr .*never sent|bad Nr" "$WORK/B.log" &&
    fail "B complained: $(grep -E "digest|never sent|bad Nr" "$WORK/B.log")"
echo "PASS (6 graceful restarts; $hellos HELLOs from A, $rtx retransmitted; IDs $ids_a)"
