#!/bin/sh
# Graceful restart under privilege separation (issue 14, docs/restart.md):
# A runs a root parent and an unprivileged protocol engine (a throwaway
# user, no capability, seccomp); B is a plain l2tpv3d.  A tunnel with MD5
# digests and a session, hellos every second.  `restart graceful` (the
# engine asks its parent, which executes the new binary: a new parent
# and a new engine) and then SIGUSR2 to the new parent hand everything
# over: the old parent and engine go, the pid file names the new parent,
# which is root and whose engine has dropped everything again, and the
# connection and session IDs stay on both sides.  A restart whose new
# process cannot load its configuration leaves the old pair running.
# The wire shows no StopCCN or CDN and A's Ns run on without a gap; the
# last daemon stops cleanly (pid file and control socket removed).
. "$(dirname "$0")/lib.sh"
ns_init
command -v "${TSHARK:-tshark}" >/dev/null 2>&1 || ns_skip "needs tshark"
ns_pair a b
ns_user l2tpg
umask 077
SECRET='graceful-privsep'

conf() { # NAME LOCAL REMOTE INITIATE
	ns_conf "$1" t "$2" "$3" "initiate = $4" "digest = md5" \
	    "secret = \"$SECRET\"" "hello-interval = 1" \
	    "session pw1 { remote-end-id = \"101\" cookie-length = 8 }"
}
conf lcce-b "$V4_B" "$V4_A" no | daemon_start B "$NS_B"
{
	conf lcce-a "$V4_A" "$V4_B" yes
	printf 'user = "%s"\n' "$U"
} | daemon_start A "$NS_A"
up='[.[][] | select(.state == "established")] | length == 1'
wait_json A "show session" "$up" 15 || fail "A: session not up"
wait_json B "show session" "$up" 15 || fail "B: session not up"

# engine_of PARENT: the parent's only child.
engine_of() {
	tr -d ' ' <"/proc/$1/task/$1/children" 2>/dev/null
}

# check_sep PARENT: root parent, engine as $U with nothing left.
check_sep() {
	_e=$(engine_of "$1")
	[ -n "$_e" ] || fail "parent $1 has no protocol engine"
	grep -q "^Uid:	0	" "/proc/$1/status" || fail "parent $1 is not root"
	_s=/proc/$_e/status
	grep -q "^Uid:	$UID_U	$UID_U	$UID_U	$UID_U\$" "$_s" ||
	    fail "engine $_e: $(grep ^Uid "$_s"), want $UID_U"
	for _f in "CapEff:	0000000000000000" "NoNewPrivs:	1" "Seccomp:	2"; do
		grep -q "^$_f\$" "$_s" ||
		    fail "engine $_e: $(grep "^${_f%%:*}:" "$_s"), want $_f"
	done
	echo "parent $1 (root), engine $_e: $(grep -E '^(Uid|CapEff|Seccomp):' \
	    "$_s" | tr '\t\n' '  ')"
}

ids() {
	json_get "$1" "show tunnel" '.t | "\(.localCcid)/\(.remoteCcid)"'
	json_get "$1" "show session" '.t.pw1 | "\(.localSessionId)/\(.remoteSessionId)"'
}
check_sep "$(cat "$WORK/A.pidfile")"
ids_a=$(ids A)
ids_b=$(ids B)
capture_start wire "$NS_A"

# restart_a HOW: one graceful restart of A; parent and engine change.
restart_a() {
	old=$(cat "$WORK/A.pidfile")
	old_e=$(engine_of "$old")
	graceful_ask A "$1"
	wait_gone "$old_e" 5 "old engine ($old_e) still running"
	wait_gone "$old" 5 "old parent ($old) still running"
	new=$(cat "$WORK/A.pidfile")
	[ -n "$new" ] && [ "$new" != "$old" ] ||
	    fail "pid did not change ($old -> $new)"
	echo "$new" >"$WORK/A.pid"
	echo "restart ($1): parent $old -> $new;" \
	    "$(grep -o "pid $new has taken over in .*" "$WORK/A.log")"
	check_sep "$new"
	[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A)"
	[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B)"
}

restart_a command
sleep 1.5
restart_a signal
sleep 1.5

# A configuration the new process cannot load: the old pair carries on.
cp "$WORK/A.conf" "$WORK/A.conf.good"
printf 'tunnel t {\n\tno-such-option = 1\n}\n' >"$WORK/A.conf"
pid=$(cat "$WORK/A.pidfile")
eng=$(engine_of "$pid")
l2tpsh A "restart graceful" >"$WORK/restart.out" 2>&1 &&
    fail "restart graceful succeeded: $(cat "$WORK/restart.out")"
grep -q "no-such-option" "$WORK/restart.out" ||
    fail "restart graceful did not say why: $(cat "$WORK/restart.out")"
echo "refused as expected: $(cat "$WORK/restart.out")"
cp "$WORK/A.conf.good" "$WORK/A.conf"
sleep 2.5
[ "$(cat "$WORK/A.pidfile")" = "$pid" ] || fail "A's pid file changed"
[ "$(engine_of "$pid")" = "$eng" ] || fail "A's engine changed"
wait_json A "show session" "$up" 2 || fail "A: session down"
[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A)"
[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B)"

# And the pair can still restart after a failed attempt.
restart_a command
sleep 1.5
wait_json B "show session" "$up" 2 || fail "B: session down at the end"
capture_stop wire

tshark_frames "$WORK/wire.pcap" "$SECRET" \
    'l2tp.avp.message_type == 4 or l2tp.avp.message_type == 14'
[ -z "$FRAMES" ] || fail "StopCCN or CDN on the wire: frames $FRAMES"
tshark_frames "$WORK/wire.pcap" "$SECRET" 'l2tp.incorrect_digest'
[ -z "$FRAMES" ] || fail "bad digests on the wire: frames $FRAMES"
assert_ns_continuous "$WORK/wire.pcap" "$V4_A"
assert_ns_continuous "$WORK/wire.pcap" "$V4_B"
hellos=$(awk '$2 == 6' "$WORK/ns.txt" | wc -l)
[ "$hellos" -ge 4 ] || fail "only $hellos HELLOs from B"
grep -q "seccomp: denied" "$WORK/A.log" && fail "a system call was denied"
grep -Eq "digest|never sent|bad Nr" "$WORK/B.log" &&
    fail "B complained: $(grep -E "digest|never sent|bad Nr" "$WORK/B.log")"

# The last parent stops cleanly and removes what is root's.
daemon_stop A
grep -q "l2tpv3d exiting" "$WORK/A.log" || fail "A: no clean exit"
[ -e "$WORK/A.sock" ] && fail "A: control socket left behind"
[ -e "$WORK/A.pidfile" ] && fail "A: pid file left behind"
echo "PASS (3 graceful restarts separated, 1 refused; IDs $ids_a)"
