#!/bin/sh
# Issue 10: recovery after our own restart, in either role.  A daemon
# killed with -9 and started again no longer knows the connection its
# peer still runs, and opens a new one even when it only answers
# (initiate = no): tunnel and pseudowire are back within 10 s, not after
# the peer's retransmissions run out (here 1+2+4+8+8+... s, about 47 s,
# which is what this test would measure without either rule).  Two rules, each
# tested alone:
#   - the pid file the last run left behind says it did not end cleanly:
#     at start it opens the connections its peers may still hold;
#   - without that (the pid file was removed), the peer's HELLOs for the
#     lost connection ID prompt the new connection.
#
# Over UDP and over IP: the responder-only side restarts both ways, then
# the initiator; then the responder-only side stops cleanly (StopCCN) and
# starts again: a persistent initiator reopens within 10 s, not after
# the 31 s its old connection stays closing (issue 14's
# restart storm, at the scale of one tunnel; bench/l2tpbench.py
# --restart-storm measures it at scale).
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
LIMIT=10

TIMERS='hello-interval = 1
retransmit-initial = 1000
retransmit-cap = 8000
retries = 8'

# now_ms: milliseconds, for the recovery time.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# ids NAME: "localCcid/remoteCcid" of tunnel t.
ids() {
	json_get "$1" "show tunnel t" '.t | "\(.localCcid)/\(.remoteCcid)"'
}

up() {
	wait_json "$1" "show tunnel" '.t.state == "established"' "$2" &&
	    wait_json "$1" "show session" \
	    '[.[][] | select(.state == "established")] | length == 1' "$2"
}

# restart_and_time VICTIM NS crash|hello|clean: kill -9 VICTIM (clean:
# SIGTERM, and wait until it has exited), start it again at once (hello:
# without the pid file it left), and wait until both ends have the
# tunnel and the session up again on a new connection.
restart_and_time() {
	other=A
	[ "$1" = A ] && other=B
	before=$(ids "$other")
	if [ "$3" = clean ]; then
		daemon_stop "$1"
	else
		kill -KILL "$(daemon_pid "$1")"
	fi
	t0=$(now_ms)
	[ "$3" = hello ] && rm -f "$WORK/$1.pidfile"
	daemon_restart "$1" "$2"
	up "$1" $((LIMIT + 5)) || fail "$1: not back after its restart"
	up "$other" $((LIMIT + 5)) || fail "$other: not back after $1 restarted"
	took=$(($(now_ms) - t0))
	[ "$(ids "$other")" != "$before" ] ||
	    fail "$other still runs the old connection $before"
	assert_pair A t B t none
	echo "$encap: $1 restarted ($3), tunnel and session back in $took ms"
	[ "$took" -le $((LIMIT * 1000)) ] ||
	    fail "$encap: recovery after $1's restart took $took ms (limit ${LIMIT} s)"
}

for encap in udp ip; do
	ns_conf lcce-b t "$V4_B" "$V4_A" "encap = $encap" "initiate = no" \
	    "$TIMERS" 'session pw { remote-end-id = "101" }' >"$WORK/B.in"
	ns_conf lcce-a t "$V4_A" "$V4_B" "encap = $encap" "initiate = yes" \
	    "persist = yes" "retry-interval = 1" "$TIMERS" \
	    'session pw { remote-end-id = "101" }' >"$WORK/A.in"
	daemon_start B "$NS_B" <"$WORK/B.in"
	daemon_start A "$NS_A" <"$WORK/A.in"
	up A 15 || fail "$encap: A not up"
	up B 15 || fail "$encap: B not up"
	assert_pair A t B t none

	# The side that only answers: without the rule it would sit idle
	# until A's retransmissions ran out.
	restart_and_time B "$NS_B" crash
	grep -q "the last run did not end cleanly: opening 1 connection" \
	    "$WORK/B.log" ||
	    fail "$encap: B did not say why it opened a connection"
	restart_and_time B "$NS_B" hello
	grep -q "HELLO from .* for a connection we do not know" \
	    "$WORK/B.log" ||
	    fail "$encap: B did not say why it opened a connection"
	! grep -q "did not end cleanly" "$WORK/B.log" ||
	    fail "$encap: B took a removed pid file for a crash"
	# The initiator: it opens a connection when it starts anyway.
	restart_and_time A "$NS_A" crash
	# A clean restart of the side that answers: its StopCCN ends A's
	# connection, and A opens the next one about 1 s later instead of
	# after the old one's closing hold (31 s); B's refusals while it
	# shuts down ("shutting down") do not make A back off.
	restart_and_time B "$NS_B" clean

	daemon_stop A KILL
	daemon_stop B KILL
	DAEMONS=""
done
echo "PASS"
