#!/bin/sh
# Graceful restart (issue 14, docs/restart.md): two l2tpv3d (dataplane
# none), a tunnel with MD5 digests, two sessions, hellos every second.
# A is restarted gracefully five times in a row (four by `restart
# graceful`, one by SIGUSR2; its metrics-listen HTTP socket answers
# after each), once more while a HELLO of its is outstanding (B stopped,
# so nothing is acknowledged), and once more into a replaced binary
# with another version string (an upgrade).  Each time the pid changes
# and the connection and session IDs do not, on either side; the wire
# shows no StopCCN and no CDN, and the Ns of what A sends runs on
# without a gap or a step back (a retransmission repeats the last one);
# the outstanding HELLO is retransmitted by the new process and
# acknowledged.
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
# A runs from a copy of the binary, which the last restart finds
# replaced by a "newer build" (an upgrade in place, as a package does).
cp "$L2TPV3D" "$WORK/l2tpv3d"
real_l2tpv3d=$L2TPV3D
L2TPV3D=$WORK/l2tpv3d
# A serves its metrics over HTTP too: that socket is handed over as well.
{
	echo 'metrics-listen = "127.0.0.1:9735"'
	conf lcce-a "$V4_A" "$V4_B" yes
} | daemon_start A "$NS_A"
L2TPV3D=$real_l2tpv3d
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
	graceful_ask A "$1"
	ta=$(date +%s%N)
	wait_gone "$old" 3 "old A ($old) still running"
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
	ip netns exec "$NS_A" "${PYTHON3:-python3}" \
	    "$top_srcdir/tests/shell/http_get.py" http://127.0.0.1:9735/metrics \
	    >"$WORK/metrics.out" 2>&1 || fail "GET /metrics: $(cat "$WORK/metrics.out")"
	head -n 1 "$WORK/metrics.out" | grep -qx 200 &&
	    grep -q '^l2tpv3d_tunnel_up{tunnel="t"' "$WORK/metrics.out" ||
	    fail "GET /metrics after the restart: $(head -n 3 "$WORK/metrics.out")"
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

# An upgrade: the binary A runs from is replaced (a new file renamed
# over it) by one whose version string differs, and the graceful
# restart executes the new one.
old_version=$(l2tpsh A "show version")
"${PYTHON3:-python3}" "$top_srcdir/tests/bump-version.py" "$WORK/l2tpv3d" "$WORK/l2tpv3d.new"
mv "$WORK/l2tpv3d.new" "$WORK/l2tpv3d"
n=7
restart_a command
new_version=$(l2tpsh A "show version")
[ "$new_version" = "l2tpv3d 9.9.9" ] ||
    fail "after the upgrade A says '$new_version' (was '$old_version')"
echo "upgraded: '$old_version' -> '$new_version'"
sleep 1.5
wait_json A "show session" "$up" 5 || fail "A: sessions down after the upgrade"
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
echo "PASS (7 graceful restarts, the last one an upgrade; $hellos HELLOs from A, $rtx retransmitted; IDs $ids_a)"
