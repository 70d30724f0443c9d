#!/bin/sh
# Issues 10 and 14: either side of a dynamic pseudowire killed with -9
# and started again; the pseudowire carries pings again within 5 s of
# the start.
#   - B only answers (initiate = no).  Its kernel tunnel died with its
#     socket; the pid file it left says the last run did not end
#     cleanly, so it opens a connection at once, and the peer's HELLOs
#     for the lost connection would prompt it too (79.7 s before these
#     rules: the peer's retransmissions had to run out first).
#   - A initiates: started again, it opens a new connection, which B
#     takes in place of the lost one once the new one is proven.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=pe-a
B=pe-b
LIMIT=5
make_tmpdir
wan_pair "$A" "$B" 10.1.0
no_ipv6_links "$A" "$B"

# conf SIDE ME PEER INITIATE: persistent where it initiates.
conf()
{
	pw_conf "$1" "$2" "$3" "$4" "persist = $4"
}

step "A initiates, B only answers; the pseudowire comes up"
conf b 2 1 no >"$TESTDIR/b.in"
conf a 1 2 yes >"$TESTDIR/a.in"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_start A "$A" <"$TESTDIR/a.in"
up='[.[][] | select(.state == "established" and .kernel != null)] |
    length == 1'
l2d_wait A "show session" "$up" 60
l2d_wait B "show session" "$up" 30
ping_ok "$A" 10.9.7.2

# crash_restart VICTIM NS CONF OTHER: kill -9 VICTIM, start it again at
# once, and time until A's pings cross the pseudowire again (at most
# LIMIT s); OTHER must then run a new connection.
crash_restart()
{
	old=$(l2d_get "$4" "show tunnel t" .t.remoteCcid)
	vpid=$(cat "$TESTDIR/$1.pid")
	kill -KILL "$vpid"
	wait_until "$1 to die" 10 sh -c "! kill -0 $vpid 2>/dev/null"
	t0=$(date +%s%N)
	l2d_start "$1" "$2" <"$3"
	until in_ns "$A" ping -n -q -c 1 -W 1 10.9.7.2 >/dev/null 2>&1; do
		[ $((($(date +%s%N) - t0) / 1000000)) -le $((LIMIT * 1000 + 5000)) ] ||
		    die "no ping through the pseudowire $((LIMIT + 5)) s after $1 restarted"
	done
	took=$((($(date +%s%N) - t0) / 1000000))
	echo "pings pass again $took ms after $1 restarted"
	[ "$took" -le $((LIMIT * 1000)) ] ||
	    die "pings came back after $took ms (limit $LIMIT s)"
	new=$(l2d_get "$4" "show tunnel t" .t.remoteCcid)
	[ "$new" != "$old" ] || die "$4 still runs $1's old connection $old"
}

step "kill -9 B, start it again: pings pass within $LIMIT s"
crash_restart B "$B" "$TESTDIR/b.in" A
# Either rule may act first: the pid file B left behind (an unclean
# end), or A's next message for the lost connection.
grep -Eq "did not end cleanly|for a connection we do not know" \
    "$TESTDIR/B.log" || die "B did not say why it opened a connection"
ping_ok "$B" 10.9.7.1

step "kill -9 A (the initiator), start it again: pings pass within $LIMIT s"
crash_restart A "$A" "$TESTDIR/a.in" B
expect "kernel tunnels in B" "$("$IP" -n "$B" l2tp show tunnel | grep -c '^Tunnel')" 1
ping_ok "$B" 10.9.7.1

step "teardown"
l2d_stop A
l2d_stop B
