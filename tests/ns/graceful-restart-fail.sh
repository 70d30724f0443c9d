#!/bin/sh
# A graceful restart whose new process fails leaves the old daemon
# running with its tunnel untouched (issue 14, docs/restart.md): a
# broken configuration, a configuration without the tunnel, and a
# handed-over state of a format version the new binary does not read
# (the old one writes version 99, as the test's environment tells it).
# Each time `restart graceful` fails and says why, the pid stays, the IDs
# stay on both sides, the wire shows no StopCCN or CDN, and the thawed
# daemon goes on (its HELLOs are acknowledged, Ns continuous).  A last
# restart with a good configuration then succeeds.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
command -v "${TSHARK:-tshark}" >/dev/null 2>&1 || ns_skip "needs tshark"

graceful_pair

# must_fail WHY-PATTERN: restart graceful fails saying so; nothing moved.
must_fail() {
	pid=$(cat "$WORK/A.pidfile")
	ids_a=$(ids A)
	ids_b=$(ids B)
	if l2tpsh A "restart graceful" >"$WORK/restart.out" 2>&1; then
		fail "restart graceful succeeded: $(cat "$WORK/restart.out")"
	fi
	grep -q "$1" "$WORK/restart.out" ||
	    fail "restart graceful did not say '$1': $(cat "$WORK/restart.out")"
	echo "refused as expected: $(cat "$WORK/restart.out")"
	[ "$(cat "$WORK/A.pidfile")" = "$pid" ] || fail "A's pid file changed"
	kill -0 "$pid" 2>/dev/null || fail "A ($pid) is gone"
	sleep 2.5 # a couple of HELLOs from the thawed daemon
	wait_json A "show session" "$up" 1 || fail "A: session down"
	wait_json B "show session" "$up" 1 || fail "B: session down"
	[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed"
	[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed"
}

# check_wire PCAP: no StopCCN/CDN, Ns continuous both ways, HELLOs.
check_wire() {
	tshark_frames "$1" x \
	    'l2tp.avp.message_type == 4 or l2tp.avp.message_type == 14'
	[ -z "$FRAMES" ] || fail "StopCCN or CDN on the wire: frames $FRAMES"
	assert_ns_continuous "$1" "$V4_B"
	assert_ns_continuous "$1" "$V4_A"
	# HELLOs go after a second of silence, from whichever side's timer
	# fires first: count both.
	tshark_frames "$1" x 'l2tp.avp.message_type == 6'
	[ "$(echo "$FRAMES" | wc -w)" -ge 3 ] ||
	    fail "too few HELLOs on the wire: frames $FRAMES"
}

capture_start wire1 "$NS_A"
cp "$WORK/A.conf" "$WORK/A.conf.good"
printf 'tunnel t {\n\tno-such-option = 1\n}\n' >"$WORK/A.conf"
must_fail "no-such-option"
sed 's/^tunnel t {/tunnel other {/' "$WORK/A.conf.good" >"$WORK/A.conf"
must_fail "tunnel t .*not in the configuration"
cp "$WORK/A.conf.good" "$WORK/A.conf"
pid=$(cat "$WORK/A.pidfile")
l2tpsh A "restart graceful" >"$WORK/restart.out" 2>&1 ||
    fail "good restart failed: $(cat "$WORK/restart.out")"
wait_gone "$pid" 5 "old A ($pid) still running"
cat "$WORK/A.pidfile" >"$WORK/A.pid"
wait_json A "show session" "$up" 5 || fail "A: session down after restart"
sleep 1.5
capture_stop wire1
check_wire "$WORK/wire1.pcap"

# A state version the new binary does not read.
daemon_stop A
export L2TPV3D_TEST_HANDOVER_VERSION=99
daemon_restart A "$NS_A"
unset L2TPV3D_TEST_HANDOVER_VERSION
wait_json A "show session" "$up" 15 || fail "A: session not up (2)"
wait_json B "show session" "$up" 15 || fail "B: session not up (2)"
capture_start wire2 "$NS_A"
must_fail "format version 99, this build reads version"
capture_stop wire2
check_wire "$WORK/wire2.pcap"
echo "PASS"
